#include "core/time_zone.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <limits>
#include <utility>

namespace sentinel {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

// RFC 8536's bounds on a UTC offset: keeps every local time within a day and a bit of UTC.
constexpr std::int32_t kMinUtcOffset = -89999;
constexpr std::int32_t kMaxUtcOffset = 93599;

// ---------------------------------------------------------------------------------------
// POSIX TZ strings

// A recursive-descent reader of one TZ string. Each step consumes what it recognises and
// reports failures with the offset where reading stopped.
class TzStringParser {
 public:
  explicit TzStringParser(std::string_view text) : text_(text) {}

  Result<PosixTimeZone> Parse() {
    PosixTimeZone zone;
    std::int32_t west = 0;
    if (auto ok = Abbreviation(zone.standard.abbreviation); !ok) {
      return std::unexpected(ok.error());
    }
    if (auto ok = Offset(24, west); !ok) {
      return std::unexpected(ok.error());
    }
    zone.standard.utc_offset = -west;
    if (AtEnd()) {
      return zone;
    }
    return ParseDaylight(std::move(zone));
  }

 private:
  Result<PosixTimeZone> ParseDaylight(PosixTimeZone zone) {
    LocalTimeType daylight{
        .utc_offset = zone.standard.utc_offset + 3600, .is_dst = true, .abbreviation = {}};
    if (auto ok = Abbreviation(daylight.abbreviation); !ok) {
      return std::unexpected(ok.error());
    }
    if (!AtEnd() && Peek() != ',') {
      std::int32_t west = 0;
      if (auto ok = Offset(24, west); !ok) {
        return std::unexpected(ok.error());
      }
      daylight.utc_offset = -west;
    }
    if (!Consume(',')) {
      return Failure("expected ',' and the date daylight saving time starts");
    }
    if (auto ok = RuleDate(zone.start); !ok) {
      return std::unexpected(ok.error());
    }
    if (!Consume(',')) {
      return Failure("expected ',' and the date daylight saving time ends");
    }
    if (auto ok = RuleDate(zone.end); !ok) {
      return std::unexpected(ok.error());
    }
    if (!AtEnd()) {
      return Failure("unexpected text after the rule");
    }
    zone.daylight = std::move(daylight);
    return zone;
  }

  // "CET" (three or more letters) or "<+0530>" (three or more of [A-Za-z0-9+-]).
  Status Abbreviation(std::string& out) {
    const bool quoted = Consume('<');
    const std::size_t begin = pos_;
    while (!AtEnd() && IsAbbreviationChar(Peek(), quoted)) {
      ++pos_;
    }
    const std::size_t length = pos_ - begin;
    if (length < 3) {
      return Failure("expected a time zone abbreviation of at least three characters");
    }
    if (quoted && !Consume('>')) {
      return Failure("expected '>' closing the abbreviation");
    }
    out.assign(text_.substr(begin, length));
    return {};
  }

  static bool IsAbbreviationChar(char c, bool quoted) {
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!quoted) {
      return letter;
    }
    return letter || (c >= '0' && c <= '9') || c == '+' || c == '-';
  }

  // "[+-]hh[:mm[:ss]]" with hh at most `max_hours`, as signed seconds.
  Status Offset(int max_hours, std::int32_t& seconds) {
    int sign = 1;
    if (Consume('-')) {
      sign = -1;
    } else {
      (void)Consume('+');
    }
    int hours = 0;
    int minutes = 0;
    int secs = 0;
    if (!Number(3, hours) || hours > max_hours) {
      return Failure("expected hours from 0 to " + std::to_string(max_hours));
    }
    if (Consume(':') && (!Number(2, minutes) || minutes > 59)) {
      return Failure("expected minutes from 00 to 59");
    }
    if (Consume(':') && (!Number(2, secs) || secs > 59)) {
      return Failure("expected seconds from 00 to 59");
    }
    seconds = sign * (hours * 3600 + minutes * 60 + secs);
    return {};
  }

  // "Jn", "n" or "Mm.w.d", then optionally "/time".
  Status RuleDate(PosixRuleDate& date) {
    if (Consume('J')) {
      date.kind = PosixRuleDate::Kind::kJulian;
      if (!Number(3, date.day) || date.day < 1 || date.day > 365) {
        return Failure("expected a Julian day from 1 to 365");
      }
    } else if (Consume('M')) {
      date.kind = PosixRuleDate::Kind::kMonthWeekDay;
      if (!Number(2, date.month) || date.month < 1 || date.month > 12) {
        return Failure("expected a month from 1 to 12");
      }
      if (!Consume('.') || !Number(1, date.week) || date.week < 1 || date.week > 5) {
        return Failure("expected '.' and a week from 1 to 5");
      }
      if (!Consume('.') || !Number(1, date.weekday) || date.weekday > 6) {
        return Failure("expected '.' and a weekday from 0 to 6");
      }
    } else {
      date.kind = PosixRuleDate::Kind::kDayOfYear;
      if (!Number(3, date.day) || date.day > 365) {
        return Failure("expected a date: Jn, n or Mm.w.d");
      }
    }
    if (Consume('/')) {
      return Offset(167, date.time);
    }
    return {};
  }

  // Reads 1 to `max_digits` decimal digits.
  bool Number(int max_digits, int& value) {
    value = 0;
    int digits = 0;
    while (digits < max_digits && !AtEnd() && Peek() >= '0' && Peek() <= '9') {
      value = value * 10 + (Peek() - '0');
      ++pos_;
      ++digits;
    }
    return digits > 0;
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  bool Consume(char c) {
    if (AtEnd() || Peek() != c) {
      return false;
    }
    ++pos_;
    return true;
  }

  std::unexpected<Error> Failure(std::string_view what) const {
    return Fail(ErrorCode::kInvalidInput, "TZ string '" + std::string(text_) +
                                              "': " + std::string(what) + " at offset " +
                                              std::to_string(pos_));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// Days since 1970-01-01 of `date` in `year` (within std::chrono::year's range).
std::int64_t RuleDay(int year, const PosixRuleDate& date) {
  using std::chrono::days;
  using std::chrono::sys_days;
  const std::chrono::year y{year};
  const sys_days january_first{y / std::chrono::January / 1};
  sys_days day = january_first;
  switch (date.kind) {
    case PosixRuleDate::Kind::kJulian:
      // February 29 is never counted, so day 60 is March 1 in every year.
      day += days(date.day - 1 + (y.is_leap() && date.day >= 60 ? 1 : 0));
      break;
    case PosixRuleDate::Kind::kDayOfYear:
      day += days(date.day);
      break;
    case PosixRuleDate::Kind::kMonthWeekDay: {
      const std::chrono::year_month month =
          y / std::chrono::month(static_cast<unsigned>(date.month));
      const std::chrono::weekday weekday(static_cast<unsigned>(date.weekday));
      day = date.week == 5 ? sys_days{month / weekday[std::chrono::last]}
                           : sys_days{month / weekday[static_cast<unsigned>(date.week)]};
      break;
    }
  }
  return day.time_since_epoch().count();
}

// The UTC instant of `date` in `year`, its time of day read in a clock `utc_offset` ahead.
std::int64_t RuleInstant(int year, const PosixRuleDate& date, std::int32_t utc_offset) {
  return RuleDay(year, date) * kSecondsPerDay + date.time - utc_offset;
}

// The proleptic Gregorian year of the day `day` days after 1970-01-01.
int CivilYear(std::int64_t day) {
  const std::chrono::sys_days date{std::chrono::days(day)};
  return static_cast<int>(std::chrono::year_month_day(date).year());
}

std::int64_t FloorDiv(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor < 0) ? quotient - 1 : quotient;
}

// ---------------------------------------------------------------------------------------
// TZif

// The counts of a TZif header (RFC 8536 section 3.1), in file order.
struct TzifHeader {
  char version = 0;
  std::uint32_t isutcnt = 0;
  std::uint32_t isstdcnt = 0;
  std::uint32_t leapcnt = 0;
  std::uint32_t timecnt = 0;
  std::uint32_t typecnt = 0;
  std::uint32_t charcnt = 0;
};

constexpr std::size_t kHeaderBytes = 44;

std::unexpected<Error> Corrupt(std::string what) {
  return Fail(ErrorCode::kInvalidInput, "TZif data: " + what);
}

// Hands out consecutive pieces of the data, failing when one would run past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  Result<std::string_view> Take(std::uint64_t count, std::string_view what) {
    const std::size_t left = data_.size() - offset_;
    if (count > left) {
      return Corrupt("truncated in " + std::string(what) + " (want " + std::to_string(count) +
                     " bytes at offset " + std::to_string(offset_) + ", have " +
                     std::to_string(left) + ")");
    }
    const std::string_view piece = data_.substr(offset_, static_cast<std::size_t>(count));
    offset_ += static_cast<std::size_t>(count);
    return piece;
  }

  std::size_t offset() const { return offset_; }
  std::size_t left() const { return data_.size() - offset_; }

 private:
  std::string_view data_;
  std::size_t offset_ = 0;
};

std::uint32_t ReadU32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  }
  return value;
}

std::int64_t ReadI64(std::string_view bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  }
  return static_cast<std::int64_t>(value);  // two's complement, as the file stores it
}

std::string HexByte(char c) {
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "0x%02x", static_cast<unsigned char>(c));
  return text.data();
}

Result<TzifHeader> ReadHeader(ByteReader& reader, std::string_view which) {
  auto bytes = reader.Take(kHeaderBytes, which);
  if (!bytes) {
    return std::unexpected(bytes.error());
  }
  if (bytes->substr(0, 4) != "TZif") {
    return Corrupt("bad magic in " + std::string(which) + " (not a TZif file)");
  }
  TzifHeader header;
  header.version = (*bytes)[4];
  header.isutcnt = ReadU32(*bytes, 20);
  header.isstdcnt = ReadU32(*bytes, 24);
  header.leapcnt = ReadU32(*bytes, 28);
  header.timecnt = ReadU32(*bytes, 32);
  header.typecnt = ReadU32(*bytes, 36);
  header.charcnt = ReadU32(*bytes, 40);
  return header;
}

Status CheckVersion(char version) {
  if (version == '\0') {
    return Corrupt("version 1 files are not supported (no 64-bit data)");
  }
  if (version < '2' || version > '4') {
    return Corrupt("unknown version " + HexByte(version));
  }
  return {};
}

// The counts of the 64-bit block, checked against each other as RFC 8536 requires.
Status CheckCounts(const TzifHeader& header) {
  if (header.typecnt == 0 || header.typecnt > 256) {
    return Corrupt("local time type count " + std::to_string(header.typecnt) +
                   " is not within 1..256");
  }
  if (header.charcnt == 0) {
    return Corrupt("abbreviation count is 0");
  }
  if (header.isstdcnt != 0 && header.isstdcnt != header.typecnt) {
    return Corrupt("standard/wall indicator count " + std::to_string(header.isstdcnt) +
                   " is neither 0 nor the type count");
  }
  if (header.isutcnt != 0 && header.isutcnt != header.typecnt) {
    return Corrupt("UT/local indicator count " + std::to_string(header.isutcnt) +
                   " is neither 0 nor the type count");
  }
  if (header.leapcnt != 0) {
    return Corrupt("leap-second records are not supported");
  }
  return {};
}

// Bytes of the version 1 (32-bit) data block that `header` announces.
std::uint64_t Version1BlockBytes(const TzifHeader& header) {
  return std::uint64_t{header.timecnt} * 5 + std::uint64_t{header.typecnt} * 6 + header.charcnt +
         std::uint64_t{header.leapcnt} * 8 + header.isstdcnt + header.isutcnt;
}

Status CheckIndicators(std::string_view bytes, std::string_view what) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != 0 && bytes[i] != 1) {
      return Corrupt(std::string(what) + " " + std::to_string(i) + " is " + HexByte(bytes[i]) +
                     ", not 0 or 1");
    }
  }
  return {};
}

// What the 64-bit block and the footer hold, gathered before the TimeZone is made.
struct ZoneParts {
  std::vector<std::int64_t> transitions;
  std::vector<std::uint8_t> transition_types;
  std::vector<LocalTimeType> types;
  std::optional<PosixTimeZone> footer;
};

Status ReadTransitions(ByteReader& reader, const TzifHeader& header, ZoneParts& parts) {
  auto times = reader.Take(std::uint64_t{header.timecnt} * 8, "the transition times");
  if (!times) {
    return std::unexpected(times.error());
  }
  auto indexes = reader.Take(header.timecnt, "the transition types");
  if (!indexes) {
    return std::unexpected(indexes.error());
  }
  parts.transitions.reserve(header.timecnt);
  parts.transition_types.reserve(header.timecnt);
  for (std::size_t i = 0; i < header.timecnt; ++i) {
    const std::int64_t time = ReadI64(*times, i * 8);
    if (!parts.transitions.empty() && time <= parts.transitions.back()) {
      return Corrupt("transition " + std::to_string(i) + " (" + std::to_string(time) +
                     ") is not after the one before it");
    }
    const auto type = static_cast<std::uint8_t>((*indexes)[i]);
    if (type >= header.typecnt) {
      return Corrupt("transition " + std::to_string(i) + " names local time type " +
                     std::to_string(type) + " of " + std::to_string(header.typecnt));
    }
    parts.transitions.push_back(time);
    parts.transition_types.push_back(type);
  }
  return {};
}

Status ReadTypes(ByteReader& reader, const TzifHeader& header, ZoneParts& parts) {
  auto records = reader.Take(std::uint64_t{header.typecnt} * 6, "the local time types");
  if (!records) {
    return std::unexpected(records.error());
  }
  auto chars = reader.Take(header.charcnt, "the abbreviations");
  if (!chars) {
    return std::unexpected(chars.error());
  }
  parts.types.reserve(header.typecnt);
  for (std::size_t i = 0; i < header.typecnt; ++i) {
    const std::string_view record = records->substr(i * 6, 6);
    const auto offset = static_cast<std::int32_t>(ReadU32(record, 0));
    const auto is_dst = static_cast<unsigned char>(record[4]);
    const auto abbreviation = static_cast<unsigned char>(record[5]);
    const std::string which = "local time type " + std::to_string(i);
    if (offset < kMinUtcOffset || offset > kMaxUtcOffset) {
      return Corrupt(which + ": UTC offset " + std::to_string(offset) + " is out of range");
    }
    if (is_dst > 1) {
      return Corrupt(which + ": DST flag is " + HexByte(record[4]) + ", not 0 or 1");
    }
    const std::size_t end = chars->find('\0', abbreviation);
    if (abbreviation >= chars->size() || end == std::string_view::npos) {
      return Corrupt(which + ": abbreviation index " + std::to_string(abbreviation) +
                     " has no terminated abbreviation");
    }
    parts.types.push_back(LocalTimeType{
        offset, is_dst == 1, std::string(chars->substr(abbreviation, end - abbreviation))});
  }
  return {};
}

Status ReadFooter(ByteReader& reader, ZoneParts& parts) {
  auto open = reader.Take(1, "the footer");
  if (!open) {
    return std::unexpected(open.error());
  }
  if ((*open)[0] != '\n') {
    return Corrupt("footer does not start with a newline");
  }
  const std::string_view rest = *reader.Take(reader.left(), "the footer");  // cannot fail
  const std::size_t close = rest.find('\n');
  if (close == std::string_view::npos) {
    return Corrupt("footer does not end with a newline");
  }
  if (close + 1 != rest.size()) {
    return Corrupt(std::to_string(rest.size() - close - 1) + " bytes after the footer");
  }
  const std::string_view text = rest.substr(0, close);
  if (text.empty()) {
    return {};
  }
  auto footer = ParsePosixTimeZone(text);
  if (!footer) {
    return Fail(footer.error(), "TZif data: footer");
  }
  parts.footer = std::move(*footer);
  return {};
}

Status ReadBlock(ByteReader& reader, const TzifHeader& header, ZoneParts& parts) {
  if (auto ok = ReadTransitions(reader, header, parts); !ok) {
    return ok;
  }
  if (auto ok = ReadTypes(reader, header, parts); !ok) {
    return ok;
  }
  auto isstd = reader.Take(header.isstdcnt, "the standard/wall indicators");
  if (!isstd) {
    return std::unexpected(isstd.error());
  }
  if (auto ok = CheckIndicators(*isstd, "standard/wall indicator"); !ok) {
    return ok;
  }
  auto isut = reader.Take(header.isutcnt, "the UT/local indicators");
  if (!isut) {
    return std::unexpected(isut.error());
  }
  return CheckIndicators(*isut, "UT/local indicator");
}

}  // namespace

Result<PosixTimeZone> ParsePosixTimeZone(std::string_view text) {
  return TzStringParser(text).Parse();
}

const LocalTimeType& PosixTimeZone::TypeAt(TimePoint at) const {
  if (!daylight.has_value()) {
    return standard;
  }
  // Beyond this the rule's years would leave std::chrono::year's range; nobody asks.
  constexpr std::int64_t kLimit = std::int64_t{30000} * 366 * kSecondsPerDay;
  const std::int64_t t = at.time_since_epoch().count();
  if (t > kLimit || t < -kLimit) {
    return standard;
  }

  // Rule times may lie up to a week outside their day, so the neighbouring years'
  // periods are checked too.
  const int year = CivilYear(FloorDiv(t + standard.utc_offset, kSecondsPerDay));
  for (int y = year - 1; y <= year + 1; ++y) {
    const std::int64_t begins = RuleInstant(y, start, standard.utc_offset);
    std::int64_t ends = RuleInstant(y, end, daylight->utc_offset);
    if (ends < begins) {
      ends = RuleInstant(y + 1, end, daylight->utc_offset);  // DST spans the new year
    }
    if (begins <= t && t < ends) {
      return *daylight;
    }
  }
  return standard;
}

Result<TimeZone> TimeZone::FromTzif(std::string name, std::string_view data) {
  ByteReader reader(data);
  auto first = ReadHeader(reader, "the header");
  if (!first) {
    return std::unexpected(first.error());
  }
  if (auto ok = CheckVersion(first->version); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto skipped = reader.Take(Version1BlockBytes(*first), "the version 1 data"); !skipped) {
    return std::unexpected(skipped.error());
  }
  auto header = ReadHeader(reader, "the second header");
  if (!header) {
    return std::unexpected(header.error());
  }
  if (header->version != first->version) {
    return Corrupt("the headers disagree on the version (" + HexByte(first->version) + ", " +
                   HexByte(header->version) + ")");
  }
  if (auto ok = CheckCounts(*header); !ok) {
    return std::unexpected(ok.error());
  }

  ZoneParts parts;
  if (auto ok = ReadBlock(reader, *header, parts); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = ReadFooter(reader, parts); !ok) {
    return std::unexpected(ok.error());
  }
  TimeZone zone;
  zone.name_ = std::move(name);
  zone.transitions_ = std::move(parts.transitions);
  zone.transition_types_ = std::move(parts.transition_types);
  zone.types_ = std::move(parts.types);
  zone.footer_ = std::move(parts.footer);
  return zone;
}

const LocalTimeType& TimeZone::TypeAt(TimePoint at) const {
  if (transitions_.empty()) {
    return footer_.has_value() ? footer_->TypeAt(at) : types_.front();
  }
  const std::int64_t t = at.time_since_epoch().count();
  const auto next = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  if (next == transitions_.begin()) {
    return types_.front();
  }
  if (next == transitions_.end() && footer_.has_value()) {
    return footer_->TypeAt(at);
  }
  const auto index = static_cast<std::size_t>(next - transitions_.begin() - 1);
  return types_[transition_types_[index]];
}

}  // namespace sentinel
