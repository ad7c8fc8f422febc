#include "core/approval_rules.h"

#include <gtest/gtest.h>

#include "core/policy_parser.h"
#include "core/time_format.h"

namespace sentinel {
namespace {

using namespace std::chrono;
using std::chrono::seconds;

const TimePoint kDay = sys_days(2026y / December / 3);  // a Thursday
const TimePoint kT0 = kDay + hours(10);

constexpr char kPolicy[] = R"(version: "1"
rules:
  - name: nothing
    effect: deny
    conditions: {}
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [carol, dave]
    max_duration: 8h
    auto_approve:
      users: [carol]
      time: {hours: {start: "09:00", end: "17:00"}, timezone: UTC}
      max_duration: 1h
  - name: staging-approvers
    profiles: [staging]
    approvers: [alice]
    max_duration: 2h
  - name: anyone-short
    profiles: [sandbox]
    approvers: [carol]
    auto_approve: {max_duration: 30m}
)";

const policy::Policy& ThePolicy() {
  static const policy::Policy parsed = [] {
    auto result = policy::ParsePolicy(kPolicy, "test");
    EXPECT_TRUE(result.has_value()) << result.error().message();
    return *result;
  }();
  return parsed;
}

Request RequestOf(std::string requester, std::string profile) {
  auto request =
      NewRequest("0123456789abcdef",
                 {std::move(requester), std::move(profile), "deploy the fix", hours(1)}, kT0);
  EXPECT_TRUE(request.has_value()) << request.error().message();
  return *request;
}

template <typename T>
void ExpectError(const Result<T>& result, ErrorCode code, const std::string& message,
                 const std::string& hint = "") {
  ASSERT_FALSE(result.has_value()) << "expected: " << message;
  EXPECT_EQ(result.error().code(), code) << result.error().message();
  EXPECT_EQ(result.error().message(), message);
  EXPECT_EQ(result.error().hint(), hint);
}

TEST(ApprovalRulesTest, AutoApproverIsNoAwsIdentity) {
  EXPECT_EQ(AutoApprover("prod-approvers"), "auto:prod-approvers");
}

TEST(ApprovalRulesTest, FindRuleForRequestChecksTheRuleAndItsMaximum) {
  const struct {
    std::string profile;
    seconds duration;
    std::string rule;  // "" when refused
  } cases[] = {
      {"prod", hours(8) - seconds(1), "prod-approvers"},
      {"prod", hours(8), "prod-approvers"},
      {"prod", hours(8) + seconds(1), ""},
      {"staging", hours(2), "staging-approvers"},
      {"staging", hours(2) + seconds(1), ""},
      {"sandbox", hours(8), "anyone-short"},  // the default maximum is 8h
      {"sandbox", hours(8) + seconds(1), ""},
  };
  for (const auto& c : cases) {
    auto rule = FindRuleForRequest(ThePolicy(), c.profile, c.duration);
    if (c.rule.empty()) {
      ASSERT_FALSE(rule.has_value()) << c.profile << " " << c.duration.count();
      EXPECT_EQ(rule.error().code(), ErrorCode::kDenied);
      continue;
    }
    ASSERT_TRUE(rule.has_value()) << rule.error().message();
    EXPECT_EQ((*rule)->name, c.rule);
  }
  ExpectError(FindRuleForRequest(ThePolicy(), "prod", hours(9)), ErrorCode::kDenied,
              "approvals rule 'prod-approvers' allows requests of at most 8h for profile 'prod', "
              "not 9h",
              "ask for a duration of 8h or less");
}

TEST(ApprovalRulesTest, NoApprovalsRuleMeansNobodyCanApprove) {
  ExpectError(FindRuleForRequest(ThePolicy(), "dev", hours(1)), ErrorCode::kDenied,
              "nobody can approve requests for profile 'dev': no approvals rule matches it",
              "ask whoever keeps the policy to add an `approvals` rule for this profile");
}

TEST(ApprovalRulesTest, AutoApprovalNeedsEveryListedCondition) {
  const policy::ApprovalRule& prod = ThePolicy().approvals[0];
  const struct {
    std::string name;
    std::string requester;
    seconds duration;
    TimePoint now;
    bool approves;
  } cases[] = {
      {"all hold", "carol", hours(1), kT0, true},
      {"shorter", "carol", minutes(5), kT0, true},
      {"one second too long", "carol", hours(1) + seconds(1), kT0, false},
      {"not a listed user", "alice", hours(1), kT0, false},
      {"user names are case-sensitive", "Carol", hours(1), kT0, false},
      {"window opens", "carol", hours(1), kDay + hours(9), true},
      {"second before the window", "carol", hours(1), kDay + hours(9) - seconds(1), false},
      {"last second of the window", "carol", hours(1), kDay + hours(17) - seconds(1), true},
      {"window closed", "carol", hours(1), kDay + hours(17), false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(AutoApproves(prod, c.requester, c.duration, c.now), c.approves) << c.name;
  }
}

TEST(ApprovalRulesTest, AutoApprovalWithOneConditionOrNone) {
  const policy::ApprovalRule& sandbox = ThePolicy().approvals[2];
  EXPECT_TRUE(AutoApproves(sandbox, "anyone", minutes(30), kT0));
  EXPECT_FALSE(AutoApproves(sandbox, "anyone", minutes(30) + seconds(1), kT0));
  const policy::ApprovalRule& staging = ThePolicy().approvals[1];
  EXPECT_FALSE(AutoApproves(staging, "alice", minutes(1), kT0)) << "no auto_approve at all";

  policy::ApprovalRule empty = staging;
  empty.auto_approve = policy::AutoApprove{};
  EXPECT_FALSE(AutoApproves(empty, "alice", minutes(1), kT0)) << "no condition is no consent";
}

TEST(ApprovalRulesTest, OnlyListedApproversDecideAndNeverTheirOwnRequest) {
  const Request alices = RequestOf("alice", "prod");
  EXPECT_TRUE(CheckMayDecide(ThePolicy(), alices, "carol", "approve").has_value());
  EXPECT_TRUE(CheckMayDecide(ThePolicy(), alices, "dave", "deny").has_value());

  ExpectError(CheckMayDecide(ThePolicy(), alices, "eve", "approve"), ErrorCode::kDenied,
              "user 'eve' may not approve request 0123456789abcdef: not an approver in approvals "
              "rule 'prod-approvers' for profile 'prod'",
              "the approvers are: carol, dave");
  ExpectError(CheckMayDecide(ThePolicy(), alices, "alice", "approve"), ErrorCode::kDenied,
              "user 'alice' may not approve request 0123456789abcdef: nobody decides their own "
              "request",
              "ask one of the approvers of profile 'prod'");
  // An approver is still a requester on their own request.
  ExpectError(CheckMayDecide(ThePolicy(), RequestOf("carol", "prod"), "carol", "deny"),
              ErrorCode::kDenied,
              "user 'carol' may not deny request 0123456789abcdef: nobody decides their own "
              "request",
              "ask one of the approvers of profile 'prod'");
  // An approver of another profile is nobody here.
  ExpectError(CheckMayDecide(ThePolicy(), RequestOf("bob", "prod"), "alice", "approve"),
              ErrorCode::kDenied,
              "user 'alice' may not approve request 0123456789abcdef: not an approver in "
              "approvals rule 'prod-approvers' for profile 'prod'",
              "the approvers are: carol, dave");
  ExpectError(CheckMayDecide(ThePolicy(), RequestOf("bob", "dev"), "carol", "approve"),
              ErrorCode::kDenied,
              "user 'carol' may not approve request 0123456789abcdef: nobody can approve "
              "requests for profile 'dev' (no approvals rule matches it)");
}

TEST(ApprovalRulesTest, OnlyTheRequesterCancels) {
  const Request alices = RequestOf("alice", "prod");
  EXPECT_TRUE(CheckMayCancel(alices, "alice").has_value());
  ExpectError(CheckMayCancel(alices, "carol"), ErrorCode::kDenied,
              "user 'carol' may not cancel request 0123456789abcdef: only its requester, alice, "
              "may");
}

}  // namespace
}  // namespace sentinel
