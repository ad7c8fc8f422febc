#include "aws/quoted.h"

#include <gtest/gtest.h>

namespace sentinel::aws {
namespace {

TEST(QuotedTest, EscapesWhatATerminalWouldInterpret) {
  EXPECT_EQ(Quoted("prod"), "'prod'");
  EXPECT_EQ(Quoted(""), "''");
  EXPECT_EQ(Quoted("it's"), "'it\\'s'");
  EXPECT_EQ(Quoted("a\\b"), "'a\\\\b'");
  EXPECT_EQ(Quoted("a\x1b[2Jb"), "'a\\x1b[2Jb'");
  EXPECT_EQ(Quoted(std::string_view("n\0l\n", 4)), "'n\\x00l\\x0a'");
  EXPECT_EQ(Quoted("caf\xc3\xa9"), "'caf\\xc3\\xa9'");
}

TEST(QuotedTest, CutsLongText) {
  EXPECT_EQ(Quoted("abcdef", 3), "'abc...'");
  EXPECT_EQ(Quoted("abc", 3), "'abc'");
  EXPECT_EQ(Quoted(std::string(1000, 'x')).size(), 200u + 5u);
}

}  // namespace
}  // namespace sentinel::aws
