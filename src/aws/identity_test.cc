#include "aws/identity.h"

#include <gtest/gtest.h>

namespace sentinel::aws {
namespace {

constexpr std::string_view kAccount = "123456789012";

TEST(IdentityFromArnTest, RecognisesEveryCallerShape) {
  const struct {
    std::string_view arn;
    std::string_view type;
    std::string_view user;
  } cases[] = {
      {"arn:aws:iam::123456789012:user/alice", kIdentityIamUser, "alice"},
      {"arn:aws:iam::123456789012:user/path/alice", kIdentityIamUser, "alice"},
      {"arn:aws:iam::123456789012:user/division/team/a.b+c=d,e@f-g_h", kIdentityIamUser,
       "a.b+c=d,e@f-g_h"},
      {"arn:aws:iam::123456789012:user/x", kIdentityIamUser, "x"},
      {"arn:aws:sts::123456789012:assumed-role/RoleName/session", kIdentityAssumedRole, "session"},
      {"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123abcd/alice@example.com",
       kIdentityAssumedRole, "alice@example.com"},
      {"arn:aws:sts::123456789012:federated-user/bob", kIdentityFederatedUser, "bob"},
      {"arn:aws:iam::123456789012:root", kIdentityRoot, "root"},
      {"arn:aws-cn:iam::123456789012:user/li", kIdentityIamUser, "li"},
      {"arn:aws-us-gov:sts::123456789012:assumed-role/Ops/carol", kIdentityAssumedRole, "carol"},
      {"arn:aws-iso-b:iam::123456789012:root", kIdentityRoot, "root"},
  };
  for (const auto& c : cases) {
    auto got = IdentityFromArn(c.arn, kAccount);
    ASSERT_TRUE(got.has_value()) << c.arn << ": " << got.error().message();
    EXPECT_EQ(got->arn, c.arn);
    EXPECT_EQ(got->account, kAccount);
    EXPECT_EQ(got->type, c.type) << c.arn;
    EXPECT_EQ(got->user, c.user) << c.arn;
  }
}

TEST(IdentityFromArnTest, RejectsUnknownAndMalformedShapes) {
  const struct {
    std::string_view arn;
    std::string_view why;
  } cases[] = {
      {"", "not an ARN"},
      {"alice", "not an ARN"},
      {"arn:aws:iam::123456789012", "not an ARN"},
      {"urn:aws:iam::123456789012:root", "not an ARN"},
      {"arn::iam::123456789012:root", "unknown partition"},
      {"arn:azure:iam::123456789012:root", "unknown partition"},
      {"arn:aws-:iam::123456789012:root", "unknown partition"},
      {"arn:aws-CN:iam::123456789012:root", "unknown partition"},
      {"arn:aws:iam:us-east-1:123456789012:root", "unexpected region"},
      {"arn:aws:iam::12345678901:root", "not 12 digits"},
      {"arn:aws:iam::12345678901x:root", "not 12 digits"},
      {"arn:aws:iam::210987654321:root", "differs from the caller's account"},
      {"arn:aws:iam::123456789012:role/Admin", "not an IAM user"},
      {"arn:aws:iam::123456789012:group/admins", "not an IAM user"},
      {"arn:aws:iam::123456789012:user", "not an IAM user"},
      {"arn:aws:iam::123456789012:user/", "not an IAM user"},
      {"arn:aws:iam::123456789012:user/path/", "not an IAM user"},
      {"arn:aws:iam::123456789012:user//alice", "not an IAM user"},
      {"arn:aws:iam::123456789012:user/al ice", "not an IAM user"},
      {"arn:aws:iam::123456789012:user/alice:x", "not an IAM user"},
      {"arn:aws:iam::123456789012:root/extra", "not an IAM user"},
      {"arn:aws:iam::123456789012:Root", "not an IAM user"},
      {"arn:aws:sts::123456789012:root", "not an IAM user"},
      {"arn:aws:sts::123456789012:user/moto", "not an IAM user"},
      {"arn:aws:iam::123456789012:assumed-role/Role/s1", "not an IAM user"},
      {"arn:aws:sts::123456789012:assumed-role/Role", "not an IAM user"},
      {"arn:aws:sts::123456789012:assumed-role/Role/", "not an IAM user"},
      {"arn:aws:sts::123456789012:assumed-role//session", "not an IAM user"},
      {"arn:aws:sts::123456789012:assumed-role/Role/s", "not an IAM user"},
      {"arn:aws:sts::123456789012:assumed-role/Role/session/extra", "not an IAM user"},
      {"arn:aws:sts::123456789012:assumed-role/Role/ses\nsion", "not an IAM user"},
      {"arn:aws:sts::123456789012:federated-user/", "not an IAM user"},
      {"arn:aws:sts::123456789012:federated-user/b", "not an IAM user"},
      {"arn:aws:sts::123456789012:federated-user/a/b", "not an IAM user"},
      {"arn:aws:sts::123456789012:federated-user/abcdefghijabcdefghijabcdefghijabc",
       "not an IAM user"},
      {"arn:aws:s3::123456789012:user/alice", "not an IAM user"},
  };
  for (const auto& c : cases) {
    auto got = IdentityFromArn(c.arn, kAccount);
    ASSERT_FALSE(got.has_value()) << c.arn << " gave user " << got->user;
    EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable) << c.arn;
    EXPECT_TRUE(got.error().message().starts_with("identifying caller ")) << c.arn;
    EXPECT_NE(got.error().message().find(c.why), std::string::npos)
        << c.arn << ": " << got.error().message();
    EXPECT_FALSE(got.error().hint().empty());
  }
}

TEST(IdentityFromArnTest, RequiresTheCallersAccount) {
  EXPECT_FALSE(IdentityFromArn("arn:aws:iam::123456789012:user/alice", "").has_value());
  EXPECT_TRUE(IdentityFromArn("arn:aws:iam::123456789012:user/alice", kAccount).has_value());
}

TEST(IdentityFromArnTest, EveryTruncationFailsOrNamesAPrefixOfTheUser) {
  const std::string arn = "arn:aws:sts::123456789012:assumed-role/RoleName/alice@example.com";
  for (std::size_t n = 0; n < arn.size(); ++n) {
    auto got = IdentityFromArn(arn.substr(0, n), kAccount);
    if (got.has_value()) {
      // Only cuts inside the session name can still parse, and they name a shorter user.
      EXPECT_EQ(got->type, kIdentityAssumedRole) << n;
      EXPECT_TRUE(std::string_view("alice@example.com").starts_with(got->user)) << n;
    } else {
      EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable) << n;
    }
  }
}

TEST(IdentityFromArnTest, ErrorMessagesShowControlCharactersSafely) {
  auto got = IdentityFromArn("arn:aws:iam::123456789012:user/\x1b[2J", kAccount);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message().find('\x1b'), std::string::npos);
  EXPECT_NE(got.error().message().find("user/?[2J"), std::string::npos);
}

}  // namespace
}  // namespace sentinel::aws
