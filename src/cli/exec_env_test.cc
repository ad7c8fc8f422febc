#include "cli/exec_env.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sentinel::cli {
namespace {

using ::testing::Contains;
using ::testing::Not;

aws::Credentials Issued() {
  aws::Credentials c;
  c.access_key_id = "ASIAEXAMPLE";
  c.secret_access_key = Secret("s3cr3t");
  c.session_token = Secret("t0k3n");
  return c;
}

TEST(ExecEnvTest, SetsCredentialsAndDropsProfileVariables) {
  const std::vector<std::string> parent = {
      "PATH=/usr/bin",          "AWS_PROFILE=prod",       "AWS_DEFAULT_PROFILE=prod",
      "AWS_SECURITY_TOKEN=old", "AWS_CREDENTIAL_FILE=/x", "AWS_ACCESS_KEY_ID=AKIAOLD",
      "AWS_SESSION_TOKEN=old",  "AWS_REGION=us-east-1",   "AWS_PROFILEX=kept"};
  const auto env = BuildExecEnvironment(parent, Issued(), TimePoint(std::chrono::seconds(0)),
                                        std::string("eu-west-1"), "prod");
  EXPECT_THAT(env, Contains("PATH=/usr/bin"));
  EXPECT_THAT(env, Contains("AWS_PROFILEX=kept"));
  EXPECT_THAT(env, Contains("AWS_ACCESS_KEY_ID=ASIAEXAMPLE"));
  EXPECT_THAT(env, Contains("AWS_SECRET_ACCESS_KEY=s3cr3t"));
  EXPECT_THAT(env, Contains("AWS_SESSION_TOKEN=t0k3n"));
  EXPECT_THAT(env, Contains("AWS_CREDENTIAL_EXPIRATION=1970-01-01T00:00:00Z"));
  EXPECT_THAT(env, Contains("AWS_REGION=eu-west-1"));
  EXPECT_THAT(env, Contains("AWS_DEFAULT_REGION=eu-west-1"));
  EXPECT_THAT(env, Contains("AWS_SENTINEL=prod"));
  for (const char* gone : {"AWS_PROFILE=prod", "AWS_DEFAULT_PROFILE=prod", "AWS_SECURITY_TOKEN=old",
                           "AWS_CREDENTIAL_FILE=/x", "AWS_ACCESS_KEY_ID=AKIAOLD",
                           "AWS_SESSION_TOKEN=old", "AWS_REGION=us-east-1"}) {
    EXPECT_THAT(env, Not(Contains(gone)));
  }
}

TEST(ExecEnvTest, KeepsParentRegionWhenNoneIsKnown) {
  const auto env = BuildExecEnvironment({"AWS_REGION=us-east-2"}, Issued(),
                                        TimePoint(std::chrono::seconds(0)), std::nullopt, "dev");
  EXPECT_THAT(env, Contains("AWS_REGION=us-east-2"));
}

}  // namespace
}  // namespace sentinel::cli
