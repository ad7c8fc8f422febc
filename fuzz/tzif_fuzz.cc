// Feeds fuzzed bytes to the TZif parser, and to the POSIX TZ string parser alone. Parsing
// must never crash; a failure must be kInvalidInput with a message naming the format; a
// parsed zone must answer for any instant with an offset within RFC 8536's bounds.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>

#include "core/time_zone.h"

namespace {

using sentinel::ErrorCode;
using sentinel::LocalTimeType;
using sentinel::TimePoint;

void Check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void CheckType(const LocalTimeType& type) {
  Check(type.utc_offset >= -89999 && type.utc_offset <= 93599);
}

template <typename Zone>
void Ask(const Zone& zone, std::int64_t t) {
  CheckType(zone.TypeAt(TimePoint(std::chrono::seconds(t))));
}

// Instants worth asking about anywhere: the extremes, 1900, 1970, 2038, 2100, 2^40.
template <typename Zone>
void Probe(const Zone& zone) {
  for (std::int64_t t :
       {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1} << 40, std::int64_t{-2208988800},
        std::int64_t{0}, std::int64_t{2147483648}, std::int64_t{4102444800}, std::int64_t{1} << 40,
        std::numeric_limits<std::int64_t>::max()}) {
    Ask(zone, t);
  }
}

}  // namespace

// Input layout: a selector byte (odd: the rest is a TZ string; even: TZif data).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if ((data[0] & 1) != 0) {
    auto zone = sentinel::ParsePosixTimeZone(rest);
    if (!zone) {
      Check(zone.error().code() == ErrorCode::kInvalidInput);
      Check(zone.error().message().starts_with("TZ string '"));
      return 0;
    }
    Probe(*zone);
    // Instants taken from the input itself reach the rule's edges.
    std::int64_t extra[4] = {};
    std::memcpy(extra, rest.data(), std::min(sizeof(extra), rest.size()));
    for (std::int64_t t : extra) {
      Ask(*zone, t);
    }
    return 0;
  }
  auto zone = sentinel::TimeZone::FromTzif("Fuzz/Zone", rest);
  if (!zone) {
    Check(zone.error().code() == ErrorCode::kInvalidInput);
    Check(zone.error().message().starts_with("TZif data: "));
    return 0;
  }
  Probe(*zone);
  for (std::int64_t t : zone->transitions()) {
    Ask(*zone, t);
    if (t > std::numeric_limits<std::int64_t>::min()) {
      Ask(*zone, t - 1);
    }
  }
  return 0;
}
