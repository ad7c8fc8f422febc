#include "core/policy.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace sentinel::policy {
namespace {

using std::chrono::Friday;
using std::chrono::Monday;
using std::chrono::Saturday;
using std::chrono::Sunday;

TimePoint At(std::string_view rfc3339) {
  auto parsed = ParseTime(rfc3339);
  EXPECT_TRUE(parsed.has_value()) << rfc3339;
  return parsed.value_or(TimePoint{});
}

const TimeZone* Zone(std::string_view name) {
  auto zone = LocateTimeZone(name);
  EXPECT_TRUE(zone.has_value()) << name;
  return zone.value_or(nullptr);
}

TEST(PolicyModelTest, WeekdayNamesRoundTrip) {
  for (unsigned i = 0; i < 7; ++i) {
    const std::chrono::weekday day(i);
    EXPECT_EQ(ParseWeekday(WeekdayName(day)), day);
  }
  EXPECT_EQ(WeekdayName(Saturday), "saturday");
  EXPECT_FALSE(ParseWeekday("Monday").has_value());
  EXPECT_FALSE(ParseWeekday("mon").has_value());
  EXPECT_FALSE(ParseWeekday("").has_value());
}

TEST(PolicyModelTest, FormatDaysGroupsRunsMondayFirst) {
  const struct {
    std::vector<std::chrono::weekday> days;
    const char* want;
  } cases[] = {
      {{Monday, std::chrono::Tuesday, std::chrono::Wednesday, std::chrono::Thursday, Friday},
       "[monday..friday]"},
      {{Saturday, Sunday}, "[saturday, sunday]"},
      {{Sunday, Monday}, "[monday, sunday]"},
      {{Monday, std::chrono::Wednesday, std::chrono::Thursday, Friday},
       "[monday, wednesday..friday]"},
      {{Friday}, "[friday]"},
      {{}, "[]"},
  };
  for (const auto& c : cases) {
    DaySet days;
    days.bits = 0;
    for (auto day : c.days) {
      days.Add(day);
    }
    EXPECT_EQ(FormatDays(days), c.want);
  }
  EXPECT_EQ(FormatDays(DaySet{}), "[monday..sunday]");
}

TEST(PolicyModelTest, MinuteOfDayParsesOnlyStrictHHMM) {
  EXPECT_EQ(ParseMinuteOfDay("00:00"), 0);
  EXPECT_EQ(ParseMinuteOfDay("08:30"), 510);
  EXPECT_EQ(ParseMinuteOfDay("23:59"), 1439);
  for (const char* bad : {"24:00", "23:60", "8:00", "08:0", "08-00", "0800", "08:00 ", "", "ab:cd",
                          "-1:00", "08:00:00"}) {
    EXPECT_FALSE(ParseMinuteOfDay(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatMinuteOfDay(0), "00:00");
  EXPECT_EQ(FormatMinuteOfDay(1439), "23:59");
  EXPECT_EQ(FormatMinuteOfDay(845), "14:05");
}

TEST(PolicyModelTest, HourWindowIsHalfOpenAndMayWrap) {
  const HourWindow day{8 * 60, 20 * 60};
  EXPECT_FALSE(day.Contains(8 * 60 - 1));
  EXPECT_TRUE(day.Contains(8 * 60));
  EXPECT_TRUE(day.Contains(20 * 60 - 1));
  EXPECT_FALSE(day.Contains(20 * 60));

  const HourWindow night{22 * 60, 6 * 60};
  EXPECT_FALSE(night.Contains(22 * 60 - 1));
  EXPECT_TRUE(night.Contains(22 * 60));
  EXPECT_TRUE(night.Contains(1439));
  EXPECT_TRUE(night.Contains(0));
  EXPECT_TRUE(night.Contains(6 * 60 - 1));
  EXPECT_FALSE(night.Contains(6 * 60));
  EXPECT_FALSE(night.Contains(12 * 60));
}

TEST(PolicyModelTest, LocalClockFollowsDstChanges) {
  const TimeZone* berlin = Zone("Europe/Berlin");
  const TimeZone* new_york = Zone("America/New_York");
  const struct {
    const TimeZone* zone;
    const char* at;
    std::chrono::weekday weekday;
    const char* local;
  } cases[] = {
      {nullptr, "2026-03-29T00:59:59Z", Sunday, "00:59"},
      // Berlin springs forward at 01:00 UTC: 02:00 CET becomes 03:00 CEST.
      {berlin, "2026-03-29T00:59:59Z", Sunday, "01:59"},
      {berlin, "2026-03-29T01:00:00Z", Sunday, "03:00"},
      // ... and falls back at 01:00 UTC in October: 02:30 happens twice.
      {berlin, "2026-10-25T00:30:00Z", Sunday, "02:30"},
      {berlin, "2026-10-25T01:30:00Z", Sunday, "02:30"},
      {berlin, "2026-10-25T02:00:00Z", Sunday, "03:00"},
      // The local day can differ from the UTC day.
      {berlin, "2026-03-28T23:30:00Z", Sunday, "00:30"},
      // New York springs forward at 07:00 UTC, falls back at 06:00 UTC.
      {new_york, "2026-03-08T06:59:00Z", Sunday, "01:59"},
      {new_york, "2026-03-08T07:00:00Z", Sunday, "03:00"},
      {new_york, "2026-11-01T05:30:00Z", Sunday, "01:30"},
      {new_york, "2026-11-01T06:30:00Z", Sunday, "01:30"},
      {new_york, "2026-11-02T03:00:00Z", Sunday, "22:00"},
      {new_york, "2026-07-01T12:00:00Z", std::chrono::Wednesday, "08:00"},
      // Before 1970 the floor division still lands on the right day.
      {nullptr, "1969-12-31T23:59:00Z", std::chrono::Wednesday, "23:59"},
  };
  for (const auto& c : cases) {
    const LocalClock clock = ToLocalClock(c.zone, At(c.at));
    EXPECT_EQ(clock.weekday, c.weekday) << c.at;
    EXPECT_EQ(FormatMinuteOfDay(clock.minute_of_day), c.local) << c.at;
  }
}

TEST(PolicyModelTest, LocateTimeZone) {
  EXPECT_EQ(LocateTimeZone("UTC").value_or(Zone("Europe/Berlin")), nullptr);
  auto berlin = LocateTimeZone("Europe/Berlin");
  ASSERT_TRUE(berlin.has_value());
  EXPECT_EQ((*berlin)->name(), "Europe/Berlin");
  for (const char* bad : {"Europe/Berln", "", "utc", "../../etc/passwd", "Europe/"}) {
    auto zone = LocateTimeZone(bad);
    ASSERT_FALSE(zone.has_value()) << bad;
    EXPECT_EQ(zone.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(zone.error().message(), "unknown timezone '" + std::string(bad) + "'");
  }
}

// Counts the minutes from `from` for `hours` hours at which `time` holds.
int MinutesHeld(const TimeCondition& time, std::string_view from, int hours) {
  int held = 0;
  const TimePoint start = At(from);
  for (int m = 0; m < hours * 60; ++m) {
    held += time.HoldsAt(start + std::chrono::minutes(m)) ? 1 : 0;
  }
  return held;
}

TEST(PolicyModelTest, TimeConditionOnDstDaysCountsWallClockMinutes) {
  TimeCondition sunday_night;
  sunday_night.days.bits = 0;
  sunday_night.days.Add(Sunday);
  sunday_night.hours = HourWindow{60, 4 * 60};  // 01:00-04:00 local

  sunday_night.timezone = "Europe/Berlin";
  sunday_night.zone = Zone("Europe/Berlin");
  EXPECT_EQ(MinutesHeld(sunday_night, "2026-03-21T12:00:00Z", 48), 180);  // an ordinary Sunday
  EXPECT_EQ(MinutesHeld(sunday_night, "2026-03-28T12:00:00Z", 48), 120);  // 02:00-03:00 skipped
  EXPECT_EQ(MinutesHeld(sunday_night, "2026-10-24T12:00:00Z", 48), 240);  // 02:00-03:00 twice

  sunday_night.timezone = "America/New_York";
  sunday_night.zone = Zone("America/New_York");
  EXPECT_EQ(MinutesHeld(sunday_night, "2026-03-07T12:00:00Z", 48), 120);
  EXPECT_EQ(MinutesHeld(sunday_night, "2026-10-31T12:00:00Z", 48), 240);  // 01:00-02:00 twice
}

TEST(PolicyModelTest, UnresolvedTimeConditionNeverHolds) {
  TimeCondition time;
  time.timezone = "Europe/Berlin";  // zone left null: not made by the parser
  EXPECT_FALSE(time.HoldsAt(At("2026-03-25T12:00:00Z")));
  time.timezone = "UTC";
  EXPECT_TRUE(time.HoldsAt(At("2026-03-25T12:00:00Z")));
}

// A rule of any section with a name and, when given, a profile list.
template <typename Rule>
Rule Named(std::string name, NameList profiles = std::nullopt) {
  Rule rule;
  rule.name = std::move(name);
  rule.profiles = std::move(profiles);
  return rule;
}

TEST(PolicyModelTest, SectionLookupsMatchByProfileFirstWins) {
  using Names = std::vector<std::string>;
  Policy policy;
  policy.approvals.push_back(Named<ApprovalRule>("prod-only", Names{"prod"}));
  policy.approvals.push_back(Named<ApprovalRule>("everything"));
  policy.breakglass.push_back(Named<BreakGlassRule>("oncall", Names{"prod", "staging"}));
  policy.rate_limits.push_back(Named<RateLimitRule>("dev", Names{"dev"}));

  EXPECT_EQ(policy.FindApprovalRule("prod")->name, "prod-only");
  EXPECT_EQ(policy.FindApprovalRule("dev")->name, "everything");
  EXPECT_EQ(policy.FindBreakGlassRule("staging")->name, "oncall");
  EXPECT_EQ(policy.FindBreakGlassRule("dev"), nullptr);
  EXPECT_EQ(policy.FindBreakGlassRule("Prod"), nullptr);  // case-sensitive
  EXPECT_EQ(policy.FindRateLimitRule("dev")->name, "dev");
  EXPECT_EQ(policy.FindRateLimitRule("prod"), nullptr);
}

TEST(PolicyModelTest, ReasonCodes) {
  for (ReasonCode code : kAllReasonCodes) {
    EXPECT_EQ(ParseReasonCode(ReasonCodeName(code)), code);
  }
  auto bad = ParseReasonCode("Incident");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(bad.error().message(), "unknown reason code 'Incident'");

  BreakGlassRule rule;
  EXPECT_TRUE(rule.AllowsReasonCode(ReasonCode::kOther));  // all five by default
  rule.reason_codes = {ReasonCode::kSecurity};
  EXPECT_FALSE(rule.AllowsReasonCode(ReasonCode::kOther));
  EXPECT_TRUE(rule.AllowsReasonCode(ReasonCode::kSecurity));
}

TEST(PolicyModelTest, ListMatching) {
  EXPECT_TRUE(ListMatches(std::nullopt, "anyone"));
  const NameList list = std::vector<std::string>{"alice", "bob@example.com"};
  EXPECT_TRUE(ListMatches(list, "bob@example.com"));
  EXPECT_FALSE(ListMatches(list, "Alice"));
  EXPECT_FALSE(ListMatches(list, "alice "));
  EXPECT_FALSE(ListMatches(list, ""));
}

}  // namespace
}  // namespace sentinel::policy
