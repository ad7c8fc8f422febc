// StsClient against a real STS implementation: moto's server, over CurlHttpClient.
#include <gtest/gtest.h>

#include <cctype>
#include <optional>
#include <pugixml.hpp>
#include <string>

#include "aws/curl_http_client.h"
#include "aws/identity.h"
#include "aws/sigv4.h"
#include "aws/sts.h"
#include "aws/test_support/moto_server.h"

namespace sentinel::aws {
namespace {

using std::chrono::seconds;

// moto's default account.
constexpr std::string_view kAccount = "123456789012";

const Credentials kAnyKeys{
    "AKIAIOSFODNN7EXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"), Secret(), {}};

std::string PercentEncode(std::string_view text) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

// One signed IAM Query API call to moto, to set up users and keys; returns the body.
std::string IamCall(HttpClient& http, const std::string& endpoint, const std::string& form) {
  HttpRequest request{"POST",
                      endpoint + "/",
                      {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                      "Version=2010-05-08&" + form};
  const SigningParams params{.region = "us-east-1", .service = "iam", .time = SystemClock().Now()};
  EXPECT_TRUE(SignRequest(request, kAnyKeys, params).has_value());
  auto response = http.Send(request);
  EXPECT_TRUE(response.has_value()) << response.error().message();
  if (!response) {
    return {};
  }
  EXPECT_EQ(response->status, 200) << form << "\n" << response->body;
  return response->body;
}

std::string XmlText(const std::string& xml, const char* local_name) {
  pugi::xml_document doc;
  doc.load_string(xml.c_str());
  const std::string xpath = std::string("//*[local-name()='") + local_name + "']";
  return doc.select_node(xpath.c_str()).node().text().get();
}

// Creates IAM user `name` in moto and returns its keys. With `allow_sts` the user gets a
// policy allowing every STS action (one more IAM call).
Credentials CreateUser(HttpClient& http, const std::string& endpoint, const std::string& name,
                       bool allow_sts = true) {
  IamCall(http, endpoint, "Action=CreateUser&UserName=" + name);
  const std::string key = IamCall(http, endpoint, "Action=CreateAccessKey&UserName=" + name);
  if (!allow_sts) {
    return Credentials{
        XmlText(key, "AccessKeyId"), Secret(XmlText(key, "SecretAccessKey")), Secret(), {}};
  }
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]})";
  IamCall(http, endpoint,
          "Action=PutUserPolicy&UserName=" + name +
              "&PolicyName=sts&PolicyDocument=" + PercentEncode(policy));
  return Credentials{
      XmlText(key, "AccessKeyId"), Secret(XmlText(key, "SecretAccessKey")), Secret(), {}};
}

AssumeRoleInput AdminInput() {
  AssumeRoleInput input;
  input.role_arn = "arn:aws:iam::123456789012:role/Admin";
  input.role_session_name = "sentinel-0a1b2c3d";
  input.duration = seconds(900);
  input.source_identity = "sentinel.alice.0a1b2c3d";
  input.external_id = "team-42:ext/id";
  return input;
}

// Temporary credentials must expire about `duration` after now (moto uses its own clock,
// which is this machine's).
void ExpectExpiresIn(const Credentials& credentials, seconds duration) {
  ASSERT_TRUE(credentials.expiration.has_value());
  const TimePoint want = SystemClock().Now() + duration;
  EXPECT_GT(*credentials.expiration, want - seconds(120));
  EXPECT_LT(*credentials.expiration, want + seconds(120));
}

// moto as it runs by default: any credentials are accepted and not verified.
class StsMotoTest : public test_support::MotoTest {
 protected:
  StsClient Sts() { return StsClient(http_, {endpoint(), "us-east-1"}, clock_); }

  CurlHttpClient http_;
  SystemClock clock_;
};

TEST_F(StsMotoTest, GetCallerIdentityOfAnIamUser) {
  const Credentials alice = CreateUser(http_, endpoint(), "alice");
  ASSERT_FALSE(alice.access_key_id.empty());

  auto got = Sts().GetCallerIdentity(alice);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->arn, "arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(got->account, kAccount);
  EXPECT_FALSE(got->user_id.empty());

  auto identity = IdentityFromArn(got->arn, got->account);
  ASSERT_TRUE(identity.has_value()) << identity.error().message();
  EXPECT_EQ(identity->type, kIdentityIamUser);
  EXPECT_EQ(identity->user, "alice");
}

// moto names an unknown key's caller arn:aws:sts::<account>:user/moto, a shape real STS
// never returns; sentinel must refuse to derive a user from it.
TEST_F(StsMotoTest, AnUnknownKeysMadeUpIdentityIsNotAUser) {
  auto got = Sts().GetCallerIdentity(kAnyKeys);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->account, kAccount);
  auto identity = IdentityFromArn(got->arn, got->account);
  ASSERT_FALSE(identity.has_value()) << identity->user;
  EXPECT_EQ(identity.error().code(), ErrorCode::kUnavailable);
}

TEST_F(StsMotoTest, AssumeRoleWithSourceIdentityAndExternalId) {
  auto got = Sts().AssumeRole(kAnyKeys, AdminInput());
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->assumed_role_arn,
            "arn:aws:sts::123456789012:assumed-role/Admin/sentinel-0a1b2c3d");
  EXPECT_TRUE(got->assumed_role_id.ends_with(":sentinel-0a1b2c3d")) << got->assumed_role_id;
  EXPECT_TRUE(got->credentials.access_key_id.starts_with("ASIA")) << got->credentials.access_key_id;
  EXPECT_FALSE(got->credentials.secret_access_key.empty());
  EXPECT_FALSE(got->credentials.session_token.empty());
  ExpectExpiresIn(got->credentials, seconds(900));

  // The session is usable, and STS then names the caller by its session name.
  auto caller = Sts().GetCallerIdentity(got->credentials);
  ASSERT_TRUE(caller.has_value()) << caller.error().message();
  EXPECT_EQ(caller->arn, got->assumed_role_arn);
  auto identity = IdentityFromArn(caller->arn, caller->account);
  ASSERT_TRUE(identity.has_value()) << identity.error().message();
  EXPECT_EQ(identity->type, kIdentityAssumedRole);
  EXPECT_EQ(identity->user, "sentinel-0a1b2c3d");
}

TEST_F(StsMotoTest, GetSessionToken) {
  auto got = Sts().GetSessionToken(kAnyKeys, seconds(3600));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_FALSE(got->access_key_id.empty());
  EXPECT_FALSE(got->secret_access_key.empty());
  EXPECT_FALSE(got->session_token.empty());
  ExpectExpiresIn(*got, seconds(3600));
}

TEST_F(StsMotoTest, ANonStsAnswerIsUnreadable) {
  // An endpoint that is not STS: moto's dashboard answers 200 with an HTML page.
  StsClient sts(http_, {endpoint() + "/moto-api/", "us-east-1"}, clock_);
  auto got = sts.GetCallerIdentity(kAnyKeys);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(got.error().message().starts_with("sts GetCallerIdentity: unreadable response"))
      << got.error().message();
}

TEST_F(StsMotoTest, ANetworkFailureIsUnavailable) {
  CurlHttpClientOptions options;
  options.max_attempts = 1;
  CurlHttpClient http(options);
  // Port 1 on loopback: nothing listens there.
  StsClient sts(http, {"http://127.0.0.1:1", "us-east-1"}, clock_);
  auto got = sts.GetCallerIdentity(kAnyKeys);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(got.error().message().starts_with("sts GetCallerIdentity http://127.0.0.1:1: "))
      << got.error().message();
}

// moto checking every request's signature and permissions after the first five (the
// IAM calls that create alice, allowed STS, and bob, allowed nothing), so these tests also
// verify sentinel's SigV4 against an independent implementation.
class StsMotoAuthTest : public test_support::MotoTest {
 public:
  static void SetUpTestSuite() {
    StartMoto({.environment = {{"INITIAL_NO_AUTH_ACTION_COUNT", "5"}}});
    alice_.reset();
    bob_.reset();
  }

 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    if (!alice_) {
      alice_ = CreateUser(http_, endpoint(), "alice");
      bob_ = CreateUser(http_, endpoint(), "bob", /*allow_sts=*/false);
    }
    ASSERT_FALSE(alice_->access_key_id.empty());
    ASSERT_FALSE(bob_->access_key_id.empty());
  }

  StsClient Sts() { return StsClient(http_, {endpoint(), "us-east-1"}, clock_); }

  static inline std::optional<Credentials> alice_;
  static inline std::optional<Credentials> bob_;
  CurlHttpClient http_;
  SystemClock clock_;
};

TEST_F(StsMotoAuthTest, SignedRequestsAreAccepted) {
  auto caller = Sts().GetCallerIdentity(*alice_);
  ASSERT_TRUE(caller.has_value()) << caller.error().message();
  EXPECT_EQ(caller->arn, "arn:aws:iam::123456789012:user/alice");

  auto assumed = Sts().AssumeRole(*alice_, AdminInput());
  ASSERT_TRUE(assumed.has_value()) << assumed.error().message();

  // Signing with temporary credentials sends and signs the session token.
  auto role_caller = Sts().GetCallerIdentity(assumed->credentials);
  ASSERT_TRUE(role_caller.has_value()) << role_caller.error().message();
  EXPECT_EQ(role_caller->arn, assumed->assumed_role_arn);

  auto session = Sts().GetSessionToken(*alice_, seconds(900));
  ASSERT_TRUE(session.has_value()) << session.error().message();
  ExpectExpiresIn(*session, seconds(900));
}

TEST_F(StsMotoAuthTest, AWrongSecretIsSignatureDoesNotMatch) {
  Credentials wrong = *alice_;
  wrong.secret_access_key = Secret("notTheRightSecretKey0000000000000000000000");
  auto got = Sts().GetCallerIdentity(wrong);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(got.error().message().starts_with("sts GetCallerIdentity: SignatureDoesNotMatch: "))
      << got.error().message();
  EXPECT_EQ(got.error().message().find(wrong.secret_access_key.Reveal()), std::string::npos);
  EXPECT_FALSE(got.error().hint().empty());
}

TEST_F(StsMotoAuthTest, AnUnknownKeyIsInvalidClientTokenId) {
  auto got = Sts().GetCallerIdentity(kAnyKeys);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(),
            "sts GetCallerIdentity: InvalidClientTokenId: The security token included in the "
            "request is invalid.");
}

TEST_F(StsMotoAuthTest, AUserWithoutPermissionIsAccessDenied) {
  auto got = Sts().AssumeRole(*bob_, AdminInput());
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(),
            "sts AssumeRole: AccessDenied: User: arn:aws:iam::123456789012:user/bob is not "
            "authorized to perform: sts:AssumeRole");
  EXPECT_NE(got.error().hint().find("trust policy"), std::string::npos);
}

}  // namespace
}  // namespace sentinel::aws
