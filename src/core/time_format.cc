#include "core/time_format.h"

#include <chrono>
#include <cstdio>

namespace sentinel {
namespace {

// Reads exactly `width` digits at `pos`; returns -1 when they are not all digits.
int ReadDigits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) {
    return -1;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return -1;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::string FormatTime(TimePoint time) {
  using namespace std::chrono;
  const auto day = floor<days>(time);
  const year_month_day ymd(day);
  const hh_mm_ss hms(time - day);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buffer;
}

Result<TimePoint> ParseTime(std::string_view text) {
  using namespace std::chrono;
  auto invalid = [&] {
    return Fail(ErrorCode::kInvalidInput, "invalid time '" + std::string(text) +
                                              "': expected RFC 3339 like " +
                                              "2026-12-03T17:04:05Z");
  };
  const int y = ReadDigits(text, 0, 4);
  const int mo = ReadDigits(text, 5, 2);
  const int d = ReadDigits(text, 8, 2);
  const int h = ReadDigits(text, 11, 2);
  const int mi = ReadDigits(text, 14, 2);
  const int s = ReadDigits(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return invalid();
  }
  const year_month_day ymd{year(y), month(unsigned(mo)), day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) {
    return invalid();
  }

  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    if (pos == start) {
      return invalid();
    }
  }
  seconds offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int oh = ReadDigits(text, pos + 1, 2);
    const int om = ReadDigits(text, pos + 4, 2);
    if (oh < 0 || om < 0 || text[pos + 3] != ':' || oh > 23 || om > 59) {
      return invalid();
    }
    offset = hours(oh) + minutes(om);
    if (text[pos] == '-') {
      offset = -offset;
    }
    pos += 6;
  } else {
    return invalid();
  }
  if (pos != text.size()) {
    return invalid();
  }
  return sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) - offset;
}

}  // namespace sentinel
