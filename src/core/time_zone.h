// Time zones from zoneinfo (TZif) data, RFC 8536 versions 2 to 4: the transitions the
// file lists, then the POSIX TZ rule of its footer for every instant after the last one,
// so DST keeps being applied past 2037. Pure: this header parses bytes handed to it;
// reading the zoneinfo directory is time_zone_db.h's job.
#ifndef SENTINEL_CORE_TIME_ZONE_H_
#define SENTINEL_CORE_TIME_ZONE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace sentinel {

// The local time in force somewhere: its offset from UTC, whether it is daylight saving
// time, and its abbreviation ("CEST", "+0530").
struct LocalTimeType {
  std::int32_t utc_offset = 0;  // seconds east of UTC
  bool is_dst = false;
  std::string abbreviation;

  friend bool operator==(const LocalTimeType&, const LocalTimeType&) = default;
};

// When, in a given year, a POSIX TZ rule switches: a date and a local time of day.
struct PosixRuleDate {
  enum class Kind {
    kJulian,        // "Jn": day n of 1..365, February 29 never counted
    kDayOfYear,     // "n": day n of 0..365, February 29 counted in leap years
    kMonthWeekDay,  // "Mm.w.d": weekday d (0 = Sunday) of week w (1..5, 5 = last) of month m
  };
  Kind kind = Kind::kMonthWeekDay;
  int day = 0;      // kJulian, kDayOfYear
  int month = 1;    // kMonthWeekDay: 1..12
  int week = 1;     // kMonthWeekDay: 1..5
  int weekday = 0;  // kMonthWeekDay: 0..6
  // Seconds after local midnight, in the time in force before the switch; -167h..167h,
  // as RFC 8536 allows. POSIX's default is 02:00.
  std::int32_t time = 2 * 3600;

  friend bool operator==(const PosixRuleDate&, const PosixRuleDate&) = default;
};

// A POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3" or "<+0530>-5:30": a standard
// time and, optionally, a daylight saving time with the dates it starts and ends.
struct PosixTimeZone {
  LocalTimeType standard;
  std::optional<LocalTimeType> daylight;  // with it, `start` and `end` apply
  PosixRuleDate start;                    // DST begins, in standard time
  PosixRuleDate end;                      // DST ends, in daylight saving time

  // Returns the local time type in force at `at`. DST holds from `start` to `end`, over
  // the new year when `end` comes first in the year (southern hemisphere), all year when
  // it ends as the next year's starts. Instants more than 30,000 years from 1970 get the
  // standard time. Never fails.
  const LocalTimeType& TypeAt(TimePoint at) const;

  friend bool operator==(const PosixTimeZone&, const PosixTimeZone&) = default;
};

// Parses a POSIX TZ string as TZif footers hold it (RFC 8536 section 3.3, with its
// extensions: hours up to 167 and negative in rule times). A daylight saving time must come
// with its rule. Fails with kInvalidInput naming what is wrong and where, e.g.
// "TZ string 'CET-1CEST,M3.5.0': expected ',' and an end date at offset 16".
[[nodiscard]] Result<PosixTimeZone> ParsePosixTimeZone(std::string_view text);

// One time zone: what local time is in force at any instant. Immutable once made, so it
// may be shared between threads.
class TimeZone {
 public:
  // Parses TZif data (RFC 8536, versions 2, 3 and 4: the 64-bit block and the footer;
  // the 32-bit block is skipped). `name` is kept for messages and name(). Fails with
  // kInvalidInput saying what is wrong, e.g. "TZif data: truncated in the transition times
  // (want 1896 bytes at offset 1243, have 12)", for any byte string that is not such a
  // file: bad magic, version 1 only, counts that contradict one another, transitions out
  // of order, type indexes or abbreviation indexes out of range, offsets beyond
  // [-89999, 93599] seconds, leap-second records (the "right/" zones, not supported), a
  // footer missing, malformed or followed by more bytes.
  [[nodiscard]] static Result<TimeZone> FromTzif(std::string name, std::string_view data);

  // The name given to FromTzif, e.g. "Europe/Berlin".
  const std::string& name() const { return name_; }

  // Returns the local time type in force at `at`: before the first transition the file's
  // first type; from the last transition on the footer's rule when it has one, else the
  // last transition's type. Never fails.
  const LocalTimeType& TypeAt(TimePoint at) const;

  // Returns TypeAt(at).utc_offset as a duration.
  std::chrono::seconds OffsetAt(TimePoint at) const {
    return std::chrono::seconds(TypeAt(at).utc_offset);
  }

  // The transitions listed in the file, ascending, in seconds since 1970 UTC.
  const std::vector<std::int64_t>& transitions() const { return transitions_; }

 private:
  TimeZone() = default;  // FromTzif fills every member

  std::string name_;
  std::vector<std::int64_t> transitions_;
  std::vector<std::uint8_t> transition_types_;  // index into types_, one per transition
  std::vector<LocalTimeType> types_;            // never empty
  std::optional<PosixTimeZone> footer_;         // absent when the footer is empty
};

}  // namespace sentinel

#endif  // SENTINEL_CORE_TIME_ZONE_H_
