#include "notify/webhook.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "aws/curl_http_client.h"
#include "aws/test_support/test_http_server.h"
#include "notify/test_support/outbox_fixtures.h"

namespace sentinel::notify {
namespace {

using aws::test_support::CannedResponse;
using aws::test_support::TestHttpServer;
using std::chrono::milliseconds;
using test_support::HexHmacSha256;

constexpr std::string_view kBody =
    R"({"type":"request.approved","time":"2026-12-03T17:04:05Z","actor":"carol",)"
    R"("request":{"id":"0123456789abcdef","justification":"ship it, é"}})";

// A canned answer; designated initialisers would leave fields unnamed (-Werror).
CannedResponse Answer(long status, std::string body = {}, aws::HttpHeaders headers = {}) {
  CannedResponse answer;
  answer.status = status;
  answer.body = std::move(body);
  answer.headers = std::move(headers);
  return answer;
}

app::EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestHttpServer::Start();
    ASSERT_TRUE(server.has_value()) << server.error().message();
    server_ = std::move(*server);
  }

  // A client that retries once, without sleeping.
  static aws::CurlHttpClientOptions Options() {
    aws::CurlHttpClientOptions options;
    options.connect_timeout = milliseconds(1000);
    options.attempt_timeout = milliseconds(2000);
    options.max_attempts = 2;
    options.sleep = [](milliseconds) {};
    return options;
  }

  std::unique_ptr<WebhookChannel> Channel(std::string url, std::optional<Secret> secret = {}) {
    auto channel = WebhookChannel::Create(http_, std::move(url), std::move(secret));
    EXPECT_TRUE(channel.has_value()) << channel.error().message();
    return channel ? std::move(*channel) : nullptr;
  }

  static Delivery Approved(std::string_view id = "42") {
    return Delivery{id, app::LifecycleEventType::kRequestApproved, kBody};
  }

  std::unique_ptr<TestHttpServer> server_;
  aws::CurlHttpClient http_{Options()};
};

TEST_F(WebhookTest, PostsTheExactBodyWithSignedHeaders) {
  server_->Enqueue(Answer(204));
  auto channel = Channel(server_->base_url() + "/hooks/sentinel?team=ops", Secret("s3cret"));
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->name(), "webhook");

  auto delivered = channel->Deliver(Approved());
  ASSERT_TRUE(delivered.has_value()) << delivered.error().error.message();

  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& got = requests[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.target, "/hooks/sentinel?team=ops");
  EXPECT_EQ(got.body, kBody);
  EXPECT_EQ(aws::FindHeader(got.headers, "Content-Type"), "application/json");
  EXPECT_EQ(aws::FindHeader(got.headers, "X-Sentinel-Event"), "request.approved");
  EXPECT_EQ(aws::FindHeader(got.headers, "X-Sentinel-Delivery"), "42");
  EXPECT_TRUE(aws::FindHeader(got.headers, "User-Agent").starts_with("sentinel/"));
  EXPECT_EQ(aws::FindHeader(got.headers, "X-Sentinel-Signature"),
            "sha256=" + HexHmacSha256("s3cret", got.body));
}

TEST_F(WebhookTest, WithoutASecretNothingIsSigned) {
  server_->Enqueue(Answer(200));
  auto channel = Channel(server_->base_url());
  ASSERT_NE(channel, nullptr);
  ASSERT_TRUE(channel->Deliver(Approved("")).has_value());
  const auto got = server_->requests().at(0);
  EXPECT_EQ(got.target, "/");
  EXPECT_EQ(aws::FindHeader(got.headers, "X-Sentinel-Signature"), "");
  EXPECT_EQ(aws::FindHeader(got.headers, "X-Sentinel-Delivery"), "");
}

TEST_F(WebhookTest, ServerErrorIsRetriedThenDelivered) {
  server_->Enqueue(Answer(503, "busy"));
  server_->Enqueue(Answer(200));
  auto channel = Channel(server_->base_url() + "/h", Secret("k"));
  ASSERT_NE(channel, nullptr);
  ASSERT_TRUE(channel->Deliver(Approved()).has_value());
  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 2u);
  // The retry is the same bytes under the same signature.
  EXPECT_EQ(requests[1].body, requests[0].body);
  EXPECT_EQ(aws::FindHeader(requests[1].headers, "X-Sentinel-Signature"),
            aws::FindHeader(requests[0].headers, "X-Sentinel-Signature"));
}

TEST_F(WebhookTest, ClassifiesAnswers) {
  struct Case {
    std::vector<CannedResponse> answers;
    bool permanent;
    std::size_t requests;
    std::string why;
  };
  const Case cases[] = {
      {{Answer(500, "down"), Answer(502, "still down")}, false, 2, "HTTP 502: still down"},
      {{Answer(429), Answer(429)}, false, 2, "HTTP 429"},
      {{Answer(404, "no such hook")}, true, 1, "HTTP 404: no such hook"},
      {{Answer(400, "bad\njson\x1b[0m")}, true, 1, "HTTP 400: bad?json?[0m"},
      {{Answer(301, {}, {{"Location", "https://elsewhere/"}})}, true, 1, "HTTP 301"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.why);
    auto server = TestHttpServer::Start();
    ASSERT_TRUE(server.has_value());
    for (const CannedResponse& answer : c.answers) {
      (*server)->Enqueue(answer);
    }
    auto channel = Channel((*server)->base_url());
    ASSERT_NE(channel, nullptr);
    auto got = channel->Deliver(Approved());
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().permanent, c.permanent);
    EXPECT_EQ(got.error().error.code(),
              c.permanent ? ErrorCode::kInvalidInput : ErrorCode::kUnavailable);
    EXPECT_EQ(got.error().error.message(), "webhook " + (*server)->base_url() + ": " + c.why);
    EXPECT_EQ((*server)->request_count(), c.requests);
  }
}

// Webhook URLs often carry their token in the path or query: no error may show it, even
// when the receiver echoes it.
TEST_F(WebhookTest, ErrorsNeverShowTheUrlsPathOrQuery) {
  const std::string token_path = "/services/T000/B000/XXXXSECRET";
  server_->Enqueue(Answer(404, "unknown hook " + token_path + "?key=QUERYSECRET"));
  auto channel = Channel(server_->base_url() + token_path + "?key=QUERYSECRET");
  ASSERT_NE(channel, nullptr);
  auto echoed = channel->Deliver(Approved());
  ASSERT_FALSE(echoed.has_value());
  EXPECT_EQ(echoed.error().error.message(),
            "webhook " + server_->base_url() + ": HTTP 404: unknown hook ***?***");

  const int port = server_->port();
  server_.reset();  // nothing listens there any more
  auto down = Channel("http://user:pw@127.0.0.1:" + std::to_string(port) + token_path);
  ASSERT_NE(down, nullptr);
  auto refused = down->Deliver(Approved());
  ASSERT_FALSE(refused.has_value());
  EXPECT_FALSE(refused.error().permanent);
  const std::string& message = refused.error().error.message();
  EXPECT_TRUE(message.starts_with("webhook http://127.0.0.1:" + std::to_string(port) + ": "))
      << message;
  for (std::string_view secret : {"XXXXSECRET", "services", "pw"}) {
    EXPECT_EQ(message.find(secret), std::string::npos) << message;
  }
}

TEST(WebhookChannelTest, CreateRefusesWhatIsNotAnHttpUrl) {
  aws::CurlHttpClient http;
  for (std::string url : {"", "hooks.example.com/x", "ftp://hooks.example.com/", "http://",
                          "https:///path", "http://user@/x", "https://:443/",
                          "https://hooks.example.com/a b", "https://hooks.example.com/\n"}) {
    SCOPED_TRACE(url);
    auto channel = WebhookChannel::Create(http, url, std::nullopt);
    ASSERT_FALSE(channel.has_value());
    EXPECT_EQ(channel.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(channel.error().message(),
              "notify.webhook must be an absolute http:// or https:// URL with a host");
  }
  for (std::string url : {"http://127.0.0.1:8080", "HTTPS://hooks.example.com/x?y=z#f"}) {
    EXPECT_TRUE(WebhookChannel::Create(http, url, std::nullopt).has_value()) << url;
  }
}

TEST(WebhookLabelTest, KeepsOnlySchemeAndHost) {
  EXPECT_EQ(WebhookLabel("https://hooks.example.com/services/T0/B0/X?k=v#f"),
            "https://hooks.example.com");
  EXPECT_EQ(WebhookLabel("http://user:pw@127.0.0.1:8080/p"), "http://127.0.0.1:8080");
  EXPECT_EQ(WebhookLabel("https://h?k=v"), "https://h");
  EXPECT_EQ(WebhookLabel("not a url"), "(not a URL)");
}

// RFC 4231 test case 2, and the empty body.
TEST(WebhookSignatureTest, IsTheHexHmacSha256OfTheBody) {
  auto signature = WebhookSignature(Secret("Jefe"), "what do ya want for nothing?");
  ASSERT_TRUE(signature.has_value());
  EXPECT_EQ(signature->Reveal(),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  auto empty = WebhookSignature(Secret("k"), "");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->Reveal(), "sha256=" + HexHmacSha256("k", ""));
}

TEST(LoadWebhookSecretTest, ReadsTheNamedVariableOrRefuses) {
  auto none = LoadWebhookSecret(std::nullopt, Env({{"SENTINEL_WEBHOOK_SECRET", "x"}}));
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());

  auto set = LoadWebhookSecret("HOOK_KEY", Env({{"HOOK_KEY", "s3cret"}}));
  ASSERT_TRUE(set.has_value());
  ASSERT_TRUE(set->has_value());
  EXPECT_EQ((*set)->Reveal(), "s3cret");

  for (const auto& env : {Env({}), Env({{"HOOK_KEY", ""}})}) {
    auto missing = LoadWebhookSecret("HOOK_KEY", env);
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(missing.error().message(),
              "notify.webhook_secret_env names HOOK_KEY, which is not set: refusing to send "
              "webhooks unsigned");
    EXPECT_EQ(missing.error().hint(),
              "export HOOK_KEY with the webhook's signing secret, or remove webhook_secret_env "
              "from the configuration");
  }
}

}  // namespace
}  // namespace sentinel::notify
