#include "core/text.h"

#include <gtest/gtest.h>

#include <string>

namespace sentinel {
namespace {

TEST(CountCharactersTest, CountsCodePointsNotBytes) {
  const struct {
    std::string text;
    std::size_t want;
  } cases[] = {{"", 0},
               {"abc", 3},
               {"caf\xc3\xa9", 4},  // é: 2 bytes
               {"\xe2\x82\xac"
                "5",
                2},                           // €: 3 bytes
               {"\xf0\x9f\x94\xa5 fire", 6},  // U+1F525: 4 bytes
               {"\xf4\x8f\xbf\xbf", 1}};      // U+10FFFF, the last code point
  for (const auto& c : cases) {
    EXPECT_EQ(CountCharacters(c.text), c.want) << c.text;
  }
}

TEST(CountCharactersTest, RejectsMalformedUtf8) {
  for (const std::string& bad :
       {std::string("\x80"),              // lone continuation byte
        std::string("\xc3"),              // truncated 2-byte sequence
        std::string("\xe2\x82"),          // truncated 3-byte sequence
        std::string("\xf0\x9f\x94"),      // truncated 4-byte sequence
        std::string("\xc0\xaf"),          // overlong '/'
        std::string("\xe0\x80\xaf"),      // overlong '/'
        std::string("\xed\xa0\x80"),      // UTF-16 surrogate U+D800
        std::string("\xf4\x90\x80\x80"),  // U+110000, past the last code point
        std::string("\xff"),              // never valid
        std::string("ok\xc3(")}) {        // bad continuation
    EXPECT_EQ(CountCharacters(bad), std::nullopt) << bad;
  }
}

TEST(CheckTextTest, AcceptsTextWithinBounds) {
  EXPECT_TRUE(CheckText("justification", "0123456789", 10, 12).has_value());
  EXPECT_TRUE(CheckText("justification", "012345678\xc3\xa9", 10, 10).has_value());
}

TEST(CheckTextTest, RejectsEveryBadInputWithAMessage) {
  const struct {
    std::string text;
    std::string want;
  } cases[] = {
      {"short", "justification must be 10 to 12 characters, got 5"},
      {"0123456789abc", "justification must be 10 to 12 characters, got 13"},
      {"0123456789\xc3", "justification is not valid UTF-8 (byte 10)"},
      {"line one\nline two", "justification contains a control character at character 9"},
      {"tab\there and more", "justification contains a control character at character 4"},
      {"esc \x1b[31m red", "justification contains a control character at character 5"},
      {"c1 \xc2\x9b control", "justification contains a control character at character 4"},
  };
  for (const auto& c : cases) {
    auto got = CheckText("justification", c.text, 10, 12);
    ASSERT_FALSE(got.has_value()) << c.text;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(got.error().message(), c.want);
  }
}

TEST(CheckTextTest, TruncatedMultibyteTextNeverPasses) {
  const std::string text = "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac";  // €€€€
  for (std::size_t n = 0; n <= text.size(); ++n) {
    auto got = CheckText("comment", text.substr(0, n), 0, 10);
    EXPECT_EQ(got.has_value(), n % 3 == 0) << n;
  }
}

}  // namespace
}  // namespace sentinel
