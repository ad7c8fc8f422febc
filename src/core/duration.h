// Durations as people write them in policies and flags: "90s", "15m", "1h30m".
#ifndef SENTINEL_CORE_DURATION_H_
#define SENTINEL_CORE_DURATION_H_

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sentinel {

// Parses a positive duration made of one or more "<digits><unit>" parts with units
// h, m, s in that order, each at most once ("2h", "45m", "1h30m", "90s"). A bare number
// is not accepted: the unit is required so that "60" cannot mean two things.
// Fails with kInvalidInput naming the text when it is malformed, zero or absurdly long
// (over 10 years).
Result<std::chrono::seconds> ParseDuration(std::string_view text);

// As ParseDuration, but zero ("0s", "0m") is accepted: for settings where zero turns a
// feature off (policy_cache_ttl).
Result<std::chrono::seconds> ParseDurationOrZero(std::string_view text);

// Formats a duration in the shortest form ParseDuration accepts: 5400s -> "1h30m".
std::string FormatDuration(std::chrono::seconds duration);

}  // namespace sentinel

#endif  // SENTINEL_CORE_DURATION_H_
