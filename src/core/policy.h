// The policy document (SPEC section 3) as plain values: access rules, approvals,
// break-glass and rate limits. Parsing lives in policy_parser.h, evaluation of the access
// rules in evaluator.h. Everything here is pure: the only outside state it reads is the
// zoneinfo database (time_zone_db.h), when a timezone name is resolved.
#ifndef SENTINEL_CORE_POLICY_H_
#define SENTINEL_CORE_POLICY_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/time_zone.h"

namespace sentinel::policy {

// What an access rule decides.
enum class Effect { kAllow, kDeny, kRequireApproval };

// Returns the policy spelling of `effect`: "allow", "deny" or "require_approval".
std::string_view EffectName(Effect effect);

// Why a break-glass event is declared (SPEC 4.5).
enum class ReasonCode { kIncident, kMaintenance, kSecurity, kRecovery, kOther };

// Every reason code, in the order the SPEC lists them.
inline constexpr ReasonCode kAllReasonCodes[] = {ReasonCode::kIncident, ReasonCode::kMaintenance,
                                                 ReasonCode::kSecurity, ReasonCode::kRecovery,
                                                 ReasonCode::kOther};

// Returns the spelling of `code`: "incident", "maintenance", "security", "recovery", "other".
std::string_view ReasonCodeName(ReasonCode code);

// Parses an exact, lower-case reason code name. Fails with kInvalidInput naming the text
// and listing the valid codes.
Result<ReasonCode> ParseReasonCode(std::string_view text);

// The longest break-glass session any rule may grant (SPEC 4.5).
inline constexpr std::chrono::seconds kMaxBreakGlassDuration = std::chrono::hours(4);

// The default `max_duration` of an approvals rule (SPEC 3).
inline constexpr std::chrono::seconds kDefaultApprovalDuration = std::chrono::hours(8);

// A set of weekdays. Bit N stands for the weekday whose C encoding is N (0 = Sunday).
struct DaySet {
  std::uint8_t bits = 0x7F;  // every day

  // Returns whether `day` is in the set.
  bool Contains(std::chrono::weekday day) const { return ((bits >> day.c_encoding()) & 1U) != 0; }

  // Adds `day` to the set.
  void Add(std::chrono::weekday day) {
    bits = static_cast<std::uint8_t>(bits | (1U << day.c_encoding()));
  }

  // Returns whether every day is in the set.
  bool IsAll() const { return (bits & 0x7F) == 0x7F; }

  friend bool operator==(const DaySet&, const DaySet&) = default;
};

// Returns the lower-case English name of `day`, e.g. "saturday".
std::string_view WeekdayName(std::chrono::weekday day);

// Parses an exact, lower-case weekday name ("monday" .. "sunday").
std::optional<std::chrono::weekday> ParseWeekday(std::string_view text);

// Formats `days` Monday first, runs of three or more days as ranges:
// "[monday..friday]", "[saturday, sunday]", "[monday, wednesday..friday]".
std::string FormatDays(DaySet days);

// A daily window of wall-clock minutes, [start, end). When end < start the window spans
// midnight: 22:00-06:00 holds 22:00..23:59 and 00:00..05:59 of every day. start != end.
struct HourWindow {
  int start_minute = 0;  // 0 .. 1439
  int end_minute = 0;    // 0 .. 1439

  // Returns whether `minute_of_day` (0 .. 1439) lies inside the window.
  bool Contains(int minute_of_day) const {
    if (start_minute < end_minute) {
      return minute_of_day >= start_minute && minute_of_day < end_minute;
    }
    return minute_of_day >= start_minute || minute_of_day < end_minute;
  }

  friend bool operator==(const HourWindow&, const HourWindow&) = default;
};

// Formats a minute of the day as "HH:MM".
std::string FormatMinuteOfDay(int minute_of_day);

// Parses "HH:MM" (exactly two digits each, 00:00 .. 23:59) into a minute of the day.
std::optional<int> ParseMinuteOfDay(std::string_view text);

// The wall clock somewhere at one instant: what `days` and `hours` are checked against.
struct LocalClock {
  std::chrono::weekday weekday;
  int minute_of_day = 0;  // 0 .. 1439, seconds dropped
};

// Reads the wall clock of `zone` at `at`; a null `zone` means UTC. Uses the zone's UTC
// offset in force at that instant, so DST days need no special care: local times the
// clocks skip never occur, and local times that occur twice are seen twice. After the
// last transition its zoneinfo file lists, the file's POSIX rule applies, so DST keeps
// its dates in 2040 too. Never fails.
LocalClock ToLocalClock(const TimeZone* zone, TimePoint at);

// Finds an IANA time zone by exact name and loads its data (once per process, see
// LoadTimeZone), so that later lookups cannot fail. Returns nullptr for "UTC" (UTC needs
// no database). Fails with kInvalidInput "unknown timezone 'X'" when the database does not
// have the zone, or with kInvalidInput and the reason when its file cannot be read or
// parsed. The zone lives until the process exits.
Result<const TimeZone*> LocateTimeZone(std::string_view name);

// A `time` condition. The weekday of `days` is the local weekday of the instant itself:
// with days [friday] and hours 22:00-06:00, Friday 00:00-05:59 and Friday 22:00-23:59
// match, Saturday 00:00-05:59 does not.
struct TimeCondition {
  DaySet days;                      // absent in the document: every day
  std::optional<HourWindow> hours;  // absent: the whole day
  std::string timezone = "UTC";     // IANA name as written, for messages
  const TimeZone* zone = nullptr;   // `timezone` resolved; nullptr means UTC

  // Returns whether the wall clock of `zone` at `at` lies within `days` and `hours`.
  // Requires `zone` to match `timezone` (as the parser guarantees); a condition whose
  // zone was never resolved (null zone, timezone other than "UTC") never holds.
  bool HoldsAt(TimePoint at) const;
};

// A list condition: absent (std::nullopt) matches every value, otherwise any element
// matches. Matching is exact and case-sensitive.
using NameList = std::optional<std::vector<std::string>>;

// Returns whether `value` is matched by `list` under the rule above.
bool ListMatches(const NameList& list, std::string_view value);

// Returns whether `value` is one of `names` (exact, case-sensitive).
bool Contains(const std::vector<std::string>& names, std::string_view value);

// The conditions of an access rule, ANDed. All absent is the explicit catch-all.
struct Conditions {
  NameList profiles;
  NameList users;
  std::optional<TimeCondition> time;
};

// One entry of `rules`.
struct AccessRule {
  std::string name;
  Effect effect = Effect::kDeny;
  Conditions conditions;
  std::string reason;                                // empty when the document has none
  std::optional<std::chrono::seconds> max_duration;  // cap on sessions this rule allows
  int line = 0;                                      // 1-based line of the rule in the source
};

// `auto_approve` of an approvals rule: every condition present must hold.
struct AutoApprove {
  NameList users;
  std::optional<TimeCondition> time;
  std::optional<std::chrono::seconds> max_duration;  // longest request approved by itself
};

// One entry of `approvals`: who may approve requests for which profiles.
struct ApprovalRule {
  std::string name;
  NameList profiles;                   // absent: every profile
  std::vector<std::string> approvers;  // never empty
  std::chrono::seconds max_duration = kDefaultApprovalDuration;
  std::optional<AutoApprove> auto_approve;
  int line = 0;
};

// One entry of `breakglass`: who may declare an emergency on which profiles, and why.
struct BreakGlassRule {
  std::string name;
  NameList profiles;               // absent: every profile
  std::vector<std::string> users;  // never empty
  std::vector<ReasonCode> reason_codes{std::begin(kAllReasonCodes), std::end(kAllReasonCodes)};
  std::optional<TimeCondition> time;  // when declaring is allowed; absent: always
  std::chrono::seconds max_duration = kMaxBreakGlassDuration;  // at most 4h
  std::vector<std::string> closers;                            // besides the invoker; may be empty
  int line = 0;

  // Returns whether `code` is one of `reason_codes`.
  bool AllowsReasonCode(ReasonCode code) const;
};

// One entry of `rate_limits`: brakes on break-glass. At least one limit is present, and
// `window` is present whenever a per-window count is.
struct RateLimitRule {
  std::string name;
  NameList profiles;                             // absent: every profile
  std::optional<std::chrono::seconds> cooldown;  // between two events of a user on a profile
  std::optional<int> max_per_user;               // events of one user, all profiles, per window
  std::optional<int> max_per_profile;            // events on one profile, all users, per window
  std::optional<std::chrono::seconds> window;
  std::optional<int> escalate_at;  // notify security once a user reaches this many per window
  int line = 0;
};

// A whole policy document. Rules keep the order of the document: first match wins.
struct Policy {
  std::string version;
  std::vector<AccessRule> rules;
  std::vector<ApprovalRule> approvals;
  std::vector<BreakGlassRule> breakglass;
  std::vector<RateLimitRule> rate_limits;

  // Each returns the first rule of its section whose `profiles` match `profile`, or
  // nullptr when none does (SPEC 3: then nobody may approve, nobody may declare
  // break-glass, or break-glass is not rate limited there). The pointer lives as long
  // as this Policy and is invalidated by changes to it.
  const ApprovalRule* FindApprovalRule(std::string_view profile) const;
  const BreakGlassRule* FindBreakGlassRule(std::string_view profile) const;
  const RateLimitRule* FindRateLimitRule(std::string_view profile) const;
};

// One line for `sentinel policy validate`, e.g.
// "3 rules, 1 approvals rule, 1 breakglass rule, 1 rate limit".
std::string SummarizePolicy(const Policy& policy);

}  // namespace sentinel::policy

#endif  // SENTINEL_CORE_POLICY_H_
