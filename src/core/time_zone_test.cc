#include "core/time_zone.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/time_format.h"

namespace sentinel {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TimePoint At(std::string_view rfc3339) {
  auto parsed = ParseTime(rfc3339);
  EXPECT_TRUE(parsed.has_value()) << rfc3339;
  return parsed.value_or(TimePoint{});
}

TimePoint Seconds(std::int64_t since_epoch) { return TimePoint(std::chrono::seconds(since_epoch)); }

std::string ReadSystemZoneFile(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TimeZone SystemZone(const std::string& name) {
  auto zone = TimeZone::FromTzif(name, ReadSystemZoneFile(name));
  EXPECT_TRUE(zone.has_value()) << name << ": " << zone.error().message();
  return zone.value_or(*TimeZone::FromTzif("fallback", ReadSystemZoneFile("UTC")));
}

// ---------------------------------------------------------------------------------------
// The C library as the reference: glibc reads the same files and applies their footers.

// Sets TZ for the life of the object, restoring the previous value after.
class ScopedTz {
 public:
  explicit ScopedTz(const std::string& name) {
    if (const char* old = std::getenv("TZ")) {
      old_ = old;
    }
    ::setenv("TZ", name.c_str(), 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

LocalTimeType SystemTypeAt(std::int64_t t) {
  const std::time_t when = static_cast<std::time_t>(t);
  std::tm local{};
  EXPECT_NE(::localtime_r(&when, &local), nullptr) << t;
  return LocalTimeType{static_cast<std::int32_t>(local.tm_gmtoff), local.tm_isdst > 0,
                       local.tm_zone != nullptr ? local.tm_zone : ""};
}

// Compares `zone` with the C library at instants ~25 hours apart from 1901 to 2100, and
// at both sides of every change the C library shows between two of them (found by
// bisection, to the second). Returns the number of changes found.
int CompareWithSystem(const std::string& name) {
  const TimeZone zone = SystemZone(name);
  const ScopedTz tz(name);
  const std::int64_t first = std::numeric_limits<std::int32_t>::min();  // 1901-12-13
  const std::int64_t last = At("2101-01-01T00:00:00Z").time_since_epoch().count();
  const std::int64_t step = 86400 + 3600 + 61;  // drifts through the hours of the day
  int changes = 0;
  LocalTimeType previous = SystemTypeAt(first);
  for (std::int64_t t = first; t < last; t += step) {
    const LocalTimeType want = SystemTypeAt(t);
    EXPECT_EQ(zone.TypeAt(Seconds(t)), want) << name << " at " << FormatTime(Seconds(t));
    if (want.utc_offset != previous.utc_offset || want.is_dst != previous.is_dst) {
      ++changes;
      std::int64_t low = t - step;  // previous type holds here
      std::int64_t high = t;        // new type holds here
      while (high - low > 1) {
        const std::int64_t mid = low + (high - low) / 2;
        const LocalTimeType seen = SystemTypeAt(mid);
        (seen.utc_offset == want.utc_offset && seen.is_dst == want.is_dst ? high : low) = mid;
      }
      EXPECT_EQ(zone.TypeAt(Seconds(low)), SystemTypeAt(low))
          << name << " just before " << FormatTime(Seconds(high));
      EXPECT_EQ(zone.TypeAt(Seconds(high)), SystemTypeAt(high))
          << name << " at " << FormatTime(Seconds(high));
    }
    previous = want;
  }
  return changes;
}

TEST(TimeZoneTest, AgreesWithTheCLibraryFrom1901To2100) {
  const struct {
    const char* name;
    int min_changes;  // a floor, so that a comparison that saw nothing cannot pass
  } cases[] = {
      {"Europe/Berlin", 2 * (2100 - 1980)},
      {"America/New_York", 2 * (2100 - 1920)},
      {"Asia/Kolkata", 3},
      {"UTC", 0},
      {"Australia/Lord_Howe", 2 * (2100 - 1982)},  // 30-minute DST
      {"Pacific/Chatham", 2 * (2100 - 1975)},      // +12:45, DST +13:45
      {"Europe/Dublin", 2 * (2100 - 1972)},        // negative DST: winter is the "DST"
      {"America/Nuuk", 2 * (2100 - 2024)},         // rule times of -1:00
      {"Asia/Jerusalem", 2 * (2100 - 2013)},       // rule time of 26:00
      {"America/Santiago", 2 * (2100 - 2020)},     // southern, 24:00 rule times
      {"Antarctica/Troll", 2 * (2100 - 2006)},     // two hours of DST
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_GE(CompareWithSystem(c.name), c.min_changes);
  }
}

TEST(TimeZoneTest, AppliesTheFooterRuleAfterTheLastTransition) {
  const TimeZone new_york = SystemZone("America/New_York");
  ASSERT_FALSE(new_york.transitions().empty());
  ASSERT_LT(new_york.transitions().back(), At("2040-01-01T00:00:00Z").time_since_epoch().count());

  const LocalTimeType july = new_york.TypeAt(At("2040-07-01T12:00:00Z"));
  EXPECT_EQ(july, (LocalTimeType{-4 * 3600, true, "EDT"}));
  const LocalTimeType january = new_york.TypeAt(At("2040-01-15T12:00:00Z"));
  EXPECT_EQ(january, (LocalTimeType{-5 * 3600, false, "EST"}));
  // Second Sunday of March 2040 is the 11th: 02:00 EST is 07:00 UTC.
  EXPECT_FALSE(new_york.TypeAt(At("2040-03-11T06:59:59Z")).is_dst);
  EXPECT_TRUE(new_york.TypeAt(At("2040-03-11T07:00:00Z")).is_dst);
  // First Sunday of November 2040 is the 4th: 02:00 EDT is 06:00 UTC.
  EXPECT_TRUE(new_york.TypeAt(At("2040-11-04T05:59:59Z")).is_dst);
  EXPECT_FALSE(new_york.TypeAt(At("2040-11-04T06:00:00Z")).is_dst);

  const TimeZone berlin = SystemZone("Europe/Berlin");
  EXPECT_EQ(berlin.OffsetAt(At("2050-08-01T00:00:00Z")), std::chrono::hours(2));
  EXPECT_EQ(berlin.OffsetAt(At("2050-12-01T00:00:00Z")), std::chrono::hours(1));

  const TimeZone lord_howe = SystemZone("Australia/Lord_Howe");
  EXPECT_EQ(lord_howe.OffsetAt(At("2060-01-01T00:00:00Z")), std::chrono::minutes(11 * 60));
  EXPECT_EQ(lord_howe.OffsetAt(At("2060-07-01T00:00:00Z")), std::chrono::minutes(10 * 60 + 30));
}

TEST(TimeZoneTest, KeepsTheNameAndAnswersForExtremeInstants) {
  const TimeZone berlin = SystemZone("Europe/Berlin");
  EXPECT_EQ(berlin.name(), "Europe/Berlin");
  for (const TimePoint at : {TimePoint::min(), TimePoint::max(), Seconds(0),
                             Seconds(std::int64_t{1} << 40), Seconds(-(std::int64_t{1} << 40))}) {
    const LocalTimeType& type = berlin.TypeAt(at);
    EXPECT_GE(type.utc_offset, -89999);
    EXPECT_LE(type.utc_offset, 93599);
  }
  // Before the first transition: the first type, Berlin's local mean time.
  EXPECT_EQ(berlin.TypeAt(TimePoint::min()).abbreviation, "LMT");
}

// ---------------------------------------------------------------------------------------
// Synthetic files: what every field may and may not hold.

struct TypeRecord {
  std::int32_t offset = 0;
  std::uint8_t is_dst = 0;
  std::uint8_t abbreviation = 0;
};

// The fields of a version 2+ file, written as RFC 8536 lays them out.
struct TzifSpec {
  char version = '2';
  char second_version = '2';
  std::string magic = "TZif";
  std::vector<std::int64_t> times;
  std::vector<std::uint8_t> indexes;
  std::vector<TypeRecord> types = {{0, 0, 0}};
  std::string chars = std::string("UTC\0", 4);
  std::string isstd;
  std::string isut;
  std::uint32_t leapcnt = 0;
  std::string footer = "\nUTC0\n";

  std::string Build() const {
    std::string out;
    // A minimal version 1 block: one type, one abbreviation byte.
    Header(out, version, 0, 0, 0, 0, 1, 1);
    out.append(7, '\0');
    Header(out, second_version, static_cast<std::uint32_t>(isut.size()),
           static_cast<std::uint32_t>(isstd.size()), leapcnt,
           static_cast<std::uint32_t>(times.size()), static_cast<std::uint32_t>(types.size()),
           static_cast<std::uint32_t>(chars.size()));
    for (std::int64_t t : times) {
      Put(out, static_cast<std::uint64_t>(t), 8);
    }
    for (std::uint8_t index : indexes) {
      out += static_cast<char>(index);
    }
    for (const TypeRecord& type : types) {
      Put(out, static_cast<std::uint32_t>(type.offset), 4);
      out += static_cast<char>(type.is_dst);
      out += static_cast<char>(type.abbreviation);
    }
    out += chars;
    out.append(leapcnt * 12, '\0');
    out += isstd;
    out += isut;
    out += footer;
    return out;
  }

  void Header(std::string& out, char v, std::uint32_t isutcnt, std::uint32_t isstdcnt,
              std::uint32_t leaps, std::uint32_t timecnt, std::uint32_t typecnt,
              std::uint32_t charcnt) const {
    out += magic;
    out += v;
    out.append(15, '\0');
    for (std::uint32_t count : {isutcnt, isstdcnt, leaps, timecnt, typecnt, charcnt}) {
      Put(out, count, 4);
    }
  }

  static void Put(std::string& out, std::uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
      out += static_cast<char>((value >> (8 * i)) & 0xFF);
    }
  }
};

// Two types, standard "AAA" at +1h and DST "BBB" at +2h, switching at 1000 and 2000.
TzifSpec TwoTransitions() {
  TzifSpec spec;
  spec.times = {1000, 2000};
  spec.indexes = {1, 0};
  spec.types = {{3600, 0, 0}, {7200, 1, 4}};
  spec.chars = std::string("AAA\0BBB\0", 8);
  spec.footer = "\n\n";
  return spec;
}

TEST(TimeZoneTzifTest, ReadsTransitionsTypesAndAbbreviations) {
  auto zone = TimeZone::FromTzif("Test/Two", TwoTransitions().Build());
  ASSERT_TRUE(zone.has_value()) << zone.error().message();
  EXPECT_EQ(zone->transitions(), (std::vector<std::int64_t>{1000, 2000}));
  const LocalTimeType standard{3600, false, "AAA"};
  const LocalTimeType daylight{7200, true, "BBB"};
  EXPECT_EQ(zone->TypeAt(Seconds(-5)), standard);  // before the first: type 0
  EXPECT_EQ(zone->TypeAt(Seconds(999)), standard);
  EXPECT_EQ(zone->TypeAt(Seconds(1000)), daylight);
  EXPECT_EQ(zone->TypeAt(Seconds(1999)), daylight);
  EXPECT_EQ(zone->TypeAt(Seconds(2000)), standard);  // empty footer: the last type stays
  EXPECT_EQ(zone->TypeAt(TimePoint::max()), standard);
}

TEST(TimeZoneTzifTest, FooterGovernsFromTheLastTransitionOnAndWithoutTransitions) {
  TzifSpec spec = TwoTransitions();
  spec.footer = "\nXXX-3\n";
  auto zone = TimeZone::FromTzif("Test/Footer", spec.Build());
  ASSERT_TRUE(zone.has_value()) << zone.error().message();
  EXPECT_EQ(zone->TypeAt(Seconds(1999)).abbreviation, "BBB");
  EXPECT_EQ(zone->TypeAt(Seconds(2000)), (LocalTimeType{3 * 3600, false, "XXX"}));

  TzifSpec bare;
  bare.footer = "\n<+0545>-5:45\n";
  auto only_footer = TimeZone::FromTzif("Test/Bare", bare.Build());
  ASSERT_TRUE(only_footer.has_value()) << only_footer.error().message();
  EXPECT_EQ(only_footer->TypeAt(Seconds(0)), (LocalTimeType{5 * 3600 + 45 * 60, false, "+0545"}));

  bare.footer = "\n\n";
  auto nothing = TimeZone::FromTzif("Test/Nothing", bare.Build());
  ASSERT_TRUE(nothing.has_value()) << nothing.error().message();
  EXPECT_EQ(nothing->TypeAt(Seconds(0)), (LocalTimeType{0, false, "UTC"}));
}

TEST(TimeZoneTzifTest, AcceptsVersions2To4AndIndicators) {
  for (char version : {'2', '3', '4'}) {
    TzifSpec spec = TwoTransitions();
    spec.version = spec.second_version = version;
    spec.isstd = std::string("\0\1", 2);
    spec.isut = std::string("\0\1", 2);
    auto zone = TimeZone::FromTzif("Test/Version", spec.Build());
    EXPECT_TRUE(zone.has_value()) << version << ": " << zone.error().message();
  }
}

TEST(TimeZoneTzifTest, RejectsEveryMalformedField) {
  const auto with = [](auto change) {
    TzifSpec spec = TwoTransitions();
    change(spec);
    return spec.Build();
  };
  const struct {
    const char* label;
    std::string data;
    const char* message;
  } cases[] = {
      {"empty", "", "TZif data: truncated in the header (want 44 bytes at offset 0, have 0)"},
      {"bad magic", with([](TzifSpec& s) { s.magic = "TZig"; }),
       "TZif data: bad magic in the header (not a TZif file)"},
      {"version 1", with([](TzifSpec& s) { s.version = '\0'; }),
       "TZif data: version 1 files are not supported (no 64-bit data)"},
      {"unknown version", with([](TzifSpec& s) { s.version = s.second_version = '5'; }),
       "TZif data: unknown version 0x35"},
      {"versions disagree", with([](TzifSpec& s) { s.second_version = '3'; }),
       "TZif data: the headers disagree on the version (0x32, 0x33)"},
      {"no types", with([](TzifSpec& s) { s.types.clear(); }),
       "TZif data: local time type count 0 is not within 1..256"},
      {"too many types", with([](TzifSpec& s) { s.types.resize(257); }),
       "TZif data: local time type count 257 is not within 1..256"},
      {"no abbreviations", with([](TzifSpec& s) { s.chars.clear(); }),
       "TZif data: abbreviation count is 0"},
      {"isstd count", with([](TzifSpec& s) { s.isstd = std::string(1, '\0'); }),
       "TZif data: standard/wall indicator count 1 is neither 0 nor the type count"},
      {"isut count", with([](TzifSpec& s) { s.isut = std::string(3, '\0'); }),
       "TZif data: UT/local indicator count 3 is neither 0 nor the type count"},
      {"leap seconds", with([](TzifSpec& s) { s.leapcnt = 1; }),
       "TZif data: leap-second records are not supported"},
      {"transitions out of order", with([](TzifSpec& s) {
         s.times = {2000, 2000};
       }),
       "TZif data: transition 1 (2000) is not after the one before it"},
      {"type index", with([](TzifSpec& s) {
         s.indexes = {1, 2};
       }),
       "TZif data: transition 1 names local time type 2 of 2"},
      {"offset too low",
       with([](TzifSpec& s) { s.types[1].offset = std::numeric_limits<std::int32_t>::min(); }),
       "TZif data: local time type 1: UTC offset -2147483648 is out of range"},
      {"offset too high", with([](TzifSpec& s) { s.types[0].offset = 93600; }),
       "TZif data: local time type 0: UTC offset 93600 is out of range"},
      {"DST flag", with([](TzifSpec& s) { s.types[1].is_dst = 2; }),
       "TZif data: local time type 1: DST flag is 0x02, not 0 or 1"},
      {"abbreviation index", with([](TzifSpec& s) { s.types[1].abbreviation = 8; }),
       "TZif data: local time type 1: abbreviation index 8 has no terminated abbreviation"},
      {"unterminated abbreviation", with([](TzifSpec& s) { s.chars = std::string("AAA\0BBB", 7); }),
       "TZif data: local time type 1: abbreviation index 4 has no terminated abbreviation"},
      {"indicator value", with([](TzifSpec& s) { s.isstd = std::string("\0\2", 2); }),
       "TZif data: standard/wall indicator 1 is 0x02, not 0 or 1"},
      {"footer opening", with([](TzifSpec& s) { s.footer = "XUTC0\n"; }),
       "TZif data: footer does not start with a newline"},
      {"footer closing", with([](TzifSpec& s) { s.footer = "\nUTC0"; }),
       "TZif data: footer does not end with a newline"},
      {"no footer", with([](TzifSpec& s) { s.footer.clear(); }),
       "TZif data: truncated in the footer (want 1 bytes at offset 133, have 0)"},
      {"trailing bytes", with([](TzifSpec& s) { s.footer = "\nUTC0\nabc"; }),
       "TZif data: 3 bytes after the footer"},
      {"bad footer", with([](TzifSpec& s) { s.footer = "\nCET-1CEST\n"; }),
       "TZif data: footer: TZ string 'CET-1CEST': expected ',' and the date daylight saving "
       "time starts at offset 9"},
  };
  for (const auto& c : cases) {
    auto zone = TimeZone::FromTzif("Test/Bad", c.data);
    ASSERT_FALSE(zone.has_value()) << c.label;
    EXPECT_EQ(zone.error().code(), ErrorCode::kInvalidInput) << c.label;
    EXPECT_EQ(zone.error().message(), c.message) << c.label;
  }
}

TEST(TimeZoneTzifTest, EveryTruncationOfARealFileFailsCleanly) {
  for (const char* name : {"Europe/Berlin", "UTC", "Australia/Lord_Howe"}) {
    const std::string data = ReadSystemZoneFile(name);
    ASSERT_TRUE(TimeZone::FromTzif(name, data).has_value()) << name;
    for (std::size_t size = 0; size < data.size(); ++size) {
      auto zone = TimeZone::FromTzif(name, std::string_view(data).substr(0, size));
      ASSERT_FALSE(zone.has_value()) << name << " cut to " << size << " bytes";
      EXPECT_EQ(zone.error().code(), ErrorCode::kInvalidInput);
      EXPECT_THAT(zone.error().message(), StartsWith("TZif data: "));
    }
  }
}

TEST(TimeZoneTzifTest, CorruptedBytesParseOrFailCleanly) {
  const std::string original = ReadSystemZoneFile("Pacific/Chatham");
  int failures = 0;
  int parsed = 0;
  for (std::size_t at = 0; at < original.size(); ++at) {
    for (unsigned char value :
         {std::uint8_t{0x00}, std::uint8_t{0xFF}, std::uint8_t{0x7F}, std::uint8_t{'\n'},
          static_cast<std::uint8_t>(static_cast<unsigned char>(original[at]) ^ 0x01U)}) {
      std::string data = original;
      data[at] = static_cast<char>(value);
      auto zone = TimeZone::FromTzif("Pacific/Chatham", data);
      if (!zone) {
        ++failures;
        EXPECT_EQ(zone.error().code(), ErrorCode::kInvalidInput);
        EXPECT_THAT(zone.error().message(), StartsWith("TZif data: "));
        continue;
      }
      ++parsed;
      for (std::int64_t t : {std::int64_t{-4000000000}, std::int64_t{0}, std::int64_t{2000000000},
                             std::int64_t{4000000000}}) {
        const LocalTimeType& type = zone->TypeAt(Seconds(t));
        EXPECT_GE(type.utc_offset, -89999);
        EXPECT_LE(type.utc_offset, 93599);
      }
    }
  }
  // Both outcomes occur: corrupting a transition time's low bits or an abbreviation's
  // letters still parses; corrupting counts and the magic does not.
  EXPECT_GT(failures, 0);
  EXPECT_GT(parsed, 0);
}

// ---------------------------------------------------------------------------------------
// POSIX TZ strings

TEST(PosixTimeZoneTest, ParsesEveryFormOfTheGrammar) {
  using Kind = PosixRuleDate::Kind;
  const struct {
    const char* text;
    LocalTimeType standard;
    std::optional<LocalTimeType> daylight;
    PosixRuleDate start;
    PosixRuleDate end;
  } cases[] = {
      {"UTC0", {0, false, "UTC"}, std::nullopt, {}, {}},
      {"<+0530>-5:30", {19800, false, "+0530"}, std::nullopt, {}, {}},
      {"<-0330>3:30:15", {-12615, false, "-0330"}, std::nullopt, {}, {}},
      {"CET-1CEST,M3.5.0,M10.5.0/3",
       {3600, false, "CET"},
       LocalTimeType{7200, true, "CEST"},
       {Kind::kMonthWeekDay, 0, 3, 5, 0, 7200},
       {Kind::kMonthWeekDay, 0, 10, 5, 0, 3 * 3600}},
      {"EST5EDT,M3.2.0,M11.1.0",
       {-5 * 3600, false, "EST"},
       LocalTimeType{-4 * 3600, true, "EDT"},
       {Kind::kMonthWeekDay, 0, 3, 2, 0, 7200},
       {Kind::kMonthWeekDay, 0, 11, 1, 0, 7200}},
      {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
       {37800, false, "+1030"},
       LocalTimeType{39600, true, "+11"},
       {Kind::kMonthWeekDay, 0, 10, 1, 0, 7200},
       {Kind::kMonthWeekDay, 0, 4, 1, 0, 7200}},
      {"<-02>+2<-01>,M3.5.0/-1,M10.5.0/0",
       {-7200, false, "-02"},
       LocalTimeType{-3600, true, "-01"},
       {Kind::kMonthWeekDay, 0, 3, 5, 0, -3600},
       {Kind::kMonthWeekDay, 0, 10, 5, 0, 0}},
      {"IST-2IDT,M3.4.4/26,M10.5.0",
       {7200, false, "IST"},
       LocalTimeType{10800, true, "IDT"},
       {Kind::kMonthWeekDay, 0, 3, 4, 4, 26 * 3600},
       {Kind::kMonthWeekDay, 0, 10, 5, 0, 7200}},
      {"EST5EDT,0/0,J365/25",
       {-5 * 3600, false, "EST"},
       LocalTimeType{-4 * 3600, true, "EDT"},
       {Kind::kDayOfYear, 0, 1, 1, 0, 0},
       {Kind::kJulian, 365, 1, 1, 0, 25 * 3600}},
      {"AAA3BBB,J60/+167,300/-167:59:59",
       {-3 * 3600, false, "AAA"},
       LocalTimeType{-2 * 3600, true, "BBB"},
       {Kind::kJulian, 60, 1, 1, 0, 167 * 3600},
       {Kind::kDayOfYear, 300, 1, 1, 0, -(167 * 3600 + 59 * 60 + 59)}},
  };
  for (const auto& c : cases) {
    auto zone = ParsePosixTimeZone(c.text);
    ASSERT_TRUE(zone.has_value()) << c.text << ": " << zone.error().message();
    EXPECT_EQ(zone->standard, c.standard) << c.text;
    EXPECT_EQ(zone->daylight, c.daylight) << c.text;
    if (c.daylight) {
      EXPECT_EQ(zone->start, c.start) << c.text;
      EXPECT_EQ(zone->end, c.end) << c.text;
    }
  }
}

TEST(PosixTimeZoneTest, RejectsMalformedStringsSayingWhere) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "expected a time zone abbreviation of at least three characters at offset 0"},
      {"CE-1", "expected a time zone abbreviation of at least three characters at offset 2"},
      {"CET", "expected hours from 0 to 24 at offset 3"},
      {"CET-25", "expected hours from 0 to 24 at offset 6"},
      {"CET-1:60", "expected minutes from 00 to 59 at offset 8"},
      {"CET-1:00:6x",
       "expected a time zone abbreviation of at least three characters at offset 11"},
      {"<+05", "expected '>' closing the abbreviation at offset 4"},
      {"<+5>-5", "expected a time zone abbreviation of at least three characters at offset 3"},
      {"CET-1CEST", "expected ',' and the date daylight saving time starts at offset 9"},
      {"CET-1CEST,M3.5.0", "expected ',' and the date daylight saving time ends at offset 16"},
      {"CET-1CEST,M13.5.0,M10.5.0", "expected a month from 1 to 12 at offset 13"},
      {"CET-1CEST,M3.6.0,M10.5.0", "expected '.' and a week from 1 to 5 at offset 14"},
      {"CET-1CEST,M3.5.7,M10.5.0", "expected '.' and a weekday from 0 to 6 at offset 16"},
      {"CET-1CEST,J0,J365", "expected a Julian day from 1 to 365 at offset 12"},
      {"CET-1CEST,366,1", "expected a date: Jn, n or Mm.w.d at offset 13"},
      {"CET-1CEST,M3.5.0/168,M10.5.0", "expected hours from 0 to 167 at offset 20"},
      {"CET-1CEST,M3.5.0,M10.5.0 ", "unexpected text after the rule at offset 24"},
      {"CET-1CEST,x,M10.5.0", "expected a date: Jn, n or Mm.w.d at offset 10"},
  };
  for (const auto& c : cases) {
    auto zone = ParsePosixTimeZone(c.text);
    ASSERT_FALSE(zone.has_value()) << c.text;
    EXPECT_EQ(zone.error().code(), ErrorCode::kInvalidInput) << c.text;
    EXPECT_THAT(zone.error().message(), StartsWith("TZ string '" + std::string(c.text) + "': "));
    EXPECT_THAT(zone.error().message(), HasSubstr(c.message)) << c.text;
  }
}

TEST(PosixTimeZoneTest, SwitchesAtTheRuleInstants) {
  auto berlin = ParsePosixTimeZone("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(berlin.has_value());
  // 2099: last Sunday of March is the 29th, of October the 25th; both switch at 01:00 UTC.
  EXPECT_FALSE(berlin->TypeAt(At("2099-03-29T00:59:59Z")).is_dst);
  EXPECT_TRUE(berlin->TypeAt(At("2099-03-29T01:00:00Z")).is_dst);
  EXPECT_TRUE(berlin->TypeAt(At("2099-10-25T00:59:59Z")).is_dst);
  EXPECT_FALSE(berlin->TypeAt(At("2099-10-25T01:00:00Z")).is_dst);

  // Southern hemisphere: DST from October over the new year to April.
  auto sydney = ParsePosixTimeZone("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(sydney.has_value());
  EXPECT_TRUE(sydney->TypeAt(At("2045-01-01T00:00:00Z")).is_dst);
  EXPECT_FALSE(sydney->TypeAt(At("2045-07-01T00:00:00Z")).is_dst);
  EXPECT_TRUE(sydney->TypeAt(At("2045-12-31T23:59:59Z")).is_dst);
}

TEST(PosixTimeZoneTest, CountsJulianAndZeroBasedDaysAsPosixSays) {
  // Jn never counts February 29: J60 is March 1 in leap and common years alike.
  auto julian = ParsePosixTimeZone("AAA0BBB,J60/0,J300/0");
  ASSERT_TRUE(julian.has_value());
  for (const char* year : {"2023", "2024"}) {
    EXPECT_FALSE(julian->TypeAt(At(std::string(year) + "-02-28T23:59:59Z")).is_dst) << year;
    EXPECT_TRUE(julian->TypeAt(At(std::string(year) + "-03-01T00:00:00Z")).is_dst) << year;
  }
  // n counts it: day 59 is February 29 in a leap year, March 1 otherwise.
  auto zero_based = ParsePosixTimeZone("AAA0BBB,59/0,300/0");
  ASSERT_TRUE(zero_based.has_value());
  EXPECT_TRUE(zero_based->TypeAt(At("2024-02-29T00:00:00Z")).is_dst);
  EXPECT_FALSE(zero_based->TypeAt(At("2023-02-28T23:59:59Z")).is_dst);
  EXPECT_TRUE(zero_based->TypeAt(At("2023-03-01T00:00:00Z")).is_dst);
}

TEST(PosixTimeZoneTest, DaylightSavingAllYear) {
  // RFC 8536's way of saying "DST all year": from January 1 00:00 to December 31 24:00
  // plus the DST offset, so each year's end is the next year's start.
  auto zone = ParsePosixTimeZone("EST5EDT,0/0,J365/25");
  ASSERT_TRUE(zone.has_value());
  for (const char* at : {"2030-01-01T05:00:00Z", "2030-01-01T04:59:59Z", "2030-06-15T12:00:00Z",
                         "2030-12-31T23:59:59Z", "2031-01-01T04:59:59Z", "2032-02-29T12:00:00Z"}) {
    EXPECT_TRUE(zone->TypeAt(At(at)).is_dst) << at;
  }
}

TEST(PosixTimeZoneTest, StandardTimeOnlyAndFarInstants) {
  auto kolkata = ParsePosixTimeZone("IST-5:30");
  ASSERT_TRUE(kolkata.has_value());
  EXPECT_FALSE(kolkata->daylight.has_value());
  EXPECT_EQ(kolkata->TypeAt(TimePoint::max()), (LocalTimeType{19800, false, "IST"}));

  auto berlin = ParsePosixTimeZone("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(berlin.has_value());
  EXPECT_FALSE(berlin->TypeAt(TimePoint::max()).is_dst);
  EXPECT_FALSE(berlin->TypeAt(TimePoint::min()).is_dst);
}

}  // namespace
}  // namespace sentinel
