#include "core/evaluator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/policy_parser.h"
#include "core/time_format.h"
#include "core/time_zone_db.h"

namespace sentinel::policy {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TimePoint At(std::string_view rfc3339) {
  auto parsed = ParseTime(rfc3339);
  EXPECT_TRUE(parsed.has_value()) << rfc3339;
  return parsed.value_or(TimePoint{});
}

CompiledPolicy CompileOrEmpty(Policy policy) {
  auto compiled = CompiledPolicy::Compile(std::move(policy));
  EXPECT_TRUE(compiled.has_value()) << compiled.error().message();
  return compiled ? std::move(*compiled) : std::move(*CompiledPolicy::Compile(Policy{}));
}

CompiledPolicy CompileYaml(std::string_view yaml) {
  auto parsed = ParsePolicy(yaml, "test");
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
  return CompileOrEmpty(parsed ? std::move(*parsed) : Policy{});
}

// The access rules of the SPEC section 3 example.
constexpr const char* kSpecRules = R"(version: "1"
rules:
  - name: no-prod-weekends
    effect: deny
    conditions:
      profiles: [prod]
      time: {days: [saturday, sunday], timezone: Europe/Berlin}
    reason: prod is frozen at weekends
  - name: prod-needs-approval
    effect: require_approval
    conditions: {profiles: [prod]}
  - name: developers
    effect: allow
    conditions:
      profiles: [dev, staging]
      users: [alice, bob@example.com]
      time:
        days: [monday, tuesday, wednesday, thursday, friday]
        hours: {start: "08:00", end: "20:00"}
        timezone: UTC
    max_duration: 2h
)";

struct Case {
  const char* user;
  const char* profile;
  const char* at;
  Effect effect;
  int rule_index;
};

void ExpectDecisions(const CompiledPolicy& policy, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.user) + " " + c.profile + " " + c.at);
    const Decision decision = Evaluate(policy, c.user, c.profile, At(c.at));
    EXPECT_EQ(decision.effect(), c.effect) << decision.reason();
    EXPECT_EQ(decision.rule_index(), c.rule_index) << decision.reason();
    EXPECT_EQ(decision.matched(), c.rule_index >= 0);
    // Explain must reach the same decision by the plain reading of the rules.
    const Explanation explanation = Explain(policy, c.user, c.profile, At(c.at));
    EXPECT_EQ(explanation.decision.rule_index(), c.rule_index);
    EXPECT_EQ(explanation.misses.size(), c.rule_index >= 0 ? static_cast<std::size_t>(c.rule_index)
                                                           : policy.policy().rules.size());
  }
}

// 2026-03-25 is a Wednesday, 2026-03-28 a Saturday.
TEST(EvaluatorTest, SpecExampleMatrix) {
  const CompiledPolicy policy = CompileYaml(kSpecRules);
  ExpectDecisions(policy,
                  {
                      {"alice", "dev", "2026-03-25T10:00:00Z", Effect::kAllow, 2},
                      {"bob@example.com", "staging", "2026-03-25T12:00:00Z", Effect::kAllow, 2},
                      // The window is [08:00, 20:00): start inclusive, end exclusive.
                      {"alice", "dev", "2026-03-25T07:59:59Z", Effect::kDeny, -1},
                      {"alice", "dev", "2026-03-25T08:00:00Z", Effect::kAllow, 2},
                      {"alice", "dev", "2026-03-25T19:59:59Z", Effect::kAllow, 2},
                      {"alice", "dev", "2026-03-25T20:00:00Z", Effect::kDeny, -1},
                      {"alice", "dev", "2026-03-28T12:00:00Z", Effect::kDeny, -1},
                      // Exact, case-sensitive matching; absent users list matches everyone.
                      {"Bob@example.com", "staging", "2026-03-25T12:00:00Z", Effect::kDeny, -1},
                      {"alice", "Dev", "2026-03-25T12:00:00Z", Effect::kDeny, -1},
                      {"eve", "dev", "2026-03-25T12:00:00Z", Effect::kDeny, -1},
                      {"eve", "prod", "2026-03-25T12:00:00Z", Effect::kRequireApproval, 1},
                      // First match wins: the weekend deny comes before the approval rule.
                      {"alice", "prod", "2026-03-28T12:00:00Z", Effect::kDeny, 0},
                      // Weekends are Berlin weekends: Friday 23:30 UTC is Saturday 00:30 in Berlin,
                      // Sunday 22:30 UTC (after the DST change) is Monday 00:30.
                      {"alice", "prod", "2026-03-27T22:59:59Z", Effect::kRequireApproval, 1},
                      {"alice", "prod", "2026-03-27T23:00:00Z", Effect::kDeny, 0},
                      {"alice", "prod", "2026-03-29T21:59:59Z", Effect::kDeny, 0},
                      {"alice", "prod", "2026-03-29T22:00:00Z", Effect::kRequireApproval, 1},
                      {"alice", "unknown-profile", "2026-03-25T12:00:00Z", Effect::kDeny, -1},
                      {"", "", "2026-03-25T12:00:00Z", Effect::kDeny, -1},
                  });
}

TEST(EvaluatorTest, DecisionCarriesNameReasonAndCap) {
  const CompiledPolicy policy = CompileYaml(kSpecRules);
  const Decision allowed = Evaluate(policy, "alice", "dev", At("2026-03-25T10:00:00Z"));
  EXPECT_EQ(allowed.rule_name(), "developers");
  EXPECT_EQ(allowed.reason(), "rule 'developers' allows");
  EXPECT_EQ(allowed.max_duration(), hours(2));

  const Decision frozen = Evaluate(policy, "alice", "prod", At("2026-03-28T10:00:00Z"));
  EXPECT_EQ(frozen.rule_name(), "no-prod-weekends");
  EXPECT_EQ(frozen.reason(), "prod is frozen at weekends");
  EXPECT_FALSE(frozen.max_duration().has_value());

  const Decision approval = Evaluate(policy, "alice", "prod", At("2026-03-25T10:00:00Z"));
  EXPECT_EQ(approval.reason(), "rule 'prod-needs-approval' requires approval");

  const Decision none = Evaluate(policy, "eve", "sandbox", At("2026-03-25T10:00:00Z"));
  EXPECT_EQ(none.effect(), Effect::kDeny);
  EXPECT_EQ(none.rule_index(), -1);
  EXPECT_EQ(none.rule_name(), "");
  EXPECT_EQ(none.reason(), "no rule matched profile 'sandbox' for user 'eve'");
  EXPECT_FALSE(none.max_duration().has_value());

  // A copied decision keeps its reason (the no-match text is owned by the decision).
  const Decision copy = none;
  EXPECT_EQ(copy.reason(), "no rule matched profile 'sandbox' for user 'eve'");
}

TEST(EvaluatorTest, GeneratedDenyReasonAndEmptyPolicy) {
  const CompiledPolicy policy = CompileYaml(
      "version: \"1\"\nrules:\n  - name: no-eve\n    effect: deny\n"
      "    conditions: {users: [eve]}\n");
  EXPECT_EQ(Evaluate(policy, "eve", "x", At("2026-03-25T10:00:00Z")).reason(),
            "rule 'no-eve' denies");

  const CompiledPolicy empty = CompileYaml("version: \"1\"\nrules: []\n");
  const Decision decision = Evaluate(empty, "alice", "dev", At("2026-03-25T10:00:00Z"));
  EXPECT_EQ(decision.effect(), Effect::kDeny);
  EXPECT_EQ(decision.rule_index(), -1);
}

constexpr const char* kShiftRules = R"(version: "1"
rules:
  - name: night-shift
    effect: allow
    conditions:
      users: [nina]
      time: {days: [friday], hours: {start: "22:00", end: "06:00"}}
  - name: new-york-office
    effect: allow
    conditions:
      users: [nate]
      time: {hours: {start: "09:00", end: "17:00"}, timezone: America/New_York}
  - name: kolkata-office
    effect: allow
    conditions:
      users: [kiran]
      time: {days: [monday], hours: {start: "09:30", end: "18:00"}, timezone: Asia/Kolkata}
  - name: everyone-else
    effect: require_approval
    conditions: {}
)";

TEST(EvaluatorTest, WindowsAcrossMidnightAndTimezones) {
  const CompiledPolicy policy = CompileYaml(kShiftRules);
  ExpectDecisions(policy,
                  {
                      // 22:00-06:00 on days [friday]: the weekday is that of the instant itself, so
                      // Friday 00:00-05:59 and Friday 22:00-23:59 match, Saturday morning does not.
                      {"nina", "any", "2026-03-27T00:00:00Z", Effect::kAllow, 0},
                      {"nina", "any", "2026-03-27T05:59:59Z", Effect::kAllow, 0},
                      {"nina", "any", "2026-03-27T06:00:00Z", Effect::kRequireApproval, 3},
                      {"nina", "any", "2026-03-27T21:59:59Z", Effect::kRequireApproval, 3},
                      {"nina", "any", "2026-03-27T22:00:00Z", Effect::kAllow, 0},
                      {"nina", "any", "2026-03-27T23:59:59Z", Effect::kAllow, 0},
                      {"nina", "any", "2026-03-28T03:00:00Z", Effect::kRequireApproval, 3},
                      {"nina", "any", "2026-03-26T23:00:00Z", Effect::kRequireApproval, 3},
                      // New York: 09:00 is 13:00 UTC in summer (EDT) and 14:00 UTC in winter (EST).
                      {"nate", "any", "2026-07-01T12:59:59Z", Effect::kRequireApproval, 3},
                      {"nate", "any", "2026-07-01T13:00:00Z", Effect::kAllow, 1},
                      {"nate", "any", "2026-07-01T20:59:59Z", Effect::kAllow, 1},
                      {"nate", "any", "2026-07-01T21:00:00Z", Effect::kRequireApproval, 3},
                      {"nate", "any", "2026-01-07T13:59:59Z", Effect::kRequireApproval, 3},
                      {"nate", "any", "2026-01-07T14:00:00Z", Effect::kAllow, 1},
                      // The day the clocks spring forward (2026-03-08): already EDT by 09:00.
                      {"nate", "any", "2026-03-08T12:59:59Z", Effect::kRequireApproval, 3},
                      {"nate", "any", "2026-03-08T13:00:00Z", Effect::kAllow, 1},
                      // The day they fall back (2026-11-01): EST again by 09:00.
                      {"nate", "any", "2026-11-01T13:59:59Z", Effect::kRequireApproval, 3},
                      {"nate", "any", "2026-11-01T14:00:00Z", Effect::kAllow, 1},
                      // Kolkata is UTC+05:30: Monday 09:30 there is Monday 04:00 UTC, and Sunday
                      // 20:00 UTC is already Monday 01:30 there (outside the window).
                      {"kiran", "any", "2026-03-30T03:59:59Z", Effect::kRequireApproval, 3},
                      {"kiran", "any", "2026-03-30T04:00:00Z", Effect::kAllow, 2},
                      {"kiran", "any", "2026-03-30T12:29:59Z", Effect::kAllow, 2},
                      {"kiran", "any", "2026-03-30T12:30:00Z", Effect::kRequireApproval, 3},
                      {"kiran", "any", "2026-03-29T20:00:00Z", Effect::kRequireApproval, 3},
                  });
}

// Counts the minutes of `hours` hours from `from` at which `user` is allowed.
int AllowedMinutes(const CompiledPolicy& policy, std::string_view user, std::string_view from,
                   int span_hours) {
  int allowed = 0;
  for (int m = 0; m < span_hours * 60; ++m) {
    const TimePoint at = At(from) + minutes(m);
    allowed += Evaluate(policy, user, "p", at).effect() == Effect::kAllow ? 1 : 0;
  }
  return allowed;
}

TEST(EvaluatorTest, DstDaysInBerlinAndNewYork) {
  const CompiledPolicy policy = CompileYaml(R"(version: "1"
rules:
  - name: berlin-small-hours
    effect: allow
    conditions:
      users: [b]
      time: {hours: {start: "02:00", end: "03:00"}, timezone: Europe/Berlin}
  - name: berlin-sunday-morning
    effect: allow
    conditions:
      users: [s]
      time: {days: [sunday], hours: {start: "00:00", end: "12:00"}, timezone: Europe/Berlin}
  - name: new-york-night
    effect: allow
    conditions:
      users: [n]
      time: {days: [sunday], hours: {start: "01:00", end: "03:00"}, timezone: America/New_York}
)");
  // 02:00-03:00 does not exist in Berlin on 2026-03-29 and happens twice on 2026-10-25.
  EXPECT_EQ(AllowedMinutes(policy, "b", "2026-03-28T12:00:00Z", 24), 0);
  EXPECT_EQ(AllowedMinutes(policy, "b", "2026-03-21T12:00:00Z", 24), 60);
  EXPECT_EQ(AllowedMinutes(policy, "b", "2026-10-24T12:00:00Z", 24), 120);
  // A wall-clock half day on those Sundays lasts 11 and 13 real hours.
  EXPECT_EQ(AllowedMinutes(policy, "s", "2026-03-28T12:00:00Z", 48), 11 * 60);
  EXPECT_EQ(AllowedMinutes(policy, "s", "2026-10-24T12:00:00Z", 48), 13 * 60);
  // New York: 02:00-03:00 skipped on 2026-03-08; 01:00-02:00 repeated on 2026-11-01.
  EXPECT_EQ(AllowedMinutes(policy, "n", "2026-03-07T12:00:00Z", 48), 60);
  EXPECT_EQ(AllowedMinutes(policy, "n", "2026-10-31T12:00:00Z", 48), 180);
  EXPECT_EQ(AllowedMinutes(policy, "n", "2026-03-14T12:00:00Z", 48), 120);
}

TEST(EvaluatorTest, ExplainSaysWhyEachEarlierRuleMissed) {
  const CompiledPolicy policy = CompileYaml(kSpecRules);

  const Explanation weekend = Explain(policy, "alice", "dev", At("2026-03-28T14:05:00Z"));
  EXPECT_FALSE(weekend.decision.matched());
  EXPECT_EQ(weekend.decision.reason(), "no rule matched profile 'dev' for user 'alice'");
  ASSERT_EQ(weekend.misses.size(), 3u);
  EXPECT_EQ(weekend.misses[0].rule_index, 0);
  EXPECT_EQ(weekend.misses[0].rule_name, "no-prod-weekends");
  EXPECT_EQ(weekend.misses[0].reasons, (std::vector<std::string>{"profile 'dev' not in [prod]"}));
  EXPECT_EQ(weekend.misses[1].reasons, (std::vector<std::string>{"profile 'dev' not in [prod]"}));
  EXPECT_EQ(weekend.misses[2].rule_name, "developers");
  EXPECT_EQ(weekend.misses[2].reasons,
            (std::vector<std::string>{"saturday not in days [monday..friday] (UTC)"}));

  const Explanation late = Explain(policy, "eve", "staging", At("2026-03-25T20:30:00Z"));
  ASSERT_EQ(late.misses.size(), 3u);
  EXPECT_EQ(late.misses[2].reasons,
            (std::vector<std::string>{"user 'eve' not in [alice, bob@example.com]",
                                      "20:30 outside 08:00-20:00 (UTC)"}));

  const Explanation weekday = Explain(policy, "alice", "prod", At("2026-03-25T14:05:00Z"));
  EXPECT_EQ(weekday.decision.effect(), Effect::kRequireApproval);
  EXPECT_EQ(weekday.decision.rule_name(), "prod-needs-approval");
  ASSERT_EQ(weekday.misses.size(), 1u);
  EXPECT_EQ(weekday.misses[0].reasons,
            (std::vector<std::string>{"wednesday not in days [saturday, sunday] (Europe/Berlin)"}));

  const Explanation first = Explain(policy, "alice", "prod", At("2026-03-28T14:05:00Z"));
  EXPECT_EQ(first.decision.rule_index(), 0);
  EXPECT_TRUE(first.misses.empty());
}

TEST(EvaluatorTest, CompileResolvesZonesOfHandMadePolicies) {
  Policy policy;
  AccessRule rule;
  rule.name = "saturday-in-berlin";
  rule.effect = Effect::kAllow;
  TimeCondition time;
  time.days.bits = 0;
  time.days.Add(std::chrono::Saturday);
  time.timezone = "Europe/Berlin";  // zone left null, as a hand-made policy might
  rule.conditions.time = time;
  policy.rules.push_back(rule);

  const CompiledPolicy compiled = CompileOrEmpty(policy);
  EXPECT_EQ(Evaluate(compiled, "u", "p", At("2026-03-27T23:30:00Z")).effect(), Effect::kAllow);
  EXPECT_EQ(Explain(compiled, "u", "p", At("2026-03-27T23:30:00Z")).decision.rule_index(), 0);

  policy.rules[0].conditions.time->timezone = "Nowhere/Land";
  auto broken = CompiledPolicy::Compile(policy);
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(broken.error().message(),
            "compiling policy rule 'saturday-in-berlin': unknown timezone 'Nowhere/Land'");
}

// Random policies exercise the bitset index across word boundaries, many zones and
// wrapping windows; the one-by-one reading of the rules (Explain) is the reference.
class RandomPolicy {
 public:
  // Names are drawn from pools of this size; queries also use two names outside them.
  static constexpr int kProfiles = 8;
  static constexpr int kUsers = 24;

  explicit RandomPolicy(std::uint32_t seed) : random_(seed) {}

  Policy Make(std::size_t rule_count, const std::vector<std::string>& zones) {
    Policy policy;
    policy.version = "1";
    for (std::size_t i = 0; i < rule_count; ++i) {
      AccessRule rule;
      rule.name = "r" + std::to_string(i);
      rule.effect = static_cast<Effect>(Uniform(0, 2));
      rule.conditions.profiles = Names("p", kProfiles);
      rule.conditions.users = Names("u", kUsers);
      if (Uniform(0, 9) < 9) {
        rule.conditions.time = Time(zones);
      }
      if (Uniform(0, 1) == 0) {
        rule.max_duration = minutes(Uniform(1, 600));
      }
      policy.rules.push_back(std::move(rule));
    }
    return policy;
  }

  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

 private:
  NameList Names(const std::string& prefix, int pool) {
    if (Uniform(0, 9) == 0) {
      return std::nullopt;
    }
    std::vector<std::string> names;
    const int count = Uniform(1, 3);
    for (int k = 0; k < count; ++k) {
      names.push_back(prefix + std::to_string(Uniform(0, pool - 1)));
    }
    return names;
  }

  TimeCondition Time(const std::vector<std::string>& zones) {
    TimeCondition time;
    if (Uniform(0, 2) > 0) {
      time.days.bits = static_cast<std::uint8_t>(Uniform(1, 0x7F));
    }
    if (Uniform(0, 3) > 0) {
      const int start = Uniform(0, 1439);
      int end = Uniform(0, 1439);
      if (end == start) {
        end = (start + 1) % 1440;
      }
      time.hours = HourWindow{start, end};
    }
    time.timezone = zones[static_cast<std::size_t>(Uniform(0, static_cast<int>(zones.size()) - 1))];
    time.zone = LocateTimeZone(time.timezone).value_or(nullptr);
    return time;
  }

  std::mt19937 random_;
};

// What a cross-check saw, so tests can require that it reached deep into the rules.
struct CrossCheckStats {
  int unmatched = 0;
  int deepest = -1;  // highest matched rule index
};

CrossCheckStats CrossCheck(const CompiledPolicy& policy, RandomPolicy& random, int queries) {
  const TimePoint year_start = At("2026-01-01T00:00:00Z");
  CrossCheckStats stats;
  for (int q = 0; q < queries; ++q) {
    const std::string user = "u" + std::to_string(random.Uniform(0, RandomPolicy::kUsers + 1));
    const std::string profile =
        "p" + std::to_string(random.Uniform(0, RandomPolicy::kProfiles + 1));
    const TimePoint at = year_start + minutes(random.Uniform(0, 365 * 24 * 60));
    const Decision fast = Evaluate(policy, user, profile, at);
    const Decision slow = Explain(policy, user, profile, at).decision;
    EXPECT_EQ(fast.rule_index(), slow.rule_index())
        << user << " " << profile << " " << FormatTime(at);
    EXPECT_EQ(fast.effect(), slow.effect());
    EXPECT_EQ(fast.rule_name(), slow.rule_name());
    EXPECT_EQ(fast.reason(), slow.reason());
    EXPECT_EQ(fast.max_duration(), slow.max_duration());
    stats.unmatched += fast.matched() ? 0 : 1;
    stats.deepest = std::max(stats.deepest, fast.rule_index());
  }
  return stats;
}

TEST(EvaluatorTest, IndexAgreesWithRuleByRuleReading) {
  const std::vector<std::string> zones = {"UTC", "Europe/Berlin", "America/New_York",
                                          "Asia/Kolkata", "Australia/Lord_Howe"};
  RandomPolicy random(7);
  int unmatched = 0;
  int deepest = -1;
  for (std::size_t rule_count : {1u, 63u, 64u, 65u, 130u, 400u}) {
    SCOPED_TRACE(rule_count);
    const CompiledPolicy policy = CompileOrEmpty(random.Make(rule_count, zones));
    const CrossCheckStats stats = CrossCheck(policy, random, 400);
    unmatched += stats.unmatched;
    deepest = std::max(deepest, stats.deepest);
  }
  // Both outcomes occurred, and matches were found past the first 64-rule word.
  EXPECT_GT(unmatched, 0);
  EXPECT_GT(deepest, 128);
}

TEST(EvaluatorTest, IndexAgreesWithMoreZonesThanItCaches) {
  std::vector<std::string> zones;
  for (const std::string& zone : ListTimeZones()) {
    if (zones.size() < 90 && LocateTimeZone(zone).has_value()) {
      zones.push_back(zone);
    }
  }
  ASSERT_EQ(zones.size(), 90u);
  RandomPolicy random(11);
  const CompiledPolicy policy = CompileOrEmpty(random.Make(300, zones));
  const CrossCheckStats stats = CrossCheck(policy, random, 600);
  EXPECT_GT(stats.deepest, 128);
}

TEST(EvaluatorTest, ConcurrentEvaluationAgrees) {
  const CompiledPolicy policy = CompileYaml(kShiftRules);
  std::vector<std::thread> threads;
  std::vector<int> allowed(4, 0);
  for (std::size_t t = 0; t < allowed.size(); ++t) {
    threads.emplace_back(
        [&, t] { allowed[t] = AllowedMinutes(policy, "nate", "2026-11-01T00:00:00Z", 24); });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (int count : allowed) {
    EXPECT_EQ(count, 8 * 60);
  }
}

}  // namespace
}  // namespace sentinel::policy
