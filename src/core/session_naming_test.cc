#include "core/session_naming.h"

#include <gtest/gtest.h>

#include <regex>

namespace sentinel {
namespace {

TEST(SessionNamingTest, RoleSessionNameCarriesTheRequestId) {
  EXPECT_EQ(RoleSessionName("0a1b2c3d"), "sentinel-0a1b2c3d");
}

TEST(SessionNamingTest, SourceIdentityKeepsValidUsers) {
  EXPECT_EQ(SourceIdentity("alice", "0a1b2c3d"), "sentinel.alice.0a1b2c3d");
  EXPECT_EQ(SourceIdentity("bob@example.com", "0a1b2c3d"), "sentinel.bob@example.com.0a1b2c3d");
  EXPECT_EQ(SourceIdentity("a+b=c,d-e_f", "0a1b2c3d"), "sentinel.a+b=c,d-e_f.0a1b2c3d");
}

TEST(SessionNamingTest, SourceIdentityReplacesCharactersStsRejects) {
  EXPECT_EQ(SourceIdentity("jane doe/admin:x", "0a1b2c3d"), "sentinel.jane_doe_admin_x.0a1b2c3d");
  // "é" is two bytes in UTF-8, so it becomes two underscores.
  EXPECT_EQ(SourceIdentity("ren\xC3\xA9", "0a1b2c3d"), "sentinel.ren__.0a1b2c3d");
}

TEST(SessionNamingTest, SourceIdentityTruncatesTheUserNotTheId) {
  const std::string user(100, 'u');
  const std::string got = SourceIdentity(user, "0a1b2c3d");
  EXPECT_EQ(got.size(), kMaxSourceIdentityLength);
  EXPECT_EQ(got, "sentinel." + std::string(46, 'u') + ".0a1b2c3d");

  for (std::size_t n = 0; n < 80; ++n) {
    const std::string s = SourceIdentity(std::string(n, 'x'), "0a1b2c3d");
    EXPECT_LE(s.size(), kMaxSourceIdentityLength) << n;
    EXPECT_TRUE(std::regex_match(s, std::regex(R"([A-Za-z0-9_+=,.@-]{2,64})"))) << s;
    EXPECT_TRUE(s.ends_with(".0a1b2c3d")) << s;
  }
}

}  // namespace
}  // namespace sentinel
