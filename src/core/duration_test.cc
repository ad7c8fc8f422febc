#include "core/duration.h"

#include <gtest/gtest.h>

namespace sentinel {
namespace {

using std::chrono::seconds;

TEST(ParseDurationTest, AcceptsEveryUnitAndCombination) {
  const struct {
    const char* text;
    long long want;
  } cases[] = {{"90s", 90},     {"15m", 900},     {"2h", 7200},
               {"1h30m", 5400}, {"1h0m1s", 3601}, {"4h", 14400}};
  for (const auto& c : cases) {
    auto got = ParseDuration(c.text);
    ASSERT_TRUE(got.has_value()) << c.text << ": " << got.error().message();
    EXPECT_EQ(got->count(), c.want) << c.text;
  }
}

TEST(ParseDurationTest, RejectsMalformedText) {
  for (const char* text : {"", "60", "h", "1x", "1m1h", "1h1h", "-5m", "0s", "1.5h", " 1h", "1h ",
                           "99999999999999999999h"}) {
    auto got = ParseDuration(text);
    ASSERT_FALSE(got.has_value()) << text;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput) << text;
    EXPECT_NE(got.error().message().find("invalid duration"), std::string::npos) << text;
  }
}

TEST(ParseDurationOrZeroTest, AcceptsZeroAndWhatParseDurationAccepts) {
  for (const char* text : {"0s", "0m", "0h0m0s", "00s"}) {
    auto got = ParseDurationOrZero(text);
    ASSERT_TRUE(got.has_value()) << text;
    EXPECT_EQ(got->count(), 0) << text;
  }
  EXPECT_EQ(ParseDurationOrZero("5m")->count(), 300);
  for (const char* text : {"", "0", "-0s", "0x", "5 minutes"}) {
    auto got = ParseDurationOrZero(text);
    ASSERT_FALSE(got.has_value()) << text;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput) << text;
  }
}

TEST(ParseDurationTest, TruncatedInputsNeverCrash) {
  const std::string text = "12h34m56s";
  for (std::size_t n = 0; n <= text.size(); ++n) {
    auto got = ParseDuration(text.substr(0, n));
    if (got.has_value()) {
      EXPECT_GT(got->count(), 0);
    }
  }
}

TEST(FormatDurationTest, RoundTrips) {
  for (long long s : {1LL, 59LL, 60LL, 61LL, 900LL, 3600LL, 5400LL, 14400LL, 3661LL}) {
    auto back = ParseDuration(FormatDuration(seconds(s)));
    ASSERT_TRUE(back.has_value()) << s;
    EXPECT_EQ(back->count(), s);
  }
  EXPECT_EQ(FormatDuration(seconds(5400)), "1h30m");
}

}  // namespace
}  // namespace sentinel
