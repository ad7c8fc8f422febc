#include "aws/sts.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <string>

#include "aws/sigv4.h"
#include "core/time_format.h"

namespace sentinel::aws {
namespace {

using std::chrono::seconds;

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

Credentials LongTermKeys() { return Credentials{"AKIDEXAMPLE", Secret(kSecret), Secret(), {}}; }

Credentials TemporaryKeys() {
  return Credentials{"ASIAEXAMPLE", Secret(kSecret), Secret(kToken), {}};
}

TimePoint At(std::string_view text) { return *ParseTime(text); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;  // lower-case escapes are not what the client sends
}

// Decodes an application/x-www-form-urlencoded body that uses upper-case %XX escapes.
std::multimap<std::string, std::string> DecodeForm(std::string_view body) {
  auto decode = [](std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
          HexValue(text[i + 2]) >= 0) {
        out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
        i += 2;
      } else {
        out += text[i];
      }
    }
    return out;
  };
  std::multimap<std::string, std::string> fields;
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const std::size_t eq = pair.find('=');
    fields.emplace(decode(pair.substr(0, eq)),
                   eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
  }
  return fields;
}

const char kIdentityXml[] =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
    "<UserId>AIDAEXAMPLEUSERID</UserId><Account>123456789012</Account>"
    "</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId>"
    "</ResponseMetadata></GetCallerIdentityResponse>";

const char kAssumeRoleXml[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
    "<SourceIdentity>sentinel.alice.0a1b2c3d</SourceIdentity><AssumedRoleUser>"
    "<AssumedRoleId>AROAEXAMPLE:sentinel-0a1b2c3d</AssumedRoleId>"
    "<Arn>arn:aws:sts::123456789012:assumed-role/Admin/sentinel-0a1b2c3d</Arn>"
    "</AssumedRoleUser><Credentials><AccessKeyId>ASIANEWKEY</AccessKeyId>"
    "<SecretAccessKey>newsecret</SecretAccessKey><SessionToken>newtoken</SessionToken>"
    "<Expiration>2026-12-03T18:04:05Z</Expiration></Credentials></AssumeRoleResult>"
    "</AssumeRoleResponse>";

const char kSessionTokenXml[] =
    "<GetSessionTokenResponse><GetSessionTokenResult><Credentials>"
    "<AccessKeyId>ASIASESSION</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
    "<SessionToken>t</SessionToken><Expiration>2026-12-04T05:04:05Z</Expiration>"
    "</Credentials></GetSessionTokenResult></GetSessionTokenResponse>";

class StsClientTest : public ::testing::Test {
 protected:
  FakeHttpClient http_;
  FakeClock clock_{At("2026-12-03T17:04:05Z")};
  StsClient sts_{http_, {"https://sts.eu-west-1.amazonaws.com", "eu-west-1"}, clock_};

  AssumeRoleInput ValidInput() const {
    AssumeRoleInput input;
    input.role_arn = "arn:aws:iam::123456789012:role/Admin";
    input.role_session_name = "sentinel-0a1b2c3d";
    input.duration = seconds(3600);
    input.source_identity = "sentinel.alice.0a1b2c3d";
    input.external_id = "ext-id:team/42";
    return input;
  }

  // Checks what every STS request shares: POST to the endpoint, the form content type,
  // and a SigV4 signature for sts in the endpoint's region at the clock's time that
  // matches the request as it was sent.
  void ExpectSignedStsPost(const HttpRequest& request, const Credentials& credentials) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.url, "https://sts.eu-west-1.amazonaws.com/");
    EXPECT_EQ(FindHeader(request.headers, "content-type"),
              "application/x-www-form-urlencoded; charset=utf-8");
    EXPECT_EQ(FindHeader(request.headers, "x-amz-date"), "20261203T170405Z");
    const std::string authorization = FindHeader(request.headers, "authorization");
    EXPECT_TRUE(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id +
                                  "/20261203/eu-west-1/sts/aws4_request, "))
        << authorization;
    EXPECT_NE(authorization.find("SignedHeaders=content-type;host;x-amz-date"), std::string::npos)
        << authorization;

    HttpRequest resigned = request;
    ASSERT_TRUE(SignRequest(resigned, credentials,
                            {.region = "eu-west-1", .service = "sts", .time = clock_.Now()})
                    .has_value());
    EXPECT_EQ(FindHeader(resigned.headers, "authorization"), authorization)
        << "the signature does not cover the request as sent";
  }
};

TEST_F(StsClientTest, GetCallerIdentitySendsASignedQueryCall) {
  http_.Reply(200, kIdentityXml);
  auto got = sts_.GetCallerIdentity(LongTermKeys());
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, (CallerIdentity{"arn:aws:iam::123456789012:user/alice", "123456789012",
                                  "AIDAEXAMPLEUSERID"}));

  ASSERT_EQ(http_.requests.size(), 1u);
  const HttpRequest& request = http_.requests[0];
  EXPECT_EQ(request.body, "Action=GetCallerIdentity&Version=2011-06-15");
  ExpectSignedStsPost(request, LongTermKeys());
  EXPECT_EQ(FindHeader(request.headers, "x-amz-security-token"), "");
}

TEST_F(StsClientTest, TemporaryCredentialsSendTheirSessionToken) {
  http_.Reply(200, kIdentityXml);
  ASSERT_TRUE(sts_.GetCallerIdentity(TemporaryKeys()).has_value());
  ASSERT_EQ(http_.requests.size(), 1u);
  EXPECT_EQ(FindHeader(http_.requests[0].headers, "x-amz-security-token"), kToken);
  ExpectSignedStsPost(http_.requests[0], TemporaryKeys());
}

TEST_F(StsClientTest, AssumeRoleSendsEveryParameterFormEncoded) {
  http_.Reply(200, kAssumeRoleXml);
  AssumeRoleInput input = ValidInput();
  input.role_session_name = "a+b=c,d.e@f-g_h";
  auto got = sts_.AssumeRole(TemporaryKeys(), input);
  ASSERT_TRUE(got.has_value()) << got.error().message();

  ASSERT_EQ(http_.requests.size(), 1u);
  const HttpRequest& request = http_.requests[0];
  EXPECT_EQ(request.body,
            "Action=AssumeRole&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FAdmin"
            "&RoleSessionName=a%2Bb%3Dc%2Cd.e%40f-g_h&DurationSeconds=3600"
            "&SourceIdentity=sentinel.alice.0a1b2c3d&ExternalId=ext-id%3Ateam%2F42");
  const auto form = DecodeForm(request.body);
  const std::multimap<std::string, std::string> want = {
      {"Action", "AssumeRole"},
      {"Version", "2011-06-15"},
      {"RoleArn", "arn:aws:iam::123456789012:role/Admin"},
      {"RoleSessionName", "a+b=c,d.e@f-g_h"},
      {"DurationSeconds", "3600"},
      {"SourceIdentity", "sentinel.alice.0a1b2c3d"},
      {"ExternalId", "ext-id:team/42"}};
  EXPECT_EQ(form, want);
  ExpectSignedStsPost(request, TemporaryKeys());
}

TEST_F(StsClientTest, AssumeRoleOmitsAbsentOptionalParameters) {
  http_.Reply(200, kAssumeRoleXml);
  AssumeRoleInput input = ValidInput();
  input.source_identity.reset();
  input.external_id.reset();
  input.duration = seconds(900);
  ASSERT_TRUE(sts_.AssumeRole(LongTermKeys(), input).has_value());
  ASSERT_EQ(http_.requests.size(), 1u);
  const auto form = DecodeForm(http_.requests[0].body);
  EXPECT_EQ(form.count("SourceIdentity"), 0u);
  EXPECT_EQ(form.count("ExternalId"), 0u);
  EXPECT_EQ(form.find("DurationSeconds")->second, "900");
}

TEST_F(StsClientTest, AssumeRoleReturnsTheSessionAndItsPrincipal) {
  http_.Reply(200, kAssumeRoleXml);
  auto got = sts_.AssumeRole(LongTermKeys(), ValidInput());
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->credentials.access_key_id, "ASIANEWKEY");
  EXPECT_EQ(got->credentials.secret_access_key.Reveal(), "newsecret");
  EXPECT_EQ(got->credentials.session_token.Reveal(), "newtoken");
  EXPECT_EQ(got->credentials.expiration, At("2026-12-03T18:04:05Z"));
  EXPECT_EQ(got->assumed_role_arn,
            "arn:aws:sts::123456789012:assumed-role/Admin/sentinel-0a1b2c3d");
  EXPECT_EQ(got->assumed_role_id, "AROAEXAMPLE:sentinel-0a1b2c3d");
  EXPECT_EQ(got->source_identity, "sentinel.alice.0a1b2c3d");
}

TEST_F(StsClientTest, GetSessionTokenSendsTheDuration) {
  http_.Reply(200, kSessionTokenXml);
  auto got = sts_.GetSessionToken(LongTermKeys(), seconds(43200));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->access_key_id, "ASIASESSION");
  EXPECT_EQ(got->expiration, At("2026-12-04T05:04:05Z"));
  ASSERT_EQ(http_.requests.size(), 1u);
  EXPECT_EQ(http_.requests[0].body,
            "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=43200");
  ExpectSignedStsPost(http_.requests[0], LongTermKeys());
}

TEST_F(StsClientTest, GetSessionTokenValidatesTheDuration) {
  for (long long s : {0LL, 899LL, 129601LL}) {
    auto got = sts_.GetSessionToken(LongTermKeys(), seconds(s));
    ASSERT_FALSE(got.has_value()) << s;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(got.error().message(), "sts GetSessionToken: DurationSeconds " + std::to_string(s) +
                                         " is outside 900..129600");
  }
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(StsClientTest, KeepsAnEndpointPathAndAddsOneWhenMissing) {
  const struct {
    std::string_view endpoint;
    std::string_view sent;
  } cases[] = {{"http://127.0.0.1:5000", "http://127.0.0.1:5000/"},
               {"http://127.0.0.1:5000/", "http://127.0.0.1:5000/"},
               {"https://proxy.example.com/sts/", "https://proxy.example.com/sts/"}};
  for (const auto& c : cases) {
    FakeHttpClient http;
    http.Reply(200, kIdentityXml);
    StsClient sts(http, {std::string(c.endpoint), "us-east-1"}, clock_);
    ASSERT_TRUE(sts.GetCallerIdentity(LongTermKeys()).has_value()) << c.endpoint;
    ASSERT_EQ(http.requests.size(), 1u);
    EXPECT_EQ(http.requests[0].url, c.sent);
  }
}

TEST(ValidateAssumeRoleInputTest, RejectsEveryOutOfBoundsParameter) {
  auto valid = [] {
    AssumeRoleInput input;
    input.role_arn = "arn:aws:iam::123456789012:role/Admin";
    input.role_session_name = "sentinel-0a1b2c3d";
    input.duration = seconds(3600);
    return input;
  };
  ASSERT_TRUE(ValidateAssumeRoleInput(valid()).has_value());

  const struct {
    void (*edit)(AssumeRoleInput&);
    std::string_view want;
  } cases[] = {
      {[](AssumeRoleInput& i) { i.role_arn = ""; }, "sts AssumeRole: RoleArn '' is not a role ARN"},
      {[](AssumeRoleInput& i) { i.role_arn = "role/Admin-but-long-enough"; },
       "sts AssumeRole: RoleArn 'role/Admin-but-long-enough' is not a role ARN"},
      {[](AssumeRoleInput& i) { i.role_session_name = "a"; },
       "sts AssumeRole: RoleSessionName 'a' must be 2 to 64 characters"},
      {[](AssumeRoleInput& i) { i.role_session_name = std::string(65, 'a'); },
       "sts AssumeRole: RoleSessionName 'aaaa"},
      {[](AssumeRoleInput& i) { i.role_session_name = "alice smith"; },
       "sts AssumeRole: RoleSessionName 'alice smith' must be 2 to 64 characters"},
      {[](AssumeRoleInput& i) { i.role_session_name = "a\x1b[2Jb"; },
       "sts AssumeRole: RoleSessionName 'a?[2Jb' must"},
      {[](AssumeRoleInput& i) { i.role_session_name = "a:b"; },
       "sts AssumeRole: RoleSessionName 'a:b' must"},
      {[](AssumeRoleInput& i) { i.duration = seconds(899); },
       "sts AssumeRole: DurationSeconds 899 is outside 900..43200"},
      {[](AssumeRoleInput& i) { i.duration = seconds(43201); },
       "sts AssumeRole: DurationSeconds 43201 is outside 900..43200"},
      {[](AssumeRoleInput& i) { i.duration = seconds(-1); },
       "sts AssumeRole: DurationSeconds -1 is outside 900..43200"},
      {[](AssumeRoleInput& i) { i.source_identity = "x"; },
       "sts AssumeRole: SourceIdentity 'x' must be 2 to 64 characters"},
      {[](AssumeRoleInput& i) { i.source_identity = std::string(65, 's'); },
       "sts AssumeRole: SourceIdentity 'ssss"},
      {[](AssumeRoleInput& i) { i.source_identity = "sentinel.al ice"; },
       "sts AssumeRole: SourceIdentity 'sentinel.al ice' must"},
      {[](AssumeRoleInput& i) { i.source_identity = "aws:alice"; },
       "sts AssumeRole: SourceIdentity must not start with 'aws:'"},
      {[](AssumeRoleInput& i) { i.source_identity = "AWS:alice"; },
       "sts AssumeRole: SourceIdentity must not start with 'aws:'"},
      {[](AssumeRoleInput& i) { i.external_id = "x"; },
       "sts AssumeRole: ExternalId must be 2 to 1224 characters"},
      {[](AssumeRoleInput& i) { i.external_id = std::string(1225, 'e'); },
       "sts AssumeRole: ExternalId must be 2 to 1224 characters"},
      {[](AssumeRoleInput& i) { i.external_id = "top secret"; },
       "sts AssumeRole: ExternalId must be 2 to 1224 characters"},
  };
  for (const auto& c : cases) {
    AssumeRoleInput input = valid();
    c.edit(input);
    auto got = ValidateAssumeRoleInput(input);
    ASSERT_FALSE(got.has_value()) << c.want;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput) << c.want;
    EXPECT_TRUE(got.error().message().starts_with(c.want)) << got.error().message();
    EXPECT_EQ(got.error().message().find("top secret"), std::string::npos)
        << "the ExternalId must not be quoted";
  }
}

TEST(ValidateAssumeRoleInputTest, AcceptsTheBoundaries) {
  AssumeRoleInput input;
  input.role_arn = "arn:aws:iam::123456789012:role/Admin";
  for (std::string name : {std::string("ab"), std::string(64, 'n'), std::string("a_+=,.@-Z9")}) {
    input.role_session_name = name;
    input.source_identity = name;
    for (long long s : {900LL, 43200LL}) {
      input.duration = seconds(s);
      EXPECT_TRUE(ValidateAssumeRoleInput(input).has_value()) << name << " " << s;
    }
  }
  for (std::string id : {std::string("ab"), std::string(1224, 'e'), std::string("a_+=,.@:/-Z9")}) {
    input.external_id = id;
    EXPECT_TRUE(ValidateAssumeRoleInput(input).has_value()) << id.size();
  }
}

TEST_F(StsClientTest, InvalidInputIsRejectedBeforeAnythingIsSent) {
  AssumeRoleInput input = ValidInput();
  input.duration = seconds(50000);
  auto got = sts_.AssumeRole(LongTermKeys(), input);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(StsClientTest, IncompleteCredentialsAreRejectedBeforeAnythingIsSent) {
  const Credentials no_secret{"AKIDEXAMPLE", Secret(), Secret(), {}};
  const Credentials no_key{"", Secret(kSecret), Secret(), {}};
  for (const Credentials& credentials : {no_secret, no_key}) {
    auto got = sts_.GetCallerIdentity(credentials);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(got.error().message(),
              "sts GetCallerIdentity: the credentials to sign with lack an access key id or "
              "secret key");
  }
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(StsClientTest, TransportFailuresAreUnavailableAndNameTheEndpoint) {
  http_.responses.push_back(Fail(ErrorCode::kUnavailable, "connect: connection refused"));
  auto got = sts_.GetCallerIdentity(LongTermKeys());
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(),
            "sts GetCallerIdentity https://sts.eu-west-1.amazonaws.com: connect: connection "
            "refused");
}

TEST_F(StsClientTest, EndpointUserInfoNeverReachesAnError) {
  FakeHttpClient http;
  http.responses.push_back(Fail(ErrorCode::kUnavailable, "timed out"));
  StsClient sts(http, {"http://user:hunter2@127.0.0.1:5000", "us-east-1"}, clock_);
  auto got = sts.GetCallerIdentity(LongTermKeys());
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message().find("hunter2"), std::string::npos) << got.error().message();
}

TEST_F(StsClientTest, AwsErrorsKeepTheirCodeAndMessage) {
  http_.Reply(403,
              "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: "
              "arn:aws:iam::123456789012:user/alice is not authorized to perform: "
              "sts:AssumeRole</Message></Error></ErrorResponse>");
  http_.Reply(400,
              "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>The "
              "requested DurationSeconds exceeds the MaxSessionDuration set for this "
              "role.</Message></Error></ErrorResponse>");
  auto denied = sts_.AssumeRole(LongTermKeys(), ValidInput());
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(denied.error().message(),
            "sts AssumeRole: AccessDenied: User: arn:aws:iam::123456789012:user/alice is not "
            "authorized to perform: sts:AssumeRole");

  auto too_long = sts_.AssumeRole(LongTermKeys(), ValidInput());
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(too_long.error().hint().find("--duration"), std::string::npos);
}

TEST_F(StsClientTest, UnreadableResponsesAreUnavailable) {
  http_.Reply(200,
              "<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>");
  auto got = sts_.AssumeRole(LongTermKeys(), ValidInput());
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(),
            "sts AssumeRole: unreadable response (HTTP 200): missing Credentials");
}

TEST_F(StsClientTest, SecretsEchoedByAServerAreRedacted) {
  http_.Reply(400, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>secret " +
                       kSecret + " token " + kToken + "</Message></Error></ErrorResponse>");
  http_.responses.push_back(Fail(ErrorCode::kUnavailable, "proxy said " + kToken));
  for (int i = 0; i < 2; ++i) {
    auto got = sts_.GetCallerIdentity(TemporaryKeys());
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().message().find(kSecret), std::string::npos) << got.error().message();
    EXPECT_EQ(got.error().message().find(kToken), std::string::npos) << got.error().message();
    EXPECT_NE(got.error().message().find("***"), std::string::npos) << got.error().message();
  }
}

}  // namespace
}  // namespace sentinel::aws
