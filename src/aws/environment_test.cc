#include "aws/environment.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace sentinel::aws {
namespace {

TEST(MapEnvironmentTest, EmptyValuesReadAsUnset) {
  MapEnvironment env({{"AWS_PROFILE", ""}, {"AWS_REGION", "eu-west-1"}});
  EXPECT_EQ(env.Get("AWS_PROFILE"), std::nullopt);
  EXPECT_EQ(env.Get("AWS_REGION"), "eu-west-1");
  EXPECT_EQ(env.Get("MISSING"), std::nullopt);
  env.Set("AWS_PROFILE", "dev");
  EXPECT_EQ(env.Get("AWS_PROFILE"), "dev");
  env.Unset("AWS_PROFILE");
  EXPECT_EQ(env.Get("AWS_PROFILE"), std::nullopt);
  EXPECT_EQ(env.HomeDirectory(), std::nullopt);
}

TEST(ProcessEnvironmentTest, ReadsTheRealEnvironmentAndTreatsEmptyAsUnset) {
  ASSERT_EQ(setenv("SENTINEL_ENV_TEST_SET", "value", 1), 0);
  ASSERT_EQ(setenv("SENTINEL_ENV_TEST_EMPTY", "", 1), 0);
  ProcessEnvironment env;
  EXPECT_EQ(env.Get("SENTINEL_ENV_TEST_SET"), "value");
  EXPECT_EQ(env.Get("SENTINEL_ENV_TEST_EMPTY"), std::nullopt);
  EXPECT_EQ(env.Get("SENTINEL_ENV_TEST_NEVER_SET"), std::nullopt);
  unsetenv("SENTINEL_ENV_TEST_SET");
  unsetenv("SENTINEL_ENV_TEST_EMPTY");
}

TEST(ProcessEnvironmentTest, HomeFallsBackToThePasswordDatabase) {
  const char* saved = std::getenv("HOME");
  const std::string saved_home = saved != nullptr ? saved : "";
  ASSERT_EQ(setenv("HOME", "/custom/home", 1), 0);
  EXPECT_EQ(ProcessEnvironment().HomeDirectory(), "/custom/home");
  unsetenv("HOME");
  const std::optional<std::string> fallback = ProcessEnvironment().HomeDirectory();
  if (saved != nullptr) {
    setenv("HOME", saved_home.c_str(), 1);
  }
  ASSERT_TRUE(fallback.has_value());
  EXPECT_EQ(fallback->front(), '/');
}

TEST(ExpandPathTest, ExpandsVariablesThenTilde) {
  const MapEnvironment env(
      {{"HOME", "/home/alice"}, {"DIR", "/etc/aws"}, {"TILDE", "~/x"}, {"EMPTY", ""}});
  const struct {
    const char* path;
    const char* want;
  } cases[] = {
      {"~/.aws/config", "/home/alice/.aws/config"},
      {"~", "/home/alice"},
      {"/abs/path", "/abs/path"},
      {"relative/path", "relative/path"},
      {"$DIR/config", "/etc/aws/config"},
      {"${DIR}/config", "/etc/aws/config"},
      {"${DIR}config", "/etc/awsconfig"},
      {"$DIRconfig", "$DIRconfig"},  // no variable DIRconfig: kept as written
      {"$UNSET/config", "$UNSET/config"},
      {"$EMPTY/config", "$EMPTY/config"},  // empty reads as unset
      {"${UNCLOSED/config", "${UNCLOSED/config"},
      {"cost$", "cost$"},
      {"a$/b", "a$/b"},
      {"$TILDE", "/home/alice/x"},  // variables first, then ~, as the CLI does
      {"~bob/config", "~bob/config"},
      {"/x/~/y", "/x/~/y"},
  };
  for (const auto& c : cases) {
    Result<std::string> got = ExpandPath(c.path, env);
    ASSERT_TRUE(got.has_value()) << c.path << ": " << got.error().message();
    EXPECT_EQ(*got, c.want) << c.path;
  }
}

TEST(ExpandPathTest, DropsATrailingSlashOfHome) {
  EXPECT_EQ(ExpandPath("~/.aws/config", MapEnvironment({{"HOME", "/home/bob/"}})).value(),
            "/home/bob/.aws/config");
  EXPECT_EQ(ExpandPath("~", MapEnvironment({{"HOME", "/"}})).value(), "/");
}

TEST(ExpandPathTest, FailsWhenHomeIsNeededButUnknown) {
  Result<std::string> got = ExpandPath("~/.aws/config", MapEnvironment());
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(got.error().message(),
            "expanding path '~/.aws/config': HOME is not set and the home directory is unknown");
  EXPECT_TRUE(ExpandPath("/no/tilde", MapEnvironment()).has_value());
}

}  // namespace
}  // namespace sentinel::aws
