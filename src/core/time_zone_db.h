// The zoneinfo database on disk: finding, reading and caching the TZif files that
// time_zone.h parses. The only file access of the policy code.
#ifndef SENTINEL_CORE_TIME_ZONE_DB_H_
#define SENTINEL_CORE_TIME_ZONE_DB_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time_zone.h"

namespace sentinel {

// The directory zones are read from: $TZDIR when set and not empty, else
// /usr/share/zoneinfo (Debian's tzdata).
std::string TimeZoneDirectory();

// Returns whether `name` may name a zone: 1 to 255 characters of [A-Za-z0-9_+-/], made of
// non-empty '/'-separated parts none of which is "." or "..", so it never leaves the
// zoneinfo directory; and not one of the database's files that are no zone: "posixrules",
// "Factory", or anything under "posix/" or "right/" (copies, the latter counting leap
// seconds, which TimeZone does not support).
bool IsValidTimeZoneName(std::string_view name);

// Reads and parses the zone `name` from `directory`. Fails with kNotFound "no time zone
// 'X'" when the name is not valid or no regular file has it, kUnavailable when the file
// exists but cannot be read, and kInvalidInput "time zone 'X' (<path>): <reason>" when it
// is larger than 1 MiB or not TZif data (TimeZone::FromTzif's errors). Not cached.
[[nodiscard]] Result<TimeZone> ReadTimeZone(const std::string& directory, std::string_view name);

// Like ReadTimeZone from TimeZoneDirectory(), but each zone is read once per process: the
// first successful load of a name is kept until exit and handed out again, so the pointer
// stays valid for the life of the process. Failures are not kept. Thread-safe.
[[nodiscard]] Result<const TimeZone*> LoadTimeZone(std::string_view name);

// Every zone name in `directory` that IsValidTimeZoneName accepts and whose file starts
// like TZif data, sorted. Reads the whole tree: meant for suggestions in error messages and
// for tests, not for each lookup. An unreadable directory gives an empty list.
std::vector<std::string> ListTimeZones(const std::string& directory);

// ListTimeZones(TimeZoneDirectory()), read once per directory per process: zones added
// later are not listed. Thread-safe.
std::vector<std::string> ListTimeZones();

}  // namespace sentinel

#endif  // SENTINEL_CORE_TIME_ZONE_DB_H_
