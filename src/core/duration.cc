#include "core/duration.h"

#include <cstdint>
#include <string>

namespace sentinel {
namespace {

constexpr std::int64_t kMaxSeconds = 10LL * 366 * 24 * 3600;

std::int64_t UnitSeconds(char unit) {
  switch (unit) {
    case 'h':
      return 3600;
    case 'm':
      return 60;
    case 's':
      return 1;
    default:
      return 0;
  }
}

}  // namespace

namespace {

Result<std::chrono::seconds> ParseDurationText(std::string_view text, bool allow_zero) {
  auto malformed = [&](std::string_view why) {
    return Fail(ErrorCode::kInvalidInput,
                "invalid duration '" + std::string(text) + "': " + std::string(why),
                "write durations like 90s, 15m, 2h or 1h30m");
  };
  if (text.empty()) {
    return malformed("empty");
  }

  std::int64_t total = 0;
  std::int64_t previous_unit = 0;  // seconds of the last unit seen; units must shrink
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (number > kMaxSeconds) {
        return malformed("too long");
      }
      number = number * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0) {
      return malformed("expected a number");
    }
    if (i == text.size()) {
      return malformed("missing unit (h, m or s)");
    }
    const std::int64_t unit = UnitSeconds(text[i]);
    if (unit == 0) {
      return malformed("unknown unit '" + std::string(1, text[i]) + "'");
    }
    if (previous_unit != 0 && unit >= previous_unit) {
      return malformed("units must appear once each, in the order h, m, s");
    }
    previous_unit = unit;
    ++i;
    total += number * unit;
    if (total > kMaxSeconds) {
      return malformed("too long");
    }
  }
  if (total == 0 && !allow_zero) {
    return malformed("must be greater than zero");
  }
  return std::chrono::seconds(total);
}

}  // namespace

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  return ParseDurationText(text, /*allow_zero=*/false);
}

Result<std::chrono::seconds> ParseDurationOrZero(std::string_view text) {
  return ParseDurationText(text, /*allow_zero=*/true);
}

std::string FormatDuration(std::chrono::seconds duration) {
  std::int64_t seconds = duration.count();
  if (seconds <= 0) {
    return "0s";
  }
  std::string out;
  if (seconds >= 3600) {
    out += std::to_string(seconds / 3600) + "h";
    seconds %= 3600;
  }
  if (seconds >= 60) {
    out += std::to_string(seconds / 60) + "m";
    seconds %= 60;
  }
  if (seconds > 0) {
    out += std::to_string(seconds) + "s";
  }
  return out;
}

}  // namespace sentinel
