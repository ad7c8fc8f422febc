#include "cli/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>

namespace sentinel::cli {
namespace {

const std::vector<std::string> kEnv = {"PATH=/usr/bin:/bin", "MARK=on"};

TEST(ChildProcessTest, ReturnsTheExitStatus) {
  auto status = RunChild({"sh", "-c", "exit 42"}, kEnv);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 42);
}

TEST(ChildProcessTest, SignalDeathIs128PlusN) {
  auto status = RunChild({"sh", "-c", "kill -TERM $$"}, kEnv);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 128 + SIGTERM);
}

TEST(ChildProcessTest, UsesExactlyTheGivenEnvironment) {
  auto status = RunChild({"sh", "-c", "test \"$MARK\" = on && test -z \"$HOME\""}, kEnv);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0);
}

TEST(ChildProcessTest, MissingCommandIsAnError) {
  auto status = RunChild({"/nonexistent/command"}, kEnv);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(status.error().message().find("/nonexistent/command"), std::string::npos);
  EXPECT_NE(status.error().message().find("No such file"), std::string::npos);

  auto empty = RunChild({}, kEnv);
  ASSERT_FALSE(empty.has_value());
}

}  // namespace
}  // namespace sentinel::cli
