#include "core/time_format.h"

#include <gtest/gtest.h>

namespace sentinel {
namespace {

using namespace std::chrono;

TEST(TimeFormatTest, FormatsFixedWidthUtc) {
  const TimePoint t = sys_days(2026y / December / 3) + hours(17) + minutes(4) + seconds(5);
  EXPECT_EQ(FormatTime(t), "2026-12-03T17:04:05Z");
  EXPECT_EQ(FormatTime(TimePoint{}), "1970-01-01T00:00:00Z");
}

TEST(TimeFormatTest, ParsesZuluOffsetsAndFractions) {
  const TimePoint want = sys_days(2026y / December / 3) + hours(17) + minutes(4) + seconds(5);
  for (const char* text : {"2026-12-03T17:04:05Z", "2026-12-03T17:04:05.123Z",
                           "2026-12-03T18:04:05+01:00", "2026-12-03T16:04:05-01:00"}) {
    auto got = ParseTime(text);
    ASSERT_TRUE(got.has_value()) << text;
    EXPECT_EQ(*got, want) << text;
  }
}

TEST(TimeFormatTest, RejectsMalformedAndTruncated) {
  const std::string good = "2026-12-03T17:04:05Z";
  for (std::size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(ParseTime(good.substr(0, n)).has_value()) << n;
  }
  for (const char* text : {"2026-13-03T17:04:05Z", "2026-02-30T17:04:05Z", "2026-12-03 17:04:05Z",
                           "2026-12-03T24:00:00Z", "2026-12-03T17:04:05", "2026-12-03T17:04:05Zx",
                           "2026-12-03T17:04:05.Z"}) {
    auto got = ParseTime(text);
    ASSERT_FALSE(got.has_value()) << text;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
  }
}

}  // namespace
}  // namespace sentinel
