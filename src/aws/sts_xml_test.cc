#include "aws/sts_xml.h"

#include <gtest/gtest.h>

#include <string>

#include "core/time_format.h"

namespace sentinel::aws {
namespace {

// Responses shaped like STS's (element order and namespace as AWS sends them; values are
// made up). No whitespace follows the root element, so every strict prefix is truncated.
const std::string kCallerIdentityXml =
    R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAJQABLZS4A3QDU576Q</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>)";

const std::string kSecret = "tH1sIsN0tARealSecretKeyButLooksLikeOne/x";
const std::string kToken = "IQoJb3JpZ2luX2VjEXAMPLETOKENVALUE0123456789+/=";

const std::string kAssumeRoleXml =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>sentinel.alice.0a1b2c3d</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/Admin/sentinel-0a1b2c3d</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:sentinel-0a1b2c3d</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>)" +
    kSecret + R"(</SecretAccessKey>
      <SessionToken>)" +
    kToken + R"(</SessionToken>
      <Expiration>2026-12-03T18:04:05.123Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>)";

const std::string kSessionTokenXml =
    R"(<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult>
    <Credentials>
      <SessionToken>)" +
    kToken + R"(</SessionToken>
      <SecretAccessKey>)" +
    kSecret + R"(</SecretAccessKey>
      <Expiration>2026-12-04T05:04:05Z</Expiration>
      <AccessKeyId>ASIAEXAMPLESESSIONKEY</AccessKeyId>
    </Credentials>
  </GetSessionTokenResult>
  <ResponseMetadata>
    <RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId>
  </ResponseMetadata>
</GetSessionTokenResponse>)";

std::string ErrorXml(std::string_view code, std::string_view message) {
  return R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>)" +
         std::string(code) + "</Code>\n    <Message>" + std::string(message) + R"(</Message>
  </Error>
  <RequestId>2a8e3f0c-1111-2222-3333-444455556666</RequestId>
</ErrorResponse>)";
}

TimePoint At(std::string_view text) { return *ParseTime(text); }

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

// An error message must never carry the secrets that a response held.
void ExpectNoSecrets(const Error& error) {
  EXPECT_EQ(error.message().find(kSecret), std::string::npos) << error.message();
  EXPECT_EQ(error.message().find(kToken), std::string::npos) << error.message();
}

TEST(StsXmlTest, ReadsGetCallerIdentity) {
  auto got = ParseGetCallerIdentityResponse(200, kCallerIdentityXml);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->arn, "arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(got->account, "123456789012");
  EXPECT_EQ(got->user_id, "AIDAJQABLZS4A3QDU576Q");
}

TEST(StsXmlTest, ReadsAssumeRole) {
  auto got = ParseAssumeRoleResponse(200, kAssumeRoleXml);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(got->credentials.secret_access_key.Reveal(), kSecret);
  EXPECT_EQ(got->credentials.session_token.Reveal(), kToken);
  EXPECT_EQ(got->credentials.expiration, At("2026-12-03T18:04:05Z"));
  EXPECT_EQ(got->assumed_role_arn,
            "arn:aws:sts::123456789012:assumed-role/Admin/sentinel-0a1b2c3d");
  EXPECT_EQ(got->assumed_role_id, "AROA3XFRBF535PLBIFPI4:sentinel-0a1b2c3d");
  EXPECT_EQ(got->source_identity, "sentinel.alice.0a1b2c3d");
}

TEST(StsXmlTest, SourceIdentityIsOptional) {
  auto got = ParseAssumeRoleResponse(
      200, Replace(kAssumeRoleXml, "<SourceIdentity>sentinel.alice.0a1b2c3d</SourceIdentity>", ""));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_FALSE(got->source_identity.has_value());
}

TEST(StsXmlTest, ReadsGetSessionToken) {
  auto got = ParseGetSessionTokenResponse(200, kSessionTokenXml);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->access_key_id, "ASIAEXAMPLESESSIONKEY");
  EXPECT_EQ(got->secret_access_key.Reveal(), kSecret);
  EXPECT_EQ(got->session_token.Reveal(), kToken);
  EXPECT_EQ(got->expiration, At("2026-12-04T05:04:05Z"));
}

TEST(StsXmlTest, MatchesLocalNamesWhateverThePrefixAndTrimsValues) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<sts:GetCallerIdentityResponse xmlns:sts="https://sts.amazonaws.com/doc/2011-06-15/">
 <sts:GetCallerIdentityResult>
  <sts:Arn>
    arn:aws:sts::123456789012:federated-user/bob
  </sts:Arn>
  <sts:UserId>123456789012:bob</sts:UserId>
  <sts:Account><![CDATA[123456789012]]></sts:Account>
 </sts:GetCallerIdentityResult>
</sts:GetCallerIdentityResponse>)";
  auto got = ParseGetCallerIdentityResponse(200, xml);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->arn, "arn:aws:sts::123456789012:federated-user/bob");
  EXPECT_EQ(got->account, "123456789012");
  EXPECT_EQ(got->user_id, "123456789012:bob");
}

TEST(StsXmlTest, MapsAwsErrorCodes) {
  const struct {
    std::string_view code;
    ErrorCode want;
    bool hint;
  } cases[] = {
      {"ValidationError", ErrorCode::kInvalidInput, false},
      {"InvalidParameterValue", ErrorCode::kInvalidInput, false},
      {"MalformedPolicyDocument", ErrorCode::kInvalidInput, false},
      {"PackedPolicyTooLarge", ErrorCode::kInvalidInput, false},
      {"AccessDenied", ErrorCode::kUnavailable, true},
      {"ExpiredToken", ErrorCode::kUnavailable, true},
      {"InvalidClientTokenId", ErrorCode::kUnavailable, true},
      {"SignatureDoesNotMatch", ErrorCode::kUnavailable, true},
      {"RegionDisabledException", ErrorCode::kUnavailable, true},
      {"Throttling", ErrorCode::kUnavailable, false},
      {"InternalFailure", ErrorCode::kUnavailable, false},
      {"SomethingNew", ErrorCode::kUnavailable, false},
  };
  for (const auto& c : cases) {
    for (long status : {400L, 403L, 500L, 200L}) {
      auto got = ParseAssumeRoleResponse(status, ErrorXml(c.code, "Something went wrong."));
      ASSERT_FALSE(got.has_value()) << c.code;
      EXPECT_EQ(got.error().code(), c.want) << c.code << " " << status;
      EXPECT_EQ(got.error().message(),
                "sts AssumeRole: " + std::string(c.code) + ": Something went wrong.");
      EXPECT_EQ(!got.error().hint().empty(), c.hint) << c.code << ": " << got.error().hint();
    }
  }
}

TEST(StsXmlTest, AccessDeniedReadsAsTheCliPrintsIt) {
  const std::string aws_message =
      "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
      "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Admin";
  auto got = ParseAssumeRoleResponse(403, ErrorXml("AccessDenied", aws_message));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(), "sts AssumeRole: AccessDenied: " + aws_message);
  EXPECT_NE(got.error().hint().find("trust policy"), std::string::npos);
}

TEST(StsXmlTest, DurationOverTheRoleMaximumHintsAtTheFlag) {
  auto got = ParseAssumeRoleResponse(
      400, ErrorXml("ValidationError",
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for "
                    "this role."));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(got.error().message(),
            "sts AssumeRole: ValidationError: The requested DurationSeconds exceeds the "
            "MaxSessionDuration set for this role.");
  EXPECT_NE(got.error().hint().find("--duration"), std::string::npos);
  EXPECT_NE(got.error().hint().find("duration_seconds"), std::string::npos);
}

TEST(StsXmlTest, ErrorsNameTheirAction) {
  auto identity = ParseGetCallerIdentityResponse(403, ErrorXml("ExpiredToken", "expired"));
  ASSERT_FALSE(identity.has_value());
  EXPECT_EQ(identity.error().message(), "sts GetCallerIdentity: ExpiredToken: expired");
  auto session = ParseGetSessionTokenResponse(403, ErrorXml("AccessDenied", "no"));
  ASSERT_FALSE(session.has_value());
  EXPECT_EQ(session.error().message(), "sts GetSessionToken: AccessDenied: no");
  // The trust-policy hint is about AssumeRole only.
  EXPECT_TRUE(session.error().hint().empty());
}

TEST(StsXmlTest, ReadsErrorsWrappedInAnErrorsElement) {
  for (std::string_view root : {"ErrorResponse", "Response"}) {
    const std::string xml =
        R"(<?xml version="1.0" encoding="utf-8"?>)"
        "\n<" +
        std::string(root) +
        "><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security "
        "token included in the request is invalid.</Message><Type>Sender</Type>"
        "</Error></Errors></" +
        std::string(root) + ">";
    auto got = ParseGetCallerIdentityResponse(403, xml);
    ASSERT_FALSE(got.has_value()) << root;
    EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
    EXPECT_EQ(got.error().message(),
              "sts GetCallerIdentity: InvalidClientTokenId: The security token included in the "
              "request is invalid.");
  }
}

TEST(StsXmlTest, ErrorWithoutMessageShowsTheStatus) {
  const std::string xml =
      "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code></Error></ErrorResponse>";
  auto got = ParseGetCallerIdentityResponse(400, xml);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(), "sts GetCallerIdentity: Throttling (HTTP 400)");
}

TEST(StsXmlTest, ServerTextInErrorsIsMadePrintableAndCut) {
  auto got = ParseAssumeRoleResponse(
      403, ErrorXml("AccessDenied", "evil &#27;[2J " + std::string(5000, 'x')));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message().find('\x1b'), std::string::npos);
  EXPECT_NE(got.error().message().find("evil ?[2J"), std::string::npos);
  EXPECT_LT(got.error().message().size(), 1200u);
}

TEST(StsXmlTest, UnusableBodiesAreUnavailable) {
  const struct {
    long status;
    std::string body;
    std::string_view want;
  } cases[] = {
      {200, "", "sts AssumeRole: unreadable response (HTTP 200): not XML: "},
      {500,
       "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
       "<h1>Internal Server Error</h1>",
       "sts AssumeRole: unreadable response (HTTP 500): not XML: "},
      {200, R"({"Credentials":{}})", "sts AssumeRole: unreadable response (HTTP 200): not XML: "},
      {503, "<html><body>Service Unavailable</body></html>",
       "sts AssumeRole: unreadable response (HTTP 503): no AWS error document in the body"},
      {403, kAssumeRoleXml,
       "sts AssumeRole: unreadable response (HTTP 403): no AWS error document in the body"},
      {200, kSessionTokenXml,
       "sts AssumeRole: unreadable response (HTTP 200): expected <AssumeRoleResponse>, got "
       "<GetSessionTokenResponse>"},
      {200, "<AssumeRoleResponse/>",
       "sts AssumeRole: unreadable response (HTTP 200): missing AssumeRoleResult"},
      {400, "<ErrorResponse><Error><Message>no code</Message></Error></ErrorResponse>",
       "sts AssumeRole: unreadable response (HTTP 400): AWS error document without a Code"},
      {400, "<ErrorResponse/>",
       "sts AssumeRole: unreadable response (HTTP 400): AWS error document without a Code"},
  };
  for (const auto& c : cases) {
    auto got = ParseAssumeRoleResponse(c.status, c.body);
    ASSERT_FALSE(got.has_value()) << c.body;
    EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable) << c.body;
    EXPECT_TRUE(got.error().message().starts_with(c.want)) << got.error().message();
    ExpectNoSecrets(got.error());
  }
}

// Renames element `name` to `to` (both tags), keeping the document well-formed.
std::string Rename(std::string xml, std::string_view name, std::string_view to) {
  xml = Replace(xml, "<" + std::string(name) + ">", "<" + std::string(to) + ">");
  return Replace(xml, "</" + std::string(name) + ">", "</" + std::string(to) + ">");
}

TEST(StsXmlTest, MissingOrEmptyFieldsAreNamed) {
  const struct {
    std::string xml;
    std::string_view want;
  } cases[] = {
      {Rename(kAssumeRoleXml, "Credentials", "Other"), "missing Credentials"},
      {Rename(kAssumeRoleXml, "AccessKeyId", "KeyId"), "missing Credentials/AccessKeyId"},
      {Replace(kAssumeRoleXml, "<AccessKeyId>ASIAIOSFODNN7EXAMPLE<", "<AccessKeyId> \n <"),
       "empty Credentials/AccessKeyId"},
      {Rename(kAssumeRoleXml, "SecretAccessKey", "SecretKey"),
       "missing Credentials/SecretAccessKey"},
      {Rename(kAssumeRoleXml, "SessionToken", "Token"), "missing Credentials/SessionToken"},
      {Rename(kAssumeRoleXml, "Expiration", "Expires"), "missing Credentials/Expiration"},
      {Replace(kAssumeRoleXml, "2026-12-03T18:04:05.123Z", "tomorrow"),
       "Credentials/Expiration 'tomorrow' is not an RFC 3339 time"},
      {Rename(kAssumeRoleXml, "AssumedRoleUser", "User"), "missing AssumedRoleUser"},
      {Replace(kAssumeRoleXml,
               "<Arn>arn:aws:sts::123456789012:assumed-role/Admin/sentinel-0a1b2c3d</Arn>", ""),
       "missing AssumedRoleUser/Arn"},
      {Replace(kAssumeRoleXml,
               "<AssumedRoleId>AROA3XFRBF535PLBIFPI4:sentinel-0a1b2c3d</AssumedRoleId>",
               "<AssumedRoleId/>"),
       "empty AssumedRoleUser/AssumedRoleId"},
  };
  for (const auto& c : cases) {
    auto got = ParseAssumeRoleResponse(200, c.xml);
    ASSERT_FALSE(got.has_value()) << c.want;
    EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
    EXPECT_EQ(got.error().message(),
              "sts AssumeRole: unreadable response (HTTP 200): " + std::string(c.want));
    ExpectNoSecrets(got.error());
  }
}

TEST(StsXmlTest, MissingCallerIdentityFieldsAreNamed) {
  for (std::string_view field : {"Arn", "UserId", "Account"}) {
    auto got = ParseGetCallerIdentityResponse(200, Rename(kCallerIdentityXml, field, "X"));
    ASSERT_FALSE(got.has_value()) << field;
    EXPECT_EQ(
        got.error().message(),
        "sts GetCallerIdentity: unreadable response (HTTP 200): missing " + std::string(field));
  }
}

// Every strict prefix of a real response must fail as unreadable, never yield a value
// and never quote a secret.
template <typename Parse>
void ExpectEveryTruncationUnreadable(const std::string& xml, Parse parse, std::string_view prefix) {
  ASSERT_TRUE(parse(200, xml).has_value());
  for (std::size_t n = 0; n < xml.size(); ++n) {
    auto got = parse(200, xml.substr(0, n));
    ASSERT_FALSE(got.has_value()) << "prefix of " << n << " bytes parsed";
    EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable) << n;
    EXPECT_TRUE(got.error().message().starts_with(prefix)) << got.error().message();
    ExpectNoSecrets(got.error());
  }
}

TEST(StsXmlTest, EveryTruncationIsUnreadable) {
  ExpectEveryTruncationUnreadable(kCallerIdentityXml, ParseGetCallerIdentityResponse,
                                  "sts GetCallerIdentity: unreadable response (HTTP 200): ");
  ExpectEveryTruncationUnreadable(kAssumeRoleXml, ParseAssumeRoleResponse,
                                  "sts AssumeRole: unreadable response (HTTP 200): ");
  ExpectEveryTruncationUnreadable(kSessionTokenXml, ParseGetSessionTokenResponse,
                                  "sts GetSessionToken: unreadable response (HTTP 200): ");
}

TEST(StsXmlTest, TruncatedErrorResponsesAreUnreadableNotAwsErrors) {
  const std::string xml = ErrorXml("ValidationError", "bad DurationSeconds");
  for (std::size_t n = 0; n < xml.size(); ++n) {
    auto got = ParseAssumeRoleResponse(400, xml.substr(0, n));
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable) << n;
    EXPECT_TRUE(got.error().message().starts_with("sts AssumeRole: unreadable response (HTTP 400)"))
        << got.error().message();
  }
}

// Overwrites each byte in turn with characters that break XML structure. Whatever the
// parser makes of it, it must not crash, and a success must still carry every field.
TEST(StsXmlTest, CorruptedBytesNeverCrashOrLeakSecrets) {
  for (char bad : {'<', '>', '&', '"', '\0', '\xff'}) {
    for (std::size_t i = 0; i < kAssumeRoleXml.size(); ++i) {
      std::string xml = kAssumeRoleXml;
      xml[i] = bad;
      auto got = ParseAssumeRoleResponse(200, xml);
      if (got.has_value()) {
        EXPECT_FALSE(got->credentials.access_key_id.empty());
        EXPECT_FALSE(got->credentials.secret_access_key.empty());
        EXPECT_FALSE(got->credentials.session_token.empty());
        EXPECT_TRUE(got->credentials.expiration.has_value());
        EXPECT_FALSE(got->assumed_role_arn.empty());
      } else {
        EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
        ExpectNoSecrets(got.error());
      }
    }
  }
}

}  // namespace
}  // namespace sentinel::aws
