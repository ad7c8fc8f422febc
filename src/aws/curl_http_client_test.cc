#include "aws/curl_http_client.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "aws/test_support/test_http_server.h"

namespace sentinel::aws {
namespace {

using ::std::chrono::milliseconds;
using test_support::CannedResponse;
using test_support::TestHttpServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kThrottlingXml =
    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
    "<Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>";

// Returns a loopback port nothing listens on: bound once by the kernel's choice, then freed.
int UnusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  EXPECT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

class CurlHttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestHttpServer::Start();
    ASSERT_TRUE(server.has_value()) << server.error().message();
    server_ = std::move(*server);
  }

  // Options that record sleeps instead of sleeping and keep timeouts short.
  CurlHttpClientOptions Options() {
    CurlHttpClientOptions options;
    options.connect_timeout = milliseconds(1000);
    options.attempt_timeout = milliseconds(2000);
    options.sleep = [this](milliseconds pause) { sleeps_.push_back(pause); };
    return options;
  }

  HttpRequest Get(const std::string& path) const {
    return {.method = "GET", .url = server_->base_url() + path, .headers = {}, .body = {}};
  }

  std::unique_ptr<TestHttpServer> server_;
  std::vector<milliseconds> sleeps_;
};

TEST_F(CurlHttpClientTest, SendsMethodHeadersAndBodyAndReadsTheResponse) {
  server_->Enqueue({.status = 200,
                    .headers = {{"Content-Type", "text/xml"}, {"X-Amzn-RequestId", "r-1"}},
                    .body = "<ok/>",
                    .delay = {},
                    .close_connection = false});
  CurlHttpClient client(Options());
  const HttpRequest request{
      .method = "POST",
      .url = server_->base_url() + "/sts/?Action=Test",
      .headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Amz-Date", "d"}},
      .body = "Action=GetCallerIdentity&Version=2011-06-15"};

  auto response = client.Send(request);

  ASSERT_TRUE(response.has_value()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "<ok/>");
  EXPECT_EQ(FindHeader(response->headers, "content-type"), "text/xml");
  EXPECT_EQ(FindHeader(response->headers, "x-amzn-requestid"), "r-1");
  const auto received = server_->requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].target, "/sts/?Action=Test");
  EXPECT_EQ(FindHeader(received[0].headers, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(FindHeader(received[0].headers, "X-Amz-Date"), "d");
  EXPECT_EQ(FindHeader(received[0].headers, "Content-Length"), "43");
  EXPECT_EQ(FindHeader(received[0].headers, "Expect"), "");
  EXPECT_EQ(received[0].body, "Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(CurlHttpClientTest, SendsEveryMethodAsAsked) {
  CurlHttpClient client(Options());
  const struct {
    const char* method;
    const char* body;
  } cases[] = {{"GET", ""}, {"PUT", "put-body"}, {"DELETE", ""}, {"PATCH", "{}"}, {"POST", ""}};
  for (const auto& c : cases) {
    server_->Enqueue({});
    auto response = client.Send(
        {.method = c.method, .url = server_->base_url() + "/m", .headers = {}, .body = c.body});
    ASSERT_TRUE(response.has_value()) << c.method << ": " << response.error().message();
    EXPECT_EQ(response->status, 200) << c.method;
    const auto received = server_->requests().back();
    EXPECT_EQ(received.method, c.method);
    EXPECT_EQ(received.body, c.body) << c.method;
    // libcurl's own form Content-Type must not appear on a request that did not ask for it.
    EXPECT_EQ(FindHeader(received.headers, "Content-Type"), "") << c.method;
  }
}

TEST_F(CurlHttpClientTest, KeepsOneConnectionAliveAcrossRequests) {
  CurlHttpClient client(Options());
  for (int i = 0; i < 3; ++i) {
    server_->Enqueue({});
    ASSERT_TRUE(client.Send(Get("/")).has_value());
  }
  EXPECT_EQ(server_->request_count(), 3u);
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(CurlHttpClientTest, RetriesA500ThenReturnsTheSuccess) {
  server_->Enqueue(
      {.status = 500, .headers = {}, .body = "oops", .delay = {}, .close_connection = false});
  server_->Enqueue(
      {.status = 200, .headers = {}, .body = "fine", .delay = {}, .close_connection = false});
  CurlHttpClient client(Options());

  auto response = client.Send(Get("/"));

  ASSERT_TRUE(response.has_value()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "fine");
  EXPECT_EQ(server_->request_count(), 2u);
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_LE(sleeps_[0], milliseconds(100));
}

TEST_F(CurlHttpClientTest, RetriesThrottlingRepliesButNoOtherClientError) {
  const struct {
    long status;
    const char* body;
    std::size_t want_requests;
    long want_status;
  } cases[] = {
      {400, kThrottlingXml, 2, 200},
      {400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException"})", 2, 200},
      {429, "", 2, 200},
      {503, "", 2, 200},
      {403, "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>", 1, 403},
      {400, "<ErrorResponse><Error><Code>ValidationError</Code></Error></ErrorResponse>", 1, 400},
      {404, "", 1, 404},
  };
  for (const auto& c : cases) {
    auto server = TestHttpServer::Start();
    ASSERT_TRUE(server.has_value());
    (*server)->Enqueue({.status = c.status,
                        .headers = {},
                        .body = c.body,
                        .delay = {},
                        .close_connection = false});
    (*server)->Enqueue({});
    CurlHttpClient client(Options());

    auto response = client.Send(
        {.method = "POST", .url = (*server)->base_url() + "/", .headers = {}, .body = "x"});

    ASSERT_TRUE(response.has_value()) << c.status << ": " << response.error().message();
    EXPECT_EQ(response->status, c.want_status) << c.status << " " << c.body;
    EXPECT_EQ((*server)->request_count(), c.want_requests) << c.status << " " << c.body;
  }
}

TEST_F(CurlHttpClientTest, GivesUpAfterMaxAttemptsAndReturnsTheLastResponse) {
  for (const char* body : {"first", "second", "third"}) {
    server_->Enqueue(
        {.status = 503, .headers = {}, .body = body, .delay = {}, .close_connection = false});
  }
  server_->Enqueue({});  // must never be reached
  CurlHttpClient client(Options());

  auto response = client.Send(Get("/"));

  ASSERT_TRUE(response.has_value()) << response.error().message();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "third");
  EXPECT_EQ(server_->request_count(), 3u);
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(CurlHttpClientTest, ConnectRefusedIsUnavailableAndNamesTheUrlWithoutItsQuery) {
  const std::string base = "http://127.0.0.1:" + std::to_string(UnusedPort());
  CurlHttpClient client(Options());

  auto response = client.Send({.method = "POST",
                               .url = base + "/?X-Amz-Signature=SECRETSIG&X-Amz-Security-Token=TOK",
                               .headers = {{"Authorization", "SECRETAUTH"}},
                               .body = "SECRETBODY"});

  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(response.error().message(),
            "POST " + base + "/: connect failed: Couldn't connect to server (after 3 attempts)");
  for (const char* secret : {"SECRET", "TOK", "?"}) {
    EXPECT_THAT(response.error().message(), Not(HasSubstr(secret)));
  }
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(CurlHttpClientTest, TimesOutAnAttemptThatTakesTooLong) {
  server_->Enqueue({.status = 200,
                    .headers = {},
                    .body = "late",
                    .delay = milliseconds(3000),
                    .close_connection = false});
  CurlHttpClientOptions options = Options();
  options.attempt_timeout = milliseconds(200);
  options.max_attempts = 1;
  CurlHttpClient client(options);

  const auto start = std::chrono::steady_clock::now();
  auto response = client.Send(Get("/slow?token=SECRET"));
  const auto elapsed = std::chrono::steady_clock::now() - start;

  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(response.error().message(),
              ::testing::StartsWith("GET " + server_->base_url() + "/slow: timed out: "));
  EXPECT_THAT(response.error().message(), HasSubstr("(after 1 attempt)"));
  EXPECT_THAT(response.error().message(), Not(HasSubstr("SECRET")));
  EXPECT_LT(elapsed, milliseconds(2000));
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(CurlHttpClientTest, RetriesAfterATimeoutOnAFreshConnection) {
  server_->Enqueue({.status = 200,
                    .headers = {},
                    .body = "late",
                    .delay = milliseconds(3000),
                    .close_connection = false});
  server_->Enqueue(
      {.status = 200, .headers = {}, .body = "on time", .delay = {}, .close_connection = false});
  CurlHttpClientOptions options = Options();
  options.attempt_timeout = milliseconds(200);
  CurlHttpClient client(options);

  auto response = client.Send(Get("/"));

  ASSERT_TRUE(response.has_value()) << response.error().message();
  EXPECT_EQ(response->body, "on time");
  EXPECT_EQ(server_->request_count(), 2u);
  EXPECT_EQ(server_->connection_count(), 2u);
}

TEST_F(CurlHttpClientTest, ReconnectsWhenTheServerClosesTheConnection) {
  server_->Enqueue(
      {.status = 200, .headers = {}, .body = "one", .delay = {}, .close_connection = true});
  server_->Enqueue(
      {.status = 200, .headers = {}, .body = "two", .delay = {}, .close_connection = false});
  CurlHttpClient client(Options());
  auto first = client.Send(Get("/"));
  auto second = client.Send(Get("/"));
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(first->body, "one");
  EXPECT_EQ(second->body, "two");
  EXPECT_EQ(server_->connection_count(), 2u);
}

TEST_F(CurlHttpClientTest, DebugHookSeesMethodUrlAttemptAndStatusOnly) {
  server_->Enqueue(
      {.status = 500, .headers = {}, .body = "SECRETBODY", .delay = {}, .close_connection = false});
  server_->Enqueue({});
  std::vector<std::string> lines;
  CurlHttpClientOptions options = Options();
  options.debug = [&](std::string_view line) { lines.emplace_back(line); };
  CurlHttpClient client(options);

  HttpRequest request = Get("/p?X-Amz-Signature=SECRETSIG");
  request.headers = {{"Authorization", "SECRETAUTH"}};
  ASSERT_TRUE(client.Send(request).has_value());

  const std::string url = server_->base_url() + "/p";
  EXPECT_THAT(lines, ElementsAre("GET " + url + " attempt 1/3: status 500",
                                 "GET " + url + " attempt 2/3: status 200"));
}

TEST_F(CurlHttpClientTest, RejectsHeaderInjectionBeforeSending) {
  CurlHttpClient client(Options());
  const struct {
    HttpHeaders headers;
    const char* want;
  } cases[] = {
      {{{"X-Evil", "a\r\nX-Injected: SECRET"}}, "header 'X-Evil' has a line break in its value"},
      {{{"Bad Name", "v"}}, "invalid header name 'Bad Name'"},
      {{{"", "v"}}, "invalid header name ''"},
      {{{"A:b", "v"}}, "invalid header name 'A:b'"},
  };
  for (const auto& c : cases) {
    HttpRequest request = Get("/");
    request.headers = c.headers;
    auto response = client.Send(request);
    ASSERT_FALSE(response.has_value()) << c.want;
    EXPECT_EQ(response.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(response.error().message(), "GET " + server_->base_url() + "/: " + c.want);
  }
  EXPECT_EQ(server_->request_count(), 0u);
}

TEST_F(CurlHttpClientTest, RefusesUrlsThatAreNotHttpWithoutRetrying) {
  CurlHttpClient client(Options());
  auto response =
      client.Send({.method = "GET", .url = "file:///etc/passwd", .headers = {}, .body = {}});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code(), ErrorCode::kInvalidInput);
  EXPECT_THAT(response.error().message(),
              ::testing::StartsWith("GET file:///etc/passwd: invalid URL: "));
  EXPECT_THAT(response.error().message(), HasSubstr("(after 1 attempt)"));
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(CurlHttpClientTest, FailsAResponseOverTheSizeLimit) {
  server_->Enqueue({.status = 200,
                    .headers = {},
                    .body = std::string(1000, 'x'),
                    .delay = {},
                    .close_connection = false});
  CurlHttpClientOptions options = Options();
  options.max_response_bytes = 100;
  CurlHttpClient client(options);

  auto response = client.Send(Get("/big"));

  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(response.error().message(), "GET " + server_->base_url() +
                                            "/big: response too large: body over 100 bytes "
                                            "(after 1 attempt)");
  EXPECT_EQ(server_->request_count(), 1u);
}

TEST_F(CurlHttpClientTest, BacksOffWithJitterUnderADoublingCap) {
  CurlHttpClientOptions options = Options();
  options.max_attempts = 8;
  options.backoff_base = milliseconds(100);
  options.backoff_cap = milliseconds(500);
  options.connect_timeout = milliseconds(200);
  CurlHttpClient client(options);

  auto response = client.Send({.method = "GET",
                               .url = "http://127.0.0.1:" + std::to_string(UnusedPort()) + "/",
                               .headers = {},
                               .body = {}});

  ASSERT_FALSE(response.has_value());
  EXPECT_THAT(response.error().message(), HasSubstr("(after 8 attempts)"));
  ASSERT_EQ(sleeps_.size(), 7u);
  const milliseconds ceilings[] = {milliseconds(100), milliseconds(200), milliseconds(400),
                                   milliseconds(500), milliseconds(500), milliseconds(500),
                                   milliseconds(500)};
  for (std::size_t i = 0; i < sleeps_.size(); ++i) {
    EXPECT_GE(sleeps_[i], milliseconds(0)) << i;
    EXPECT_LE(sleeps_[i], ceilings[i]) << i;
  }
}

TEST_F(CurlHttpClientTest, ServerAnswers404WhenNoResponseIsQueued) {
  CurlHttpClient client(Options());
  auto response = client.Send(Get("/"));
  ASSERT_TRUE(response.has_value()) << response.error().message();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, "test http server: no canned response");
  EXPECT_EQ(server_->request_count(), 1u);
}

TEST(IsRetryableResponseTest, RetriesServerErrorsAndThrottlingOnly) {
  const struct {
    long status;
    const char* body;
    bool want;
  } cases[] = {
      {500, "", true},
      {502, "<html/>", true},
      {503, "", true},
      {429, "", true},
      {400, kThrottlingXml, true},
      {400, "<ErrorResponse><Error><Code>ThrottlingException</Code></Error></ErrorResponse>", true},
      {400,
       "<Response><Errors><Error><Code>RequestLimitExceeded</Code></Error></Errors></Response>",
       true},
      {400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
               "message":"slow down"})",
       true},
      {400, R"({"__type":"ThrottlingException"})", true},
      {400, R"(  {"__type":"com.amazon.coral#TooManyRequestsException"})", true},
      {400, "<ErrorResponse><Error><Code>ValidationError</Code></Error></ErrorResponse>", false},
      {400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"})",
       false},
      {400, R"({"__type":5})", false},
      {400, R"(["ThrottlingException"])", false},
      {400, "Throttling", false},
      {400, "", false},
      {400, "<Error><Code>Throttling</Code>", false},  // truncated XML is not trusted
      {403, kThrottlingXml, false},
      {401, "", false},
      {404, "", false},
      {200, kThrottlingXml, false},
  };
  for (const auto& c : cases) {
    const HttpResponse response{.status = c.status, .headers = {}, .body = c.body};
    EXPECT_EQ(IsRetryableResponse(response), c.want) << c.status << " " << c.body;
  }
}

TEST(IsRetryableResponseTest, TruncatedAndCorruptedBodiesNeverCrash) {
  for (const std::string& body :
       {std::string(kThrottlingXml),
        std::string(R"({"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException"})")}) {
    for (std::size_t n = 0; n <= body.size(); ++n) {
      const HttpResponse truncated{.status = 400, .headers = {}, .body = body.substr(0, n)};
      const bool retryable = IsRetryableResponse(truncated);
      EXPECT_EQ(retryable, n == body.size()) << truncated.body;
      std::string corrupted = body;
      corrupted[n % body.size()] = '\0';
      (void)IsRetryableResponse({.status = 400, .headers = {}, .body = corrupted});
    }
  }
}

}  // namespace
}  // namespace sentinel::aws
