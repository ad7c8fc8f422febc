#include "aws/http.h"

#include <gtest/gtest.h>

namespace sentinel::aws {
namespace {

TEST(FindHeaderTest, MatchesNamesIgnoringCaseAndReturnsTheFirst) {
  const HttpHeaders headers = {{"Content-Type", "text/xml"}, {"X-Dup", "1"}, {"x-dup", "2"}};
  EXPECT_EQ(FindHeader(headers, "content-type"), "text/xml");
  EXPECT_EQ(FindHeader(headers, "CONTENT-TYPE"), "text/xml");
  EXPECT_EQ(FindHeader(headers, "X-DUP"), "1");
  EXPECT_EQ(FindHeader(headers, "Content-Length"), "");
  EXPECT_EQ(FindHeader({}, "Host"), "");
}

TEST(HeaderNameEqualsTest, ComparesAsciiCaseInsensitively) {
  EXPECT_TRUE(HeaderNameEquals("X-Amz-Date", "x-amz-date"));
  EXPECT_FALSE(HeaderNameEquals("X-Amz-Date", "x-amz-dat"));
  EXPECT_FALSE(HeaderNameEquals("a", "b"));
  EXPECT_TRUE(HeaderNameEquals("", ""));
}

TEST(RedactUrlTest, DropsUserInfoQueryAndFragment) {
  const struct {
    const char* url;
    const char* want;
  } cases[] = {
      {"https://sts.amazonaws.com/?X-Amz-Signature=abc", "https://sts.amazonaws.com/"},
      {"http://127.0.0.1:1/p/q?a=b#c", "http://127.0.0.1:1/p/q"},
      {"https://user:pw@h:8443/p#frag", "https://h:8443/p"},
      {"https://h?token=x", "https://h"},
      {"https://h", "https://h"},
      {"not a url?secret", "not a url"},
      {"", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(RedactUrl(c.url), c.want) << c.url;
  }
}

}  // namespace
}  // namespace sentinel::aws
