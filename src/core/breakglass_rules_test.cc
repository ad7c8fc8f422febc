#include "core/breakglass_rules.h"

#include <gtest/gtest.h>

#include "core/policy_parser.h"
#include "core/time_format.h"

namespace sentinel {
namespace {

using namespace std::chrono;
using std::chrono::seconds;

const TimePoint kThursday = sys_days(2026y / December / 3);
const TimePoint kT0 = kThursday + hours(10);
const std::string kJustification = "primary database is down";  // 24 characters

constexpr char kPolicy[] = R"(version: "1"
rules:
  - name: nothing
    effect: deny
    conditions: {}
breakglass:
  - name: oncall
    profiles: [prod]
    users: [alice, bob@example.com]
    reason_codes: [incident, security]
    max_duration: 2h
    closers: [security-lead]
  - name: office-hours
    profiles: [staging]
    users: [alice]
    time:
      days: [monday, tuesday, wednesday, thursday, friday]
      hours: {start: "08:00", end: "20:00"}
      timezone: UTC
  - name: short
    profiles: [sandbox]
    users: [alice]
    max_duration: 30m
)";

const policy::Policy& ThePolicy() {
  static const policy::Policy parsed = [] {
    auto result = policy::ParsePolicy(kPolicy, "test");
    EXPECT_TRUE(result.has_value()) << result.error().message();
    return *result;
  }();
  return parsed;
}

EventDraft Draft(std::string invoker, std::string profile, std::string code = "incident",
                 seconds duration = hours(1), std::string justification = kJustification) {
  return {std::move(invoker), std::move(profile), std::move(code), std::move(justification),
          duration};
}

Event EventOf(std::string invoker, std::string profile) {
  auto event = NewEvent("0123456789abcdef", Draft(std::move(invoker), std::move(profile)), kT0);
  EXPECT_TRUE(event.has_value()) << event.error().message();
  return *event;
}

template <typename T>
void ExpectError(const Result<T>& result, ErrorCode code, const std::string& message,
                 const std::string& hint = "") {
  ASSERT_FALSE(result.has_value()) << "expected: " << message;
  EXPECT_EQ(result.error().code(), code) << result.error().message();
  EXPECT_EQ(result.error().message(), message);
  EXPECT_EQ(result.error().hint(), hint);
}

TEST(BreakGlassRulesTest, DefaultDurationNeverAsksForMoreThanTheRuleGrants) {
  EXPECT_EQ(DefaultBreakGlassDuration(nullptr), hours(1));
  EXPECT_EQ(DefaultBreakGlassDuration(ThePolicy().FindBreakGlassRule("prod")), hours(1));
  EXPECT_EQ(DefaultBreakGlassDuration(ThePolicy().FindBreakGlassRule("sandbox")), minutes(30));
}

TEST(BreakGlassRulesTest, AllowedInvocationsReturnTheirRule) {
  const struct {
    EventDraft draft;
    TimePoint now;
    std::string rule;
  } cases[] = {
      {Draft("alice", "prod"), kT0, "oncall"},
      {Draft("bob@example.com", "prod", "security", hours(2)), kT0, "oncall"},
      {Draft("alice", "staging", "maintenance", hours(4)), kT0, "office-hours"},
      {Draft("alice", "staging"), kThursday + hours(8), "office-hours"},
      {Draft("alice", "staging"), kThursday + hours(20) - seconds(1), "office-hours"},
      {Draft("alice", "sandbox", "other", minutes(30)), kT0, "short"},
      {Draft("alice", "prod", "incident", hours(1), std::string(20, 'x')), kT0, "oncall"},
      {Draft("alice", "prod", "incident", hours(1), std::string(1000, 'x')), kT0, "oncall"},
  };
  for (const auto& c : cases) {
    auto rule = CheckBreakGlass(ThePolicy(), c.draft, c.now);
    ASSERT_TRUE(rule.has_value()) << c.draft.invoker << " " << c.draft.profile << ": "
                                  << rule.error().message();
    EXPECT_EQ((*rule)->name, c.rule);
  }
}

TEST(BreakGlassRulesTest, BoundsThatHoldEverywhereAreUsageErrors) {
  const struct {
    EventDraft draft;
    std::string message;
  } cases[] = {
      {Draft("alice", "prod", "panic"), "unknown reason code 'panic'"},
      {Draft("alice", "prod", "Incident"), "unknown reason code 'Incident'"},
      {Draft("alice", "prod", "incident", hours(1), std::string(19, 'x')),
       "justification must be 20 to 1000 characters, got 19"},
      {Draft("alice", "prod", "incident", hours(1), std::string(1001, 'x')),
       "justification must be 20 to 1000 characters, got 1001"},
      {Draft("alice", "prod", "incident", hours(1), "line one\nline two of the story"),
       "justification contains a control character at character 9"},
      {Draft("alice", "prod", "incident", seconds(0)),
       "break-glass duration must be more than 0s and at most 4h, got 0s"},
      {Draft("alice", "prod", "incident", hours(4) + seconds(1)),
       "break-glass duration must be more than 0s and at most 4h, got 4h1s"},
      // Checked before the policy, so even a profile without a rule says what is wrong.
      {Draft("alice", "dev", "incident", hours(5)),
       "break-glass duration must be more than 0s and at most 4h, got 5h"},
  };
  for (const auto& c : cases) {
    auto rule = CheckBreakGlass(ThePolicy(), c.draft, kT0);
    ASSERT_FALSE(rule.has_value()) << c.message;
    EXPECT_EQ(rule.error().code(), ErrorCode::kInvalidInput) << rule.error().message();
    EXPECT_EQ(rule.error().message(), c.message);
  }
}

TEST(BreakGlassRulesTest, ThePolicyRefusesWithTheRuleNamed) {
  const struct {
    EventDraft draft;
    TimePoint now;
    std::string message;
    std::string hint;
  } cases[] = {
      {Draft("alice", "dev"), kT0,
       "nobody can declare break-glass on profile 'dev': no breakglass rule matches it", ""},
      {Draft("eve", "prod"), kT0,
       "break-glass rule 'oncall' does not list user 'eve' for profile 'prod'", ""},
      {Draft("Alice", "prod"), kT0,
       "break-glass rule 'oncall' does not list user 'Alice' for profile 'prod'", ""},
      {Draft("alice", "prod", "maintenance"), kT0,
       "break-glass rule 'oncall' does not allow reason code 'maintenance'",
       "allowed reason codes: incident, security"},
      {Draft("alice", "prod", "incident", hours(2) + seconds(1)), kT0,
       "break-glass rule 'oncall' allows at most 2h, not 2h1s", "ask for a duration of 2h or less"},
      {Draft("alice", "sandbox", "incident", hours(1)), kT0,
       "break-glass rule 'short' allows at most 30m, not 1h", "ask for a duration of 30m or less"},
      {Draft("alice", "staging"), kThursday + hours(8) - seconds(1),
       "break-glass rule 'office-hours' allows break-glass on profile 'staging' only "
       "[monday..friday] 08:00-20:00 (UTC)",
       ""},
      {Draft("alice", "staging"), kThursday + hours(20),
       "break-glass rule 'office-hours' allows break-glass on profile 'staging' only "
       "[monday..friday] 08:00-20:00 (UTC)",
       ""},
      {Draft("alice", "staging"), kThursday + days(2) + hours(10),  // Saturday
       "break-glass rule 'office-hours' allows break-glass on profile 'staging' only "
       "[monday..friday] 08:00-20:00 (UTC)",
       ""},
  };
  for (const auto& c : cases) {
    ExpectError(CheckBreakGlass(ThePolicy(), c.draft, c.now), ErrorCode::kDenied, c.message,
                c.hint);
  }
}

TEST(BreakGlassRulesTest, TheInvokerOrAListedCloserCloses) {
  const Event alices = EventOf("alice", "prod");
  EXPECT_TRUE(CheckMayClose(ThePolicy(), alices, "alice").has_value());
  EXPECT_TRUE(CheckMayClose(ThePolicy(), alices, "security-lead").has_value());
  ExpectError(CheckMayClose(ThePolicy(), alices, "bob@example.com"), ErrorCode::kDenied,
              "user 'bob@example.com' may not close break-glass event 0123456789abcdef of alice: "
              "not the invoker and not a closer in break-glass rule 'oncall'");
  // A closer of one rule is nobody on another rule's profile.
  const Event on_staging = EventOf("alice", "staging");
  ExpectError(CheckMayClose(ThePolicy(), on_staging, "security-lead"), ErrorCode::kDenied,
              "user 'security-lead' may not close break-glass event 0123456789abcdef of alice: "
              "not the invoker and not a closer in break-glass rule 'office-hours'");
  // With no rule for the profile any more, the invoker still may.
  const Event on_dev = EventOf("alice", "dev");
  EXPECT_TRUE(CheckMayClose(ThePolicy(), on_dev, "alice").has_value());
  ExpectError(CheckMayClose(ThePolicy(), on_dev, "security-lead"), ErrorCode::kDenied,
              "user 'security-lead' may not close break-glass event 0123456789abcdef of alice: "
              "no breakglass rule matches profile 'dev', so only the invoker may");
}

TEST(BreakGlassRulesTest, TimeConditionsDescribeThemselves) {
  policy::TimeCondition night;
  night.hours = policy::HourWindow{22 * 60, 6 * 60};
  EXPECT_EQ(DescribeTimeCondition(night), "every day 22:00-06:00 (UTC)");
  policy::TimeCondition weekend;
  weekend.days.bits = 0;
  weekend.days.Add(std::chrono::Saturday);
  weekend.days.Add(std::chrono::Sunday);
  weekend.timezone = "Europe/Berlin";
  EXPECT_EQ(DescribeTimeCondition(weekend), "[saturday, sunday] (Europe/Berlin)");
}

}  // namespace
}  // namespace sentinel
