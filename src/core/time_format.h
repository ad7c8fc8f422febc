// RFC 3339 times in the one form sentinel writes: "2026-12-03T17:04:05Z".
#ifndef SENTINEL_CORE_TIME_FORMAT_H_
#define SENTINEL_CORE_TIME_FORMAT_H_

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"

namespace sentinel {

// Formats `time` as fixed-width UTC "YYYY-MM-DDTHH:MM:SSZ". Strings in this form sort
// in time order.
std::string FormatTime(TimePoint time);

// Parses an RFC 3339 time: "2026-12-03T17:04:05Z", with optional fractional seconds
// (dropped) and a "Z" or "+HH:MM"/"-HH:MM" offset. Fails with kInvalidInput otherwise.
Result<TimePoint> ParseTime(std::string_view text);

}  // namespace sentinel

#endif  // SENTINEL_CORE_TIME_FORMAT_H_
