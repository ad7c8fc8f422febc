#include "core/policy.h"

#include <algorithm>
#include <array>

#include "core/time_zone_db.h"

namespace sentinel::policy {
namespace {

constexpr std::array<std::string_view, 7> kWeekdayNames = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

constexpr std::int64_t kSecondsPerDay = 86400;

// Returns the first rule of `rules` whose profiles match `profile`.
template <typename Rule>
const Rule* FirstForProfile(const std::vector<Rule>& rules, std::string_view profile) {
  for (const Rule& rule : rules) {
    if (ListMatches(rule.profiles, profile)) {
      return &rule;
    }
  }
  return nullptr;
}

std::string Counted(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

std::string_view EffectName(Effect effect) {
  switch (effect) {
    case Effect::kAllow:
      return "allow";
    case Effect::kDeny:
      return "deny";
    case Effect::kRequireApproval:
      return "require_approval";
  }
  return "deny";
}

std::string_view ReasonCodeName(ReasonCode code) {
  switch (code) {
    case ReasonCode::kIncident:
      return "incident";
    case ReasonCode::kMaintenance:
      return "maintenance";
    case ReasonCode::kSecurity:
      return "security";
    case ReasonCode::kRecovery:
      return "recovery";
    case ReasonCode::kOther:
      return "other";
  }
  return "other";
}

Result<ReasonCode> ParseReasonCode(std::string_view text) {
  for (ReasonCode code : kAllReasonCodes) {
    if (ReasonCodeName(code) == text) {
      return code;
    }
  }
  return Fail(ErrorCode::kInvalidInput, "unknown reason code '" + std::string(text) + "'",
              "reason codes are incident, maintenance, security, recovery and other");
}

std::string_view WeekdayName(std::chrono::weekday day) {
  return kWeekdayNames[day.c_encoding() % 7];
}

std::optional<std::chrono::weekday> ParseWeekday(std::string_view text) {
  for (unsigned i = 0; i < kWeekdayNames.size(); ++i) {
    if (kWeekdayNames[i] == text) {
      return std::chrono::weekday(i);
    }
  }
  return std::nullopt;
}

std::string FormatDays(DaySet days) {
  // Monday first, as people read a week; runs of three or more become "a..b".
  std::array<std::chrono::weekday, 7> week;
  for (unsigned i = 0; i < 7; ++i) {
    week[i] = std::chrono::weekday((i + 1) % 7);
  }
  std::string out = "[";
  std::size_t i = 0;
  while (i < week.size()) {
    if (!days.Contains(week[i])) {
      ++i;
      continue;
    }
    std::size_t run_end = i;
    while (run_end + 1 < week.size() && days.Contains(week[run_end + 1])) {
      ++run_end;
    }
    if (out.size() > 1) {
      out += ", ";
    }
    if (run_end - i >= 2) {
      out += std::string(WeekdayName(week[i])) + ".." + std::string(WeekdayName(week[run_end]));
    } else {
      for (std::size_t j = i; j <= run_end; ++j) {
        out += std::string(j == i ? "" : ", ") + std::string(WeekdayName(week[j]));
      }
    }
    i = run_end + 1;
  }
  return out + "]";
}

std::string FormatMinuteOfDay(int minute_of_day) {
  const int hour = minute_of_day / 60;
  const int minute = minute_of_day % 60;
  std::string out;
  out += static_cast<char>('0' + hour / 10);
  out += static_cast<char>('0' + hour % 10);
  out += ':';
  out += static_cast<char>('0' + minute / 10);
  out += static_cast<char>('0' + minute % 10);
  return out;
}

std::optional<int> ParseMinuteOfDay(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') {
    return std::nullopt;
  }
  for (std::size_t i : {0U, 1U, 3U, 4U}) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
  }
  const int hour = (text[0] - '0') * 10 + (text[1] - '0');
  const int minute = (text[3] - '0') * 10 + (text[4] - '0');
  if (hour > 23 || minute > 59) {
    return std::nullopt;
  }
  return hour * 60 + minute;
}

LocalClock ToLocalClock(const TimeZone* zone, TimePoint at) {
  std::int64_t local = at.time_since_epoch().count();
  if (zone != nullptr) {
    local += zone->OffsetAt(at).count();
  }
  // Floor division, so instants before 1970 land on the right day too.
  std::int64_t day = local / kSecondsPerDay;
  if (local % kSecondsPerDay < 0) {
    --day;
  }
  const std::int64_t second_of_day = local - day * kSecondsPerDay;
  const std::chrono::sys_days local_day{std::chrono::days(day)};
  return LocalClock{std::chrono::weekday(local_day), static_cast<int>(second_of_day / 60)};
}

Result<const TimeZone*> LocateTimeZone(std::string_view name) {
  if (name == "UTC") {
    return nullptr;
  }
  // Reading the file here moves any failure to policy load time, so that evaluation
  // never meets one.
  auto zone = LoadTimeZone(name);
  if (zone) {
    return *zone;
  }
  const std::string hint = "use an IANA name such as UTC, Europe/Berlin or America/New_York";
  if (zone.error().code() == ErrorCode::kNotFound) {
    return Fail(ErrorCode::kInvalidInput, "unknown timezone '" + std::string(name) + "'", hint);
  }
  return Fail(ErrorCode::kInvalidInput, zone.error().message(), hint);
}

bool TimeCondition::HoldsAt(TimePoint at) const {
  if (zone == nullptr && timezone != "UTC") {
    return false;
  }
  const LocalClock clock = ToLocalClock(zone, at);
  if (!days.Contains(clock.weekday)) {
    return false;
  }
  return !hours.has_value() || hours->Contains(clock.minute_of_day);
}

bool Contains(const std::vector<std::string>& names, std::string_view value) {
  return std::find(names.begin(), names.end(), value) != names.end();
}

bool ListMatches(const NameList& list, std::string_view value) {
  return !list.has_value() || Contains(*list, value);
}

bool BreakGlassRule::AllowsReasonCode(ReasonCode code) const {
  return std::find(reason_codes.begin(), reason_codes.end(), code) != reason_codes.end();
}

const ApprovalRule* Policy::FindApprovalRule(std::string_view profile) const {
  return FirstForProfile(approvals, profile);
}

const BreakGlassRule* Policy::FindBreakGlassRule(std::string_view profile) const {
  return FirstForProfile(breakglass, profile);
}

const RateLimitRule* Policy::FindRateLimitRule(std::string_view profile) const {
  return FirstForProfile(rate_limits, profile);
}

std::string SummarizePolicy(const Policy& policy) {
  return Counted(policy.rules.size(), "rule", "rules") + ", " +
         Counted(policy.approvals.size(), "approvals rule", "approvals rules") + ", " +
         Counted(policy.breakglass.size(), "breakglass rule", "breakglass rules") + ", " +
         Counted(policy.rate_limits.size(), "rate limit", "rate limits");
}

}  // namespace sentinel::policy
