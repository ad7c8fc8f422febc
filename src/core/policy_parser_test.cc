#include "core/policy_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sentinel::policy {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// SPEC section 3, verbatim.
constexpr const char* kSpecExample = R"(version: "1"
rules:                          # access rules: first match wins, no match means deny
  - name: no-prod-weekends
    effect: deny                # allow | deny | require_approval
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
        hours: {start: "08:00", end: "20:00"}   # [start, end); end < start spans midnight
        timezone: UTC
    max_duration: 2h            # optional cap on the session for this rule
approvals:                      # who may approve requests, and when they approve themselves
  - name: prod-approvers
    profiles: [prod]
    approvers: [carol, dave]
    max_duration: 8h            # longest access a request may ask for (default 8h)
    auto_approve:               # optional; every listed condition must hold
      users: [carol]
      time: {hours: {start: "09:00", end: "17:00"}, timezone: UTC}
      max_duration: 1h
breakglass:                     # who may declare an emergency, for what, for how long
  - name: oncall
    profiles: [prod]
    users: [alice, bob@example.com]
    reason_codes: [incident, security]   # default: all five
    max_duration: 2h            # at most 4h
    closers: [security-lead]    # besides the invoker, who may close an event
rate_limits:                    # brakes on break-glass
  - name: prod-brakes
    profiles: [prod]
    cooldown: 30m               # between two events of one user on one profile
    max_per_user: 3             # events of one user, all profiles, per window
    max_per_profile: 10         # events on one profile, all users, per window
    window: 24h
    escalate_at: 2              # notify security once a user reaches this many
)";

// A minimal valid policy; tests append to it.
constexpr const char* kHead = "version: \"1\"\nrules:\n";

std::string Describe(const ParseOutcome& outcome) {
  std::string out;
  for (const PolicyError& error : outcome.errors) {
    out += error.ToString() + "\n";
  }
  return out;
}

TEST(PolicyParserTest, SpecExampleParsesWithEveryValue) {
  ParseOutcome outcome = ParsePolicyDocument(kSpecExample);
  ASSERT_TRUE(outcome.policy.has_value()) << Describe(outcome);
  EXPECT_TRUE(outcome.errors.empty());
  const Policy& p = *outcome.policy;
  EXPECT_EQ(p.version, "1");
  ASSERT_EQ(p.rules.size(), 3u);

  const AccessRule& weekends = p.rules[0];
  EXPECT_EQ(weekends.name, "no-prod-weekends");
  EXPECT_EQ(weekends.line, 3);
  EXPECT_EQ(weekends.effect, Effect::kDeny);
  EXPECT_EQ(weekends.conditions.profiles, (std::vector<std::string>{"prod"}));
  EXPECT_FALSE(weekends.conditions.users.has_value());
  ASSERT_TRUE(weekends.conditions.time.has_value());
  EXPECT_EQ(FormatDays(weekends.conditions.time->days), "[saturday, sunday]");
  EXPECT_FALSE(weekends.conditions.time->hours.has_value());
  EXPECT_EQ(weekends.conditions.time->timezone, "Europe/Berlin");
  ASSERT_NE(weekends.conditions.time->zone, nullptr);
  EXPECT_EQ(weekends.conditions.time->zone->name(), "Europe/Berlin");
  EXPECT_EQ(weekends.reason, "prod is frozen at weekends");
  EXPECT_FALSE(weekends.max_duration.has_value());

  const AccessRule& approval = p.rules[1];
  EXPECT_EQ(approval.name, "prod-needs-approval");
  EXPECT_EQ(approval.line, 9);
  EXPECT_EQ(approval.effect, Effect::kRequireApproval);
  EXPECT_FALSE(approval.conditions.time.has_value());
  EXPECT_EQ(approval.reason, "");

  const AccessRule& developers = p.rules[2];
  EXPECT_EQ(developers.line, 12);
  EXPECT_EQ(developers.effect, Effect::kAllow);
  EXPECT_EQ(developers.conditions.profiles, (std::vector<std::string>{"dev", "staging"}));
  EXPECT_EQ(developers.conditions.users, (std::vector<std::string>{"alice", "bob@example.com"}));
  ASSERT_TRUE(developers.conditions.time.has_value());
  EXPECT_EQ(FormatDays(developers.conditions.time->days), "[monday..friday]");
  EXPECT_EQ(developers.conditions.time->hours, (HourWindow{8 * 60, 20 * 60}));
  EXPECT_EQ(developers.conditions.time->timezone, "UTC");
  EXPECT_EQ(developers.conditions.time->zone, nullptr);
  EXPECT_EQ(developers.max_duration, hours(2));

  ASSERT_EQ(p.approvals.size(), 1u);
  const ApprovalRule& approvers = p.approvals[0];
  EXPECT_EQ(approvers.name, "prod-approvers");
  EXPECT_EQ(approvers.line, 23);
  EXPECT_EQ(approvers.profiles, (std::vector<std::string>{"prod"}));
  EXPECT_EQ(approvers.approvers, (std::vector<std::string>{"carol", "dave"}));
  EXPECT_EQ(approvers.max_duration, hours(8));
  ASSERT_TRUE(approvers.auto_approve.has_value());
  EXPECT_EQ(approvers.auto_approve->users, (std::vector<std::string>{"carol"}));
  ASSERT_TRUE(approvers.auto_approve->time.has_value());
  EXPECT_TRUE(approvers.auto_approve->time->days.IsAll());
  EXPECT_EQ(approvers.auto_approve->time->hours, (HourWindow{9 * 60, 17 * 60}));
  EXPECT_EQ(approvers.auto_approve->max_duration, hours(1));

  ASSERT_EQ(p.breakglass.size(), 1u);
  const BreakGlassRule& oncall = p.breakglass[0];
  EXPECT_EQ(oncall.name, "oncall");
  EXPECT_EQ(oncall.users, (std::vector<std::string>{"alice", "bob@example.com"}));
  EXPECT_EQ(oncall.reason_codes,
            (std::vector<ReasonCode>{ReasonCode::kIncident, ReasonCode::kSecurity}));
  EXPECT_EQ(oncall.max_duration, hours(2));
  EXPECT_EQ(oncall.closers, (std::vector<std::string>{"security-lead"}));
  EXPECT_FALSE(oncall.time.has_value());

  ASSERT_EQ(p.rate_limits.size(), 1u);
  const RateLimitRule& brakes = p.rate_limits[0];
  EXPECT_EQ(brakes.name, "prod-brakes");
  EXPECT_EQ(brakes.cooldown, minutes(30));
  EXPECT_EQ(brakes.max_per_user, 3);
  EXPECT_EQ(brakes.max_per_profile, 10);
  EXPECT_EQ(brakes.window, hours(24));
  EXPECT_EQ(brakes.escalate_at, 2);

  EXPECT_EQ(SummarizePolicy(p), "3 rules, 1 approvals rule, 1 breakglass rule, 1 rate limit");
}

TEST(PolicyParserTest, DefaultsOfOptionalKeys) {
  ParseOutcome outcome = ParsePolicyDocument(R"(version: 1
rules:
  - name: all
    effect: allow
    conditions: {}
approvals:
  - name: a
    approvers: [carol]
breakglass:
  - name: b
    users: [alice]
    time: {hours: {start: "22:00", end: "06:00"}, timezone: America/New_York}
    closers: []
rate_limits:
  - name: r
    cooldown: 10m
)");
  ASSERT_TRUE(outcome.policy.has_value()) << Describe(outcome);
  const Policy& p = *outcome.policy;
  EXPECT_EQ(p.version, "1");  // an unquoted 1 reads the same
  EXPECT_FALSE(p.rules[0].conditions.profiles.has_value());
  EXPECT_FALSE(p.rules[0].conditions.users.has_value());
  EXPECT_FALSE(p.rules[0].conditions.time.has_value());
  EXPECT_FALSE(p.approvals[0].profiles.has_value());
  EXPECT_EQ(p.approvals[0].max_duration, hours(8));
  EXPECT_FALSE(p.approvals[0].auto_approve.has_value());
  EXPECT_EQ(p.breakglass[0].reason_codes.size(), 5u);
  EXPECT_EQ(p.breakglass[0].max_duration, hours(4));
  EXPECT_TRUE(p.breakglass[0].closers.empty());
  ASSERT_TRUE(p.breakglass[0].time.has_value());
  EXPECT_EQ(p.breakglass[0].time->hours, (HourWindow{22 * 60, 6 * 60}));
  EXPECT_FALSE(p.rate_limits[0].window.has_value());
  EXPECT_EQ(SummarizePolicy(p), "1 rule, 1 approvals rule, 1 breakglass rule, 1 rate limit");
}

TEST(PolicyParserTest, EmptySectionsAndSameNamesAcrossSectionsAreFine) {
  ParseOutcome outcome = ParsePolicyDocument(
      "version: \"1\"\nrules: []\napprovals: []\nbreakglass:\n  - name: x\n    users: [a]\n"
      "rate_limits:\n  - name: x\n    cooldown: 1m\n");
  ASSERT_TRUE(outcome.policy.has_value()) << Describe(outcome);
  EXPECT_EQ(SummarizePolicy(*outcome.policy),
            "0 rules, 0 approvals rules, 1 breakglass rule, 1 rate limit");
}

struct ErrorCase {
  const char* label;
  std::string yaml;
  PolicyErrorKind kind;
  int line;
  int column;
  std::string message;
};

// A rule named "r" with the given extra lines (each indented for the rule's keys).
std::string Rule(const std::string& lines) { return std::string(kHead) + "  - name: r\n" + lines; }

// A rule named "r" whose conditions are the given flow mapping.
std::string WithConditions(const std::string& flow) {
  return Rule("    effect: allow\n    conditions: " + flow + "\n");
}

const std::vector<ErrorCase>& ErrorCases() {
  static const std::vector<ErrorCase> cases = {
      // Unknown and duplicate keys.
      {"unknown top-level key with suggestion", std::string(kHead) + "  []\nrulez: []\n",
       PolicyErrorKind::kUnknownKey, 4, 1,
       "unknown key 'rulez' in the policy (did you mean 'rules'?)"},
      {"misspelled required key", Rule("    effect: allow\n    conditon: {}\n"),
       PolicyErrorKind::kUnknownKey, 5, 5,
       "unknown key 'conditon' in rule 'r' (did you mean 'conditions'?)"},
      {"unknown rule key without suggestion",
       Rule("    effect: allow\n    conditions: {}\n    colour: red\n"),
       PolicyErrorKind::kUnknownKey, 6, 5,
       "unknown key 'colour' in rule 'r' (known keys: name, effect, conditions, reason, "
       "max_duration)"},
      {"unknown key before the name still names the rule",
       std::string(kHead) + "  - efect: allow\n    name: r\n    effect: allow\n"
                            "    conditions: {}\n",
       PolicyErrorKind::kUnknownKey, 3, 5,
       "unknown key 'efect' in rule 'r' (did you mean 'effect'?)"},
      {"unknown condition", WithConditions("{profile: [dev]}"), PolicyErrorKind::kUnknownKey, 5, 18,
       "unknown key 'profile' in rule 'r' (did you mean 'profiles'?)"},
      {"unknown time key", WithConditions("{time: {day: [monday]}}"), PolicyErrorKind::kUnknownKey,
       5, 25, "unknown key 'day' in rule 'r' (did you mean 'days'?)"},
      {"unknown hours key",
       WithConditions("{time: {hours: {start: \"08:00\", end: \"09:00\", stop: \"10:00\"}}}"),
       PolicyErrorKind::kUnknownKey, 5, 63,
       "unknown key 'stop' in rule 'r' (known keys: start, end)"},
      {"duplicate key", Rule("    effect: allow\n    conditions: {}\n    effect: deny\n"),
       PolicyErrorKind::kDuplicateKey, 6, 5,
       "duplicate key 'effect' in rule 'r' (first at line 4)"},
      {"non-string key", Rule("    effect: allow\n    conditions: {}\n    [a]: b\n"),
       PolicyErrorKind::kWrongType, 6, 5, "expected a string key in rule 'r', got a list"},

      // Missing keys.
      {"missing version", "rules: []\n", PolicyErrorKind::kMissingKey, 1, 1,
       "missing required key 'version' in the policy"},
      {"missing rules", "version: \"1\"\n", PolicyErrorKind::kMissingKey, 1, 1,
       "missing required key 'rules' in the policy"},
      {"missing name", std::string(kHead) + "  - effect: allow\n    conditions: {}\n",
       PolicyErrorKind::kMissingKey, 3, 5, "missing required key 'name' in rules[0]"},
      {"missing effect", Rule("    conditions: {}\n"), PolicyErrorKind::kMissingKey, 3, 5,
       "missing required key 'effect' in rule 'r'"},
      {"missing conditions", Rule("    effect: allow\n"), PolicyErrorKind::kMissingKey, 3, 5,
       "missing required key 'conditions' in rule 'r'"},
      {"missing hours end", WithConditions("{time: {hours: {start: \"08:00\"}}}"),
       PolicyErrorKind::kMissingKey, 5, 32, "missing required key 'end' in 'hours' of rule 'r'"},
      {"time without days or hours", WithConditions("{time: {timezone: UTC}}"),
       PolicyErrorKind::kMissingKey, 5, 18, "'time' in rule 'r' needs 'days' or 'hours'"},
      {"approvals rule without approvers",
       std::string(kHead) + "  []\napprovals:\n  - name: a\n    profiles: [prod]\n",
       PolicyErrorKind::kMissingKey, 5, 5,
       "missing required key 'approvers' in approvals rule 'a'"},
      {"empty auto_approve",
       std::string(kHead) +
           "  []\napprovals:\n  - name: a\n    approvers: [carol]\n    auto_approve: {}\n",
       PolicyErrorKind::kMissingKey, 7, 5,
       "'auto_approve' in approvals rule 'a' needs at least one of 'users', 'time' or "
       "'max_duration'"},
      {"breakglass rule without users",
       std::string(kHead) + "  []\nbreakglass:\n  - name: b\n    profiles: [prod]\n",
       PolicyErrorKind::kMissingKey, 5, 5, "missing required key 'users' in breakglass rule 'b'"},
      {"rate limit that limits nothing",
       std::string(kHead) + "  []\nrate_limits:\n  - name: r\n    profiles: [prod]\n",
       PolicyErrorKind::kMissingKey, 5, 5,
       "rate limit 'r' limits nothing: give 'cooldown', 'max_per_user', 'max_per_profile' or "
       "'escalate_at'"},
      {"count without window",
       std::string(kHead) + "  []\nrate_limits:\n  - name: r\n    max_per_user: 3\n",
       PolicyErrorKind::kMissingKey, 5, 5,
       "missing required key 'window' in rate limit 'r' (the counts 'max_per_user', "
       "'max_per_profile' and 'escalate_at' are per window)"},

      // Wrong types.
      {"top level is a list", "- version: 1\n", PolicyErrorKind::kWrongType, 1, 1,
       "expected a mapping with 'version' and 'rules' at the top of the policy, got a list"},
      {"version is a list", "version: [1]\nrules: []\n", PolicyErrorKind::kWrongType, 1, 10,
       "expected a string for 'version' in the policy, got a list"},
      {"rules is a mapping", "version: \"1\"\nrules: {a: b}\n", PolicyErrorKind::kWrongType, 2, 8,
       "expected a list of rules for 'rules' in the policy, got a mapping"},
      {"rules is empty", "version: \"1\"\nrules:\n", PolicyErrorKind::kWrongType, 2, 1,
       "expected a list of rules for 'rules' in the policy, got null"},
      {"rule is a string", std::string(kHead) + "  - developers\n", PolicyErrorKind::kWrongType, 3,
       5, "expected a mapping for rules[0], got a string"},
      {"name is a list",
       std::string(kHead) + "  - name: [a]\n    effect: allow\n"
                            "    conditions: {}\n",
       PolicyErrorKind::kWrongType, 3, 11, "expected a string for 'name' in rules[0], got a list"},
      {"effect is a list", Rule("    effect: [allow]\n    conditions: {}\n"),
       PolicyErrorKind::kWrongType, 4, 13,
       "expected a string for 'effect' in rule 'r', got a list"},
      {"conditions is null", Rule("    effect: allow\n    conditions:\n"),
       PolicyErrorKind::kWrongType, 5, 5,
       "expected a mapping ({} matches everything) for 'conditions' in rule 'r', got null"},
      {"profiles is a string", WithConditions("{profiles: prod}"), PolicyErrorKind::kWrongType, 5,
       28, "expected a list for 'profiles' in rule 'r', got a string"},
      {"users is a mapping", WithConditions("{users: {a: b}}"), PolicyErrorKind::kWrongType, 5, 25,
       "expected a list for 'users' in rule 'r', got a mapping"},
      {"element is a list", WithConditions("{users: [alice, [bob]]}"), PolicyErrorKind::kWrongType,
       5, 33, "expected a string for each element of 'users' in rule 'r', got a list"},
      {"time is a list", WithConditions("{time: [monday]}"), PolicyErrorKind::kWrongType, 5, 24,
       "expected a mapping for 'time' in rule 'r', got a list"},
      {"days is a string", WithConditions("{time: {days: monday}}"), PolicyErrorKind::kWrongType, 5,
       31, "expected a list for 'days' in rule 'r', got a string"},
      {"hours is a string", WithConditions("{time: {hours: \"08:00-20:00\"}}"),
       PolicyErrorKind::kWrongType, 5, 32,
       "expected a mapping with 'start' and 'end' for 'hours' in rule 'r', got a string"},
      {"start is a list", WithConditions("{time: {hours: {start: [8], end: \"09:00\"}}}"),
       PolicyErrorKind::kWrongType, 5, 40,
       "expected an hour (HH:MM) for 'start' in rule 'r', got a list"},
      {"max_duration is a mapping",
       Rule("    effect: allow\n    conditions: {}\n    max_duration: {h: 2}\n"),
       PolicyErrorKind::kWrongType, 6, 19,
       "expected a duration for 'max_duration' in rule 'r', got a mapping"},
      {"approvals is a mapping", std::string(kHead) + "  []\napprovals: {a: b}\n",
       PolicyErrorKind::kWrongType, 4, 12,
       "expected a list of rules for 'approvals' in the policy, got a mapping"},
      {"count is a list",
       std::string(kHead) + "  []\nrate_limits:\n  - name: r\n    cooldown: 1m\n"
                            "    max_per_user: [3]\n    window: 1h\n",
       PolicyErrorKind::kWrongType, 7, 19,
       "expected a positive integer for 'max_per_user' in rate limit 'r', got a list"},

      // Invalid values.
      {"version 2", "version: \"2\"\nrules: []\n", PolicyErrorKind::kInvalidValue, 1, 10,
       "unsupported version '2' (this sentinel reads version \"1\")"},
      {"effect with suggestion", Rule("    effect: alow\n    conditions: {}\n"),
       PolicyErrorKind::kInvalidValue, 4, 13,
       "invalid effect 'alow' in rule 'r' (did you mean 'allow'?)"},
      {"effect without suggestion", Rule("    effect: permit\n    conditions: {}\n"),
       PolicyErrorKind::kInvalidValue, 4, 13,
       "invalid effect 'permit' in rule 'r' (want allow, deny or require_approval)"},
      {"effect in upper case", Rule("    effect: ALLOW\n    conditions: {}\n"),
       PolicyErrorKind::kInvalidValue, 4, 13,
       "invalid effect 'ALLOW' in rule 'r' (want allow, deny or require_approval)"},
      {"weekday typo", WithConditions("{time: {days: [monday, munday]}}"),
       PolicyErrorKind::kInvalidValue, 5, 40,
       "invalid weekday 'munday' in rule 'r' (did you mean 'monday'?)"},
      {"weekday capitalised", WithConditions("{time: {days: [Friday]}}"),
       PolicyErrorKind::kInvalidValue, 5, 32,
       "invalid weekday 'Friday' in rule 'r' (did you mean 'friday'?)"},
      {"weekday nonsense", WithConditions("{time: {days: [weekend]}}"),
       PolicyErrorKind::kInvalidValue, 5, 32,
       "invalid weekday 'weekend' in rule 'r' (want monday, tuesday, ... sunday, in lower case)"},
      {"empty days", WithConditions("{time: {days: []}}"), PolicyErrorKind::kInvalidValue, 5, 31,
       "empty list for 'days' in rule 'r' (omit 'days' to mean every day)"},
      {"hour without leading zero",
       WithConditions("{time: {hours: {start: 8:00, end: \"09:00\"}}}"),
       PolicyErrorKind::kInvalidValue, 5, 40,
       "invalid hour '8:00' for 'start' in rule 'r' (want HH:MM, 00:00 to 23:59)"},
      {"hour 24:00", WithConditions("{time: {hours: {start: \"08:00\", end: \"24:00\"}}}"),
       PolicyErrorKind::kInvalidValue, 5, 54,
       "invalid hour '24:00' for 'end' in rule 'r' (want HH:MM, 00:00 to 23:59)"},
      {"minute 60", WithConditions("{time: {hours: {start: \"08:60\", end: \"09:00\"}}}"),
       PolicyErrorKind::kInvalidValue, 5, 40,
       "invalid hour '08:60' for 'start' in rule 'r' (want HH:MM, 00:00 to 23:59)"},
      {"hour with seconds",
       WithConditions("{time: {hours: {start: \"08:00:00\", end: \"09:00\"}}}"),
       PolicyErrorKind::kInvalidValue, 5, 40,
       "invalid hour '08:00:00' for 'start' in rule 'r' (want HH:MM, 00:00 to 23:59)"},
      {"equal start and end", WithConditions("{time: {hours: {start: \"10:00\", end: \"10:00\"}}}"),
       PolicyErrorKind::kInvalidValue, 5, 54,
       "'start' and 'end' are both 10:00 in 'hours' of rule 'r' (a window needs two different "
       "times)"},
      {"timezone typo", WithConditions("{time: {days: [monday], timezone: Europe/Berln}}"),
       PolicyErrorKind::kInvalidValue, 5, 51,
       "unknown timezone 'Europe/Berln' in rule 'r' (did you mean 'Europe/Berlin'?)"},
      {"timezone nonsense", WithConditions("{time: {days: [monday], timezone: Moon/Tranquility}}"),
       PolicyErrorKind::kInvalidValue, 5, 51,
       "unknown timezone 'Moon/Tranquility' in rule 'r' (want an IANA name such as UTC or "
       "Europe/Berlin)"},
      {"timezone that is a path",
       WithConditions("{time: {days: [monday], timezone: ../../etc/passwd}}"),
       PolicyErrorKind::kInvalidValue, 5, 51,
       "unknown timezone '../../etc/passwd' in rule 'r' (want an IANA name such as UTC or "
       "Europe/Berlin)"},
      {"duration without unit",
       Rule("    effect: allow\n    conditions: {}\n    max_duration: 90\n"),
       PolicyErrorKind::kInvalidValue, 6, 19,
       "'max_duration' in rule 'r': invalid duration '90': missing unit (h, m or s) (write "
       "durations like 90s, 15m, 2h or 1h30m)"},
      {"zero duration", Rule("    effect: allow\n    conditions: {}\n    max_duration: 0m\n"),
       PolicyErrorKind::kInvalidValue, 6, 19,
       "'max_duration' in rule 'r': invalid duration '0m': must be greater than zero (write "
       "durations like 90s, 15m, 2h or 1h30m)"},
      {"negative duration", Rule("    effect: allow\n    conditions: {}\n    max_duration: -1h\n"),
       PolicyErrorKind::kInvalidValue, 6, 19,
       "'max_duration' in rule 'r': invalid duration '-1h': expected a number (write durations "
       "like 90s, 15m, 2h or 1h30m)"},
      {"empty profiles", WithConditions("{profiles: []}"), PolicyErrorKind::kInvalidValue, 5, 28,
       "empty list for 'profiles' in rule 'r' (omit 'profiles' to match every profile)"},
      {"empty users", WithConditions("{users: []}"), PolicyErrorKind::kInvalidValue, 5, 25,
       "empty list for 'users' in rule 'r' (omit 'users' to match every user)"},
      {"empty name in list", WithConditions("{users: [alice, \"\"]}"),
       PolicyErrorKind::kInvalidValue, 5, 33, "empty name in 'users' in rule 'r'"},
      {"null element in list", WithConditions("{users: [alice, ~]}"), PolicyErrorKind::kWrongType,
       5, 25, "expected a string for each element of 'users' in rule 'r', got null"},
      {"empty rule name",
       std::string(kHead) + "  - name: \"\"\n    effect: allow\n"
                            "    conditions: {}\n",
       PolicyErrorKind::kInvalidValue, 3, 11, "'name' in rules[0] must not be empty"},
      {"empty reason", Rule("    effect: allow\n    conditions: {}\n    reason: ''\n"),
       PolicyErrorKind::kInvalidValue, 6, 13, "'reason' in rule 'r' must not be empty"},
      {"empty approvers", std::string(kHead) + "  []\napprovals:\n  - name: a\n    approvers: []\n",
       PolicyErrorKind::kInvalidValue, 6, 16,
       "empty list for 'approvers' in approvals rule 'a' (an approvals rule needs at least one "
       "approver)"},
      {"unknown reason code",
       std::string(kHead) + "  []\nbreakglass:\n  - name: b\n    users: [a]\n"
                            "    reason_codes: [incident, outage]\n",
       PolicyErrorKind::kInvalidValue, 7, 30,
       "unknown reason code 'outage' in breakglass rule 'b' (want incident, maintenance, "
       "security, recovery or other)"},
      {"reason code typo",
       std::string(kHead) + "  []\nbreakglass:\n  - name: b\n    users: [a]\n"
                            "    reason_codes: [securty]\n",
       PolicyErrorKind::kInvalidValue, 7, 20,
       "unknown reason code 'securty' in breakglass rule 'b' (did you mean 'security'?)"},
      {"empty reason codes",
       std::string(kHead) + "  []\nbreakglass:\n  - name: b\n    users: [a]\n"
                            "    reason_codes: []\n",
       PolicyErrorKind::kInvalidValue, 7, 19,
       "empty list for 'reason_codes' in breakglass rule 'b' (omit 'reason_codes' to allow all "
       "five)"},
      {"breakglass over 4h",
       std::string(kHead) + "  []\nbreakglass:\n  - name: b\n    users: [a]\n"
                            "    max_duration: 4h1s\n",
       PolicyErrorKind::kInvalidValue, 7, 19,
       "max_duration 4h1s in breakglass rule 'b' is over the break-glass limit of 4h"},
      {"zero count",
       std::string(kHead) + "  []\nrate_limits:\n  - name: r\n    max_per_user: 0\n"
                            "    window: 1h\n",
       PolicyErrorKind::kInvalidValue, 6, 19,
       "'max_per_user' in rate limit 'r' must be a whole number from 1 to 1000000, got '0'"},
      {"negative count",
       std::string(kHead) + "  []\nrate_limits:\n  - name: r\n    max_per_profile: -2\n"
                            "    window: 1h\n",
       PolicyErrorKind::kInvalidValue, 6, 22,
       "'max_per_profile' in rate limit 'r' must be a whole number from 1 to 1000000, got '-2'"},
      {"fractional count",
       std::string(kHead) + "  []\nrate_limits:\n  - name: r\n    escalate_at: 1.5\n"
                            "    window: 1h\n",
       PolicyErrorKind::kInvalidValue, 6, 18,
       "'escalate_at' in rate limit 'r' must be a whole number from 1 to 1000000, got '1.5'"},
      {"huge count",
       std::string(kHead) +
           "  []\nrate_limits:\n  - name: r\n    escalate_at: 99999999999999999999\n"
           "    window: 1h\n",
       PolicyErrorKind::kInvalidValue, 6, 18,
       "'escalate_at' in rate limit 'r' must be a whole number from 1 to 1000000, got "
       "'99999999999999999999'"},
      {"window that counts nothing",
       std::string(kHead) + "  []\nrate_limits:\n  - name: r\n    cooldown: 5m\n"
                            "    window: 1h\n",
       PolicyErrorKind::kInvalidValue, 7, 5,
       "'window' in rate limit 'r' counts nothing: give 'max_per_user', 'max_per_profile' or "
       "'escalate_at'"},

      // Duplicate names.
      {"duplicate rule name",
       std::string(kHead) + "  - name: dev\n    effect: allow\n    conditions: {}\n"
                            "  - name: dev\n    effect: deny\n    conditions: {}\n",
       PolicyErrorKind::kDuplicateName, 6, 11,
       "duplicate rule name 'dev' in 'rules' (first at line 3)"},
      {"duplicate approvals rule name",
       std::string(kHead) + "  []\napprovals:\n  - name: a\n    approvers: [x]\n"
                            "  - name: a\n    approvers: [y]\n",
       PolicyErrorKind::kDuplicateName, 7, 11,
       "duplicate rule name 'a' in 'approvals' (first at line 5)"},

      // Not one YAML document.
      {"syntax error", "version: \"1\"\nrules: [\n", PolicyErrorKind::kSyntax, 3, 1,
       "YAML syntax error: end of sequence flow not found"},
      {"bad indentation", "version: \"1\"\nrules:\n  - name: a\n   effect: allow\n",
       PolicyErrorKind::kSyntax, 4, 4, "YAML syntax error: end of sequence not found"},
      {"two documents", "version: \"1\"\nrules: []\n---\nversion: \"1\"\nrules: []\n",
       PolicyErrorKind::kSyntax, 3, 1, "more than one YAML document (a policy is exactly one)"},
      {"two documents, both started", "---\nversion: \"1\"\nrules: []\n---\nrules: []\n",
       PolicyErrorKind::kSyntax, 4, 1, "more than one YAML document (a policy is exactly one)"},
      {"a document after an ended one", "version: \"1\"\nrules: []\n...\nrules: []\n",
       PolicyErrorKind::kSyntax, 4, 1, "more than one YAML document (a policy is exactly one)"},
      // yaml-cpp's LoadAll never returns on these; the parser must.
      {"stray comma", ",", PolicyErrorKind::kSyntax, 1, 1,
       "the policy is empty (want a mapping with 'version' and 'rules')"},
      {"stray comma and tag", ",!", PolicyErrorKind::kSyntax, 1, 1,
       "the policy is empty (want a mapping with 'version' and 'rules')"},
      {"stray comma after the policy", "version: \"1\"\nrules: []\n,\n", PolicyErrorKind::kSyntax,
       3, 1, "YAML syntax error: end of map not found"},
      {"empty document", "", PolicyErrorKind::kSyntax, 1, 1,
       "the policy is empty (want a mapping with 'version' and 'rules')"},
      {"only a comment", "# nothing here\n", PolicyErrorKind::kSyntax, 1, 1,
       "the policy is empty (want a mapping with 'version' and 'rules')"},
  };
  return cases;
}

TEST(PolicyParserTest, DocumentMarkersAroundTheOnlyDocumentAreFine) {
  for (const char* yaml : {"---\nversion: \"1\"\nrules: []\n", "version: \"1\"\nrules: []\n...\n",
                           "--- # the policy\nversion: \"1\"\nrules: []\n...\n# end\n",
                           "version: \"1\"\nrules: []\n# ---\n"}) {
    ParseOutcome outcome = ParsePolicyDocument(yaml);
    EXPECT_TRUE(outcome.policy.has_value()) << yaml << ": " << Describe(outcome);
  }
}

TEST(PolicyParserTest, EveryErrorNamesKindLineColumnAndWhat) {
  for (const ErrorCase& c : ErrorCases()) {
    SCOPED_TRACE(c.label);
    ParseOutcome outcome = ParsePolicyDocument(c.yaml);
    EXPECT_FALSE(outcome.policy.has_value());
    ASSERT_EQ(outcome.errors.size(), 1u) << Describe(outcome);
    EXPECT_EQ(outcome.error_count, 1u);
    const PolicyError& error = outcome.errors[0];
    EXPECT_EQ(error.kind, c.kind) << error.ToString();
    EXPECT_EQ(error.message, c.message);
    EXPECT_EQ(error.line, c.line) << error.ToString();
    EXPECT_EQ(error.column, c.column) << error.ToString();
  }
}

TEST(PolicyParserTest, ParsePolicyReportsTheFirstErrorWithSourceAndPosition) {
  auto bad = ParsePolicy(Rule("    effect: allow\n    conditon: {}\n"), "file:/p.yaml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(bad.error().message(),
            "file:/p.yaml: line 5, column 5: unknown key 'conditon' in rule 'r' (did you mean "
            "'conditions'?)");
  EXPECT_NE(bad.error().hint().find("sentinel policy validate"), std::string::npos);

  auto worse = ParsePolicy("version: \"2\"\nrules: {}\nextra: 1\n", "ssm:/p");
  ASSERT_FALSE(worse.has_value());
  EXPECT_EQ(worse.error().message(),
            "ssm:/p: line 1, column 10: unsupported version '2' (this sentinel reads version "
            "\"1\") (and 2 more errors)");

  auto good = ParsePolicy(kSpecExample, "file:/p.yaml");
  ASSERT_TRUE(good.has_value()) << good.error().message();
  EXPECT_EQ(good->rules.size(), 3u);
}

TEST(PolicyParserTest, CollectsEveryErrorInSourceOrder) {
  const std::string yaml = R"(version: "1"
rules:
  - name: developers
    effect: permit
    conditions:
      profiles: []
      users: prod
      time: {days: [munday], hours: {start: "8:00", end: "20:00"}, timezone: Europe/Berln}
    max_duration: 2x
  - name: developers
    effect: allow
    conditions: {}
breakglass:
  - name: b
    users: [a]
    max_duration: 5h
rate_limits:
  - name: r
    max_per_user: 0
)";
  ParseOutcome outcome = ParsePolicyDocument(yaml);
  EXPECT_FALSE(outcome.policy.has_value());
  std::vector<std::string> got;
  for (const PolicyError& error : outcome.errors) {
    got.push_back(error.ToString());
  }
  const std::vector<std::string> want = {
      "line 4, column 13: invalid effect 'permit' in rule 'developers' (want allow, deny or "
      "require_approval)",
      "line 6, column 17: empty list for 'profiles' in rule 'developers' (omit 'profiles' to "
      "match every profile)",
      "line 7, column 14: expected a list for 'users' in rule 'developers', got a string",
      "line 8, column 21: invalid weekday 'munday' in rule 'developers' (did you mean "
      "'monday'?)",
      "line 8, column 45: invalid hour '8:00' for 'start' in rule 'developers' (want HH:MM, "
      "00:00 to 23:59)",
      "line 8, column 78: unknown timezone 'Europe/Berln' in rule 'developers' (did you mean "
      "'Europe/Berlin'?)",
      "line 9, column 19: 'max_duration' in rule 'developers': invalid duration '2x': unknown "
      "unit 'x' (write durations like 90s, 15m, 2h or 1h30m)",
      "line 10, column 11: duplicate rule name 'developers' in 'rules' (first at line 3)",
      "line 16, column 19: max_duration 5h in breakglass rule 'b' is over the break-glass limit "
      "of 4h",
      "line 18, column 5: missing required key 'window' in rate limit 'r' (the counts "
      "'max_per_user', 'max_per_profile' and 'escalate_at' are per window)",
      "line 19, column 19: 'max_per_user' in rate limit 'r' must be a whole number from 1 to "
      "1000000, got '0'",
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(outcome.error_count, want.size());
}

TEST(PolicyParserTest, CapsTheListOfErrors) {
  std::string yaml = kHead;
  for (int i = 0; i < 300; ++i) {
    yaml += "  - name: r" + std::to_string(i) +
            "\n    effect: allow\n    conditions: {}\n"
            "    bogus: 1\n";
  }
  ParseOutcome outcome = ParsePolicyDocument(yaml);
  EXPECT_FALSE(outcome.policy.has_value());
  ASSERT_EQ(outcome.errors.size(), kMaxPolicyErrors);
  EXPECT_EQ(outcome.error_count, 300u);
  EXPECT_EQ(outcome.errors.front().line, 6);
  EXPECT_EQ(outcome.errors.back().line, 6 + 99 * 4);  // the first hundred, in order

  auto first = ParsePolicy(yaml, "p.yaml");
  ASSERT_FALSE(first.has_value());
  EXPECT_NE(first.error().message().find("(and 299 more errors)"), std::string::npos)
      << first.error().message();
}

// Every outcome is either a policy and no errors, or errors with usable positions.
void ExpectWellFormed(const ParseOutcome& outcome, const std::string& input) {
  if (outcome.policy.has_value()) {
    EXPECT_TRUE(outcome.errors.empty()) << input;
    return;
  }
  ASSERT_FALSE(outcome.errors.empty()) << input;
  for (const PolicyError& error : outcome.errors) {
    EXPECT_GE(error.line, 1) << input;
    EXPECT_GE(error.column, 1) << input;
    EXPECT_FALSE(error.message.empty()) << input;
  }
}

TEST(PolicyParserTest, EveryPrefixOfTheExampleParsesOrFails) {
  const std::string full = kSpecExample;
  std::size_t parsed = 0;
  for (std::size_t n = 0; n <= full.size(); ++n) {
    const std::string prefix = full.substr(0, n);
    ParseOutcome outcome = ParsePolicyDocument(prefix);
    ExpectWellFormed(outcome, prefix);
    parsed += outcome.policy.has_value() ? 1 : 0;
  }
  // Cut points at the end of a complete rule yield valid, shorter policies.
  EXPECT_GT(parsed, 0u);
  EXPECT_TRUE(ParsePolicyDocument(full).policy.has_value());
}

TEST(PolicyParserTest, CorruptedBytesNeverCrash) {
  // A fixed seed keeps failures reproducible. Bytes are overwritten with characters YAML
  // gives meaning to, or with junk; the fuzz target explores further.
  const std::string full = kSpecExample;
  const char replacements[] = {'\0', ':', '[', ']', '{', '}', '\t', '"',  '\'', '\xff',
                               '-',  '&', '*', '!', '|', '>', '#',  '\n', ' ',  ','};
  std::mt19937 random(20261203);
  std::uniform_int_distribution<std::size_t> position(0, full.size() - 1);
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(replacements) - 1);
  for (int round = 0; round < 1500; ++round) {
    std::string corrupt = full;
    corrupt[position(random)] = replacements[pick(random)];
    if (round % 3 == 0) {
      corrupt[position(random)] = replacements[pick(random)];
    }
    ExpectWellFormed(ParsePolicyDocument(corrupt), corrupt);
  }
}

TEST(PolicyParserTest, HostileInputsFailCleanly) {
  const std::vector<std::string> inputs = {
      std::string(5000, '['),
      std::string(5000, '{'),
      "version: \"1\"\nrules: &a [*a]\n",
      "a: &x [1]\nversion: *x\nrules: *x\n",
      std::string("\0\0\0\0", 4),
      "\xef\xbb\xbfversion: \"1\"\nrules: []\n",  // a byte order mark is fine
      "version: \"1\"\nrules:\n  - name: " + std::string(100000, 'x') +
          "\n    effect: alow\n    conditions: {}\n",
      "version: \"1\"\nrules: []\n" + std::string(200, ' ') + "\t:",
      "version: !!binary aGVsbG8=\nrules: []\n",
      "? [version]\n: 1\nrules: []\n",
      "version: \"1\"\nrules:\n  - <<: {name: a}\n    effect: allow\n    conditions: {}\n",
  };
  for (const std::string& input : inputs) {
    ExpectWellFormed(ParsePolicyDocument(input), input.substr(0, 80));
  }
  EXPECT_TRUE(ParsePolicyDocument(inputs[5]).policy.has_value());
}

}  // namespace
}  // namespace sentinel::policy
