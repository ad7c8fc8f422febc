#include <gtest/gtest.h>

#include "cli/commands.h"
#include "core/policy_parser.h"

namespace sentinel::cli {
namespace {

TEST(InitTest, ExamplePolicyValidates) {
  const policy::ParseOutcome outcome = policy::ParsePolicyDocument(ExamplePolicy());
  ASSERT_EQ(outcome.error_count, 0u)
      << (outcome.errors.empty() ? "" : outcome.errors[0].ToString());
  ASSERT_TRUE(outcome.policy.has_value());
  EXPECT_EQ(outcome.policy->rules.size(), 2u);
  EXPECT_EQ(outcome.policy->approvals.size(), 1u);
  EXPECT_EQ(outcome.policy->breakglass.size(), 1u);
  EXPECT_EQ(outcome.policy->rate_limits.size(), 1u);
}

}  // namespace
}  // namespace sentinel::cli
