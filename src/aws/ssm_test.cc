#include "aws/ssm.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "aws/curl_http_client.h"
#include "aws/sigv4.h"
#include "aws/test_support/test_http_server.h"
#include "core/time_format.h"

namespace sentinel::aws {
namespace {

using test_support::CannedResponse;
using test_support::TestHttpServer;

const std::string kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const std::string kToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN+/=";

Credentials LongTermKeys() { return Credentials{"AKIDEXAMPLE", Secret(kSecret), Secret(), {}}; }

Credentials TemporaryKeys() {
  return Credentials{"ASIAEXAMPLE", Secret(kSecret), Secret(kToken), {}};
}

const char kParameterJson[] =
    R"({"Parameter":{"Name":"/sentinel/policies/default","Type":"SecureString",)"
    R"("Value":"version: \"1\"\nrules: []\n","Version":7,)"
    R"("LastModifiedDate":1.764781445E9,"ARN":"arn:aws:ssm:eu-west-1:123456789012:)"
    R"(parameter/sentinel/policies/default","DataType":"text"}})";

CannedResponse Json(long status, std::string body) {
  return CannedResponse{status, {{"Content-Type", "application/x-amz-json-1.1"}}, std::move(body)};
}

class SsmClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = TestHttpServer::Start();
    ASSERT_TRUE(started.has_value()) << started.error().message();
    server_ = std::move(*started);
    CurlHttpClientOptions options;
    options.max_attempts = 1;  // every scripted answer is seen exactly once
    http_ = std::make_unique<CurlHttpClient>(options);
    ssm_ =
        std::make_unique<SsmClient>(*http_, SsmEndpoint{server_->base_url(), "eu-west-1"}, clock_);
  }

  Result<SsmParameter> Get(const Credentials& credentials = LongTermKeys()) {
    return ssm_->GetParameter(credentials, "/sentinel/policies/default", true);
  }

  FakeClock clock_{*ParseTime("2026-12-03T17:04:05Z")};
  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<CurlHttpClient> http_;
  std::unique_ptr<SsmClient> ssm_;
};

TEST_F(SsmClientTest, ReadsTheParameter) {
  server_->Enqueue(Json(200, kParameterJson));
  auto got = Get();
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->name, "/sentinel/policies/default");
  EXPECT_EQ(got->type, "SecureString");
  EXPECT_EQ(got->value, "version: \"1\"\nrules: []\n");
  EXPECT_EQ(got->version, 7);
}

TEST_F(SsmClientTest, SendsASignedJsonCall) {
  server_->Enqueue(Json(200, kParameterJson));
  ASSERT_TRUE(Get(TemporaryKeys()).has_value());

  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 1u);
  const test_support::RecordedRequest& sent = requests[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.target, "/");
  EXPECT_EQ(FindHeader(sent.headers, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(FindHeader(sent.headers, "X-Amz-Target"), "AmazonSSM.GetParameter");
  EXPECT_EQ(FindHeader(sent.headers, "X-Amz-Date"), "20261203T170405Z");
  EXPECT_EQ(FindHeader(sent.headers, "X-Amz-Security-Token"), kToken);
  const nlohmann::json body = nlohmann::json::parse(sent.body);
  EXPECT_EQ(body,
            nlohmann::json({{"Name", "/sentinel/policies/default"}, {"WithDecryption", true}}));

  const std::string authorization = FindHeader(sent.headers, "Authorization");
  EXPECT_TRUE(authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261203/eu-west-1/ssm/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
      "Signature="))
      << authorization;

  // The signature covers exactly what arrived: signing the received request again gives
  // the same Authorization.
  HttpRequest again{"POST",
                    server_->base_url() + "/",
                    {{"Content-Type", FindHeader(sent.headers, "Content-Type")},
                     {"X-Amz-Target", FindHeader(sent.headers, "X-Amz-Target")}},
                    sent.body};
  ASSERT_TRUE(SignRequest(again, TemporaryKeys(),
                          {.region = "eu-west-1", .service = "ssm", .time = clock_.Now()})
                  .has_value());
  EXPECT_EQ(FindHeader(again.headers, "Authorization"), authorization);
}

TEST_F(SsmClientTest, AsksWithoutDecryptionWhenTold) {
  server_->Enqueue(Json(200, kParameterJson));
  ASSERT_TRUE(ssm_->GetParameter(LongTermKeys(), "plain\"name", false).has_value());
  const nlohmann::json body = nlohmann::json::parse(server_->requests().at(0).body);
  EXPECT_EQ(body, nlohmann::json({{"Name", "plain\"name"}, {"WithDecryption", false}}));
}

TEST_F(SsmClientTest, AwsErrorsCarryTheirCodeAndMessage) {
  struct Case {
    long status;
    std::string body;
    ErrorCode code;
    std::string message;
    bool has_hint;
  };
  const Case cases[] = {
      {400, R"({"__type":"ParameterNotFound","message":"Parameter /x not found."})",
       ErrorCode::kNotFound, "ssm GetParameter: ParameterNotFound: Parameter /x not found.", true},
      {400,
       R"({"__type":"com.amazonaws.ssm#AccessDeniedException","Message":"User: arn:aws:iam::1:user/a is not authorized"})",
       ErrorCode::kUnavailable,
       "ssm GetParameter: AccessDeniedException: User: arn:aws:iam::1:user/a is not authorized",
       true},
      {400, R"({"__type":"ValidationException","message":"bad name"})", ErrorCode::kInvalidInput,
       "ssm GetParameter: ValidationException: bad name", false},
      {400, R"({"__type":"InvalidKeyId"})", ErrorCode::kInvalidInput,
       "ssm GetParameter: InvalidKeyId (HTTP 400)", false},
      {500, R"({"__type":"InternalServerError","message":""})", ErrorCode::kUnavailable,
       "ssm GetParameter: InternalServerError (HTTP 500)", false},
      {400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})",
       ErrorCode::kUnavailable, "ssm GetParameter: ThrottlingException: Rate exceeded", false},
      {400, R"({"__type":"x#","message":"m"})", ErrorCode::kUnavailable,
       "ssm GetParameter: unreadable response (HTTP 400): AWS error document with an empty "
       "__type",
       false},
      {503, "<html>Service Unavailable</html>", ErrorCode::kUnavailable,
       "ssm GetParameter: unreadable response (HTTP 503): no AWS error document in the body",
       false},
      {403, R"({"message":"no type"})", ErrorCode::kUnavailable,
       "ssm GetParameter: unreadable response (HTTP 403): no AWS error document in the body",
       false},
  };
  for (const Case& c : cases) {
    server_->Enqueue(Json(c.status, c.body));
    auto got = Get();
    ASSERT_FALSE(got.has_value()) << c.body;
    EXPECT_EQ(got.error().code(), c.code) << c.body;
    EXPECT_EQ(got.error().message(), c.message);
    EXPECT_EQ(!got.error().hint().empty(), c.has_hint) << c.body;
  }
}

TEST_F(SsmClientTest, UnusableAnswersAreUnreadable) {
  struct Case {
    std::string body;
    std::string why;
  };
  const Case cases[] = {
      {"", "not a JSON object"},
      {"[]", "not a JSON object"},
      {"{}", "missing Parameter object"},
      {R"({"Parameter":[]})", "missing Parameter object"},
      {R"({"Parameter":{"Type":"String","Value":"v","Version":1}})",
       "missing or empty Parameter.Name"},
      {R"({"Parameter":{"Name":"/p","Type":"","Value":"v","Version":1}})",
       "missing or empty Parameter.Type"},
      {R"({"Parameter":{"Name":"/p","Type":"String","Version":1}})", "missing Parameter.Value"},
      {R"({"Parameter":{"Name":"/p","Type":"String","Value":3,"Version":1}})",
       "missing Parameter.Value"},
      {R"({"Parameter":{"Name":"/p","Type":"String","Value":"v"}})", "missing Parameter.Version"},
      {R"({"Parameter":{"Name":"/p","Type":"String","Value":"v","Version":"1"}})",
       "Parameter.Version is not a positive integer"},
      {R"({"Parameter":{"Name":"/p","Type":"String","Value":"v","Version":0}})",
       "Parameter.Version is out of range"},
      {R"({"Parameter":{"Name":"/p","Type":"String","Value":"v","Version":-2}})",
       "Parameter.Version is not a positive integer"},
      {R"({"Parameter":{"Name":"/p","Type":"String","Value":"v","Version":1.5}})",
       "Parameter.Version is not a positive integer"},
      {R"({"Parameter":{"Name":"/p","Type":"String","Value":"v","Version":18446744073709551615}})",
       "Parameter.Version is out of range"},
  };
  for (const Case& c : cases) {
    server_->Enqueue(Json(200, c.body));
    auto got = Get();
    ASSERT_FALSE(got.has_value()) << c.body;
    EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
    EXPECT_EQ(got.error().message(), "ssm GetParameter: unreadable response (HTTP 200): " + c.why);
  }
}

TEST_F(SsmClientTest, TransportFailureNamesTheEndpoint) {
  SsmClient closed(*http_, {"http://127.0.0.1:1", "eu-west-1"}, clock_);
  auto got = closed.GetParameter(LongTermKeys(), "/p", true);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(got.error().message().starts_with("ssm GetParameter http://127.0.0.1:1: "))
      << got.error().message();
}

TEST_F(SsmClientTest, RefusesBadInputBeforeSending) {
  auto no_keys = ssm_->GetParameter(Credentials{}, "/p", true);
  ASSERT_FALSE(no_keys.has_value());
  EXPECT_EQ(no_keys.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(no_keys.error().message(),
            "ssm GetParameter: the credentials to sign with lack an access key id or secret key");
  auto no_name = ssm_->GetParameter(LongTermKeys(), "", true);
  ASSERT_FALSE(no_name.has_value());
  EXPECT_EQ(no_name.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(server_->request_count(), 0u);
}

TEST_F(SsmClientTest, EchoedSecretsAreMasked) {
  server_->Enqueue(Json(400, R"({"__type":"UnrecognizedClientException","message":"bad )" +
                                 kSecret + " " + kToken + "\"}"));
  auto got = Get(TemporaryKeys());
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message().find(kSecret), std::string::npos);
  EXPECT_EQ(got.error().message().find(kToken), std::string::npos);
  EXPECT_NE(got.error().message().find("***"), std::string::npos);
}

TEST(SsmResponseParserTest, EveryTruncationFailsCleanly) {
  const std::string body = kParameterJson;
  ASSERT_TRUE(ParseGetParameterResponse(200, body).has_value());
  for (std::size_t length = 0; length < body.size(); ++length) {
    auto got = ParseGetParameterResponse(200, body.substr(0, length));
    ASSERT_FALSE(got.has_value()) << "length " << length;
    EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
    EXPECT_TRUE(got.error().message().starts_with("ssm GetParameter: unreadable response"))
        << got.error().message();
  }
}

TEST(SsmResponseParserTest, CorruptedBytesNeverCrashAndNeverLoseFields) {
  const std::string body = kParameterJson;
  for (std::size_t at = 0; at < body.size(); ++at) {
    for (char replacement : {'\0', '"', '{', '}', 'x', '\xff', ':', ','}) {
      std::string corrupt = body;
      corrupt[at] = replacement;
      for (long status : {200L, 400L}) {
        auto got = ParseGetParameterResponse(status, corrupt);
        if (got) {
          EXPECT_EQ(status, 200);
          EXPECT_FALSE(got->name.empty());
          EXPECT_FALSE(got->type.empty());
          EXPECT_GT(got->version, 0);
        } else {
          EXPECT_TRUE(got.error().message().starts_with("ssm GetParameter: "))
              << got.error().message();
        }
      }
    }
  }
}

}  // namespace
}  // namespace sentinel::aws
