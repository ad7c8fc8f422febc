#include "aws/sns.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "aws/curl_http_client.h"
#include "aws/query_api.h"
#include "core/time_format.h"

namespace sentinel::aws {
namespace {

// Records every request and answers from a script, in order.
class FakeHttpClient final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    if (responses.empty()) {
      return Fail(ErrorCode::kInternal, "fake http: no scripted response");
    }
    Result<HttpResponse> next = std::move(responses.front());
    responses.pop_front();
    return next;
  }

  void Reply(long status, std::string body) {
    responses.push_back(HttpResponse{status, {{"Content-Type", "text/xml"}}, std::move(body)});
  }

  std::vector<HttpRequest> requests;
  std::deque<Result<HttpResponse>> responses;
};

const std::string kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const std::string kToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN+/=";
const std::string kTopic = "arn:aws:sns:eu-west-1:123456789012:sentinel";

const std::string kPublished =
    "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult>"
    "</PublishResponse>";

Credentials Keys() { return Credentials{"ASIAEXAMPLE", Secret(kSecret), Secret(kToken), {}}; }

class SnsClientTest : public ::testing::Test {
 protected:
  FakeHttpClient http_;
  FakeClock clock_{*ParseTime("2026-12-03T17:04:05Z")};
  SnsClient sns_{http_, {"https://sns.eu-west-1.amazonaws.com", "eu-west-1"}, clock_};
};

TEST_F(SnsClientTest, PublishSendsASignedQueryApiForm) {
  http_.Reply(200, kPublished);
  auto id = sns_.Publish(Keys(), kTopic, R"({"type":"request.created","x":"a b&c=d"})",
                         {{"event_type", "request.created"}});
  ASSERT_TRUE(id.has_value()) << id.error().message();
  EXPECT_EQ(*id, "m-1");

  ASSERT_EQ(http_.requests.size(), 1u);
  const HttpRequest& sent = http_.requests[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://sns.eu-west-1.amazonaws.com/");
  EXPECT_EQ(FindHeader(sent.headers, "Content-Type"),
            "application/x-www-form-urlencoded; charset=utf-8");
  // The exact form, parameter by parameter, in the order the API reference lists them.
  EXPECT_EQ(sent.body,
            "Action=Publish&Version=2010-03-31"
            "&TopicArn=" +
                FormEncode(kTopic) +
                "&Message=" + FormEncode(R"({"type":"request.created","x":"a b&c=d"})") +
                "&MessageAttributes.entry.1.Name=event_type"
                "&MessageAttributes.entry.1.Value.DataType=String"
                "&MessageAttributes.entry.1.Value.StringValue=request.created");
  EXPECT_TRUE(FindHeader(sent.headers, "Authorization")
                  .starts_with("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261203/eu-west-1/sns/"
                               "aws4_request, "));
  EXPECT_EQ(FindHeader(sent.headers, "X-Amz-Date"), "20261203T170405Z");
  EXPECT_EQ(FindHeader(sent.headers, "X-Amz-Security-Token"), kToken);
}

TEST_F(SnsClientTest, NumbersSeveralAttributesFromOne) {
  http_.Reply(200, kPublished);
  ASSERT_TRUE(sns_.Publish(Keys(), kTopic, "m", {{"a", "1"}, {"b.c", "2"}}).has_value());
  const std::string& body = http_.requests.at(0).body;
  EXPECT_NE(body.find("&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType="
                      "String&MessageAttributes.entry.1.Value.StringValue=1&MessageAttributes."
                      "entry.2.Name=b.c&MessageAttributes.entry.2.Value.DataType=String&"
                      "MessageAttributes.entry.2.Value.StringValue=2"),
            std::string::npos)
      << body;
}

TEST_F(SnsClientTest, CreateTopicSendsTheName) {
  http_.Reply(200, "<CreateTopicResponse><CreateTopicResult><TopicArn>" + kTopic +
                       "</TopicArn></CreateTopicResult></CreateTopicResponse>");
  auto arn = sns_.CreateTopic(Keys(), "sentinel");
  ASSERT_TRUE(arn.has_value()) << arn.error().message();
  EXPECT_EQ(*arn, kTopic);
  EXPECT_EQ(http_.requests.at(0).body, "Action=CreateTopic&Version=2010-03-31&Name=sentinel");
}

TEST_F(SnsClientTest, AwsErrorsKeepTheirClass) {
  http_.Reply(404,
              "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does "
              "not exist</Message></Error></ErrorResponse>");
  auto missing = sns_.Publish(Keys(), kTopic, "m");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(missing.error().message(), "sns Publish: NotFound: Topic does not exist");
  EXPECT_TRUE(IsPermanentSnsError(missing.error()));

  http_.Reply(500,
              "<ErrorResponse><Error><Code>InternalError</Code><Message>oops</Message></Error>"
              "</ErrorResponse>");
  auto internal = sns_.Publish(Keys(), kTopic, "m");
  ASSERT_FALSE(internal.has_value());
  EXPECT_EQ(internal.error().code(), ErrorCode::kUnavailable);
  EXPECT_FALSE(IsPermanentSnsError(internal.error()));
}

TEST_F(SnsClientTest, TransportFailureNamesActionAndEndpoint) {
  http_.responses.push_back(Fail(ErrorCode::kUnavailable,
                                 "POST https://sns.eu-west-1.amazonaws.com/: "
                                 "connect failed (after 2 attempts)"));
  auto got = sns_.Publish(Keys(), kTopic, "m");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(),
            "sns Publish https://sns.eu-west-1.amazonaws.com: POST "
            "https://sns.eu-west-1.amazonaws.com/: connect failed (after 2 attempts)");
  EXPECT_FALSE(IsPermanentSnsError(got.error()));
}

// A server that echoes the secret key or token must not get it into an error message.
TEST_F(SnsClientTest, SecretsEchoedByTheServerAreMasked) {
  http_.Reply(403, "<ErrorResponse><Error><Code>AuthorizationError</Code><Message>key " + kSecret +
                       " token " + kToken + "</Message></Error></ErrorResponse>");
  auto got = sns_.Publish(Keys(), kTopic, "m");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message().find(kSecret), std::string::npos);
  EXPECT_EQ(got.error().message().find(kToken), std::string::npos);
  EXPECT_EQ(got.error().message(), "sns Publish: AuthorizationError: key *** token ***");
}

TEST_F(SnsClientTest, RefusesBadInputBeforeSending) {
  struct Case {
    std::string topic;
    std::string message;
    SnsStringAttributes attributes;
    std::string_view error;
  };
  const Case cases[] = {
      {"arn:aws:sqs:eu-west-1:123456789012:q",
       "m",
       {},
       "sns Publish: 'arn:aws:sqs:eu-west-1:123456789012:q' is not an SNS topic ARN "
       "(arn:aws:sns:REGION:ACCOUNT:NAME)"},
      {kTopic, "", {}, "sns Publish: Message must be 1 to 262144 bytes, got 0"},
      {kTopic,
       std::string(262145, 'x'),
       {},
       "sns Publish: Message must be 1 to 262144 bytes, got 262145"},
      {kTopic, "bad \xc3\x28 utf-8", {}, "sns Publish: Message is not valid UTF-8"},
      {kTopic,
       "m",
       {{"AWS.x", "1"}},
       "sns Publish: message attribute name 'AWS.x' is not allowed by SNS"},
      {kTopic,
       "m",
       {{"amazon.x", "1"}},
       "sns Publish: message attribute name 'amazon.x' is not allowed by SNS"},
      {kTopic,
       "m",
       {{".a", "1"}},
       "sns Publish: message attribute name '.a' is not allowed by SNS"},
      {kTopic,
       "m",
       {{"a..b", "1"}},
       "sns Publish: message attribute name 'a..b' is not allowed by SNS"},
      {kTopic,
       "m",
       {{"a b", "1"}},
       "sns Publish: message attribute name 'a b' is not allowed by SNS"},
      {kTopic, "m", {{"", "1"}}, "sns Publish: message attribute name '' is not allowed by SNS"},
      {kTopic,
       "m",
       {{"a", ""}},
       "sns Publish: message attribute 'a' needs a non-empty UTF-8 value"},
      {kTopic, "m", SnsStringAttributes(11, {"a", "1"}),
       "sns Publish: at most 10 message attributes are allowed, got 11"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.error);
    auto got = sns_.Publish(Keys(), c.topic, c.message, c.attributes);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(got.error().message(), c.error);
  }
  auto bad_name = sns_.CreateTopic(Keys(), "a/b");
  ASSERT_FALSE(bad_name.has_value());
  EXPECT_EQ(bad_name.error().message(),
            "sns CreateTopic: topic name 'a/b' must be 1 to 256 characters of A-Z a-z 0-9 _ -");
  auto no_keys = sns_.Publish(Credentials{}, kTopic, "m");
  ASSERT_FALSE(no_keys.has_value());
  EXPECT_EQ(no_keys.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(no_keys.error().message(),
            "sns Publish: the credentials to sign with lack an access key id or secret key");
  EXPECT_TRUE(http_.requests.empty());
}

TEST(SnsClientCurlTest, ClosedPortIsARetryableTransportFailure) {
  SystemClock clock;
  CurlHttpClientOptions options;
  options.max_attempts = 1;
  CurlHttpClient http(options);
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  SnsClient sns(http, {"http://127.0.0.1:1", "us-east-1"}, clock);
  auto got = sns.Publish(Keys(), "arn:aws:sns:us-east-1:123456789012:t", "m");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(got.error().message().starts_with("sns Publish http://127.0.0.1:1: "))
      << got.error().message();
  EXPECT_FALSE(IsPermanentSnsError(got.error()));
}

TEST(TopicArnRegionTest, ReadsTheRegion) {
  struct Case {
    std::string_view arn;
    std::string_view region;  // "" when invalid
  };
  const Case cases[] = {
      {"arn:aws:sns:eu-west-1:123456789012:sentinel", "eu-west-1"},
      {"arn:aws-us-gov:sns:us-gov-west-1:123456789012:a_b-C", "us-gov-west-1"},
      {"arn:aws-cn:sns:cn-north-1:123456789012:t.fifo", "cn-north-1"},
      {"arn:aws:sns:eu-west-1:123456789012:", ""},
      {"arn:aws:sns:eu-west-1:12345678901:t", ""},
      {"arn:aws:sns:eu-west-1:1234567890123:t", ""},
      {"arn:aws:sns:eu-west-1:12345678901x:t", ""},
      {"arn:aws:sns:EU-WEST-1:123456789012:t", ""},
      {"arn:aws:sns::123456789012:t", ""},
      {"arn::sns:eu-west-1:123456789012:t", ""},
      {"arn:aws:sqs:eu-west-1:123456789012:t", ""},
      {"arn:aws:sns:eu-west-1:123456789012:t:extra", ""},
      {"arn:aws:sns:eu-west-1:123456789012:t/x", ""},
      {"arn:aws:sns:eu-west-1:123456789012", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.arn);
    auto got = TopicArnRegion(c.arn);
    if (c.region.empty()) {
      ASSERT_FALSE(got.has_value());
      EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
      EXPECT_EQ(got.error().message(), "'" + std::string(c.arn) +
                                           "' is not an SNS topic ARN "
                                           "(arn:aws:sns:REGION:ACCOUNT:NAME)");
    } else {
      ASSERT_TRUE(got.has_value()) << got.error().message();
      EXPECT_EQ(*got, c.region);
    }
  }
  EXPECT_TRUE(TopicArnRegion("arn:aws:sns:eu-west-1:123456789012:" + std::string(256, 'a')));
  EXPECT_FALSE(TopicArnRegion("arn:aws:sns:eu-west-1:123456789012:" + std::string(257, 'a')));
}

}  // namespace
}  // namespace sentinel::aws
