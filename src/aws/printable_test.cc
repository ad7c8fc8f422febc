#include "aws/printable.h"

#include <gtest/gtest.h>

namespace sentinel::aws {
namespace {

TEST(PrintableTest, KeepsPrintableAsciiAndReplacesTheRest) {
  EXPECT_EQ(Printable("Access denied: role/Admin"), "Access denied: role/Admin");
  EXPECT_EQ(Printable("a\x1b[31mb\nc\x7f\xc3\xa9"), "a?[31mb?c???");
  EXPECT_EQ(Printable(std::string_view("x\0y", 3)), "x?y");
}

TEST(PrintableTest, CutsLongTextAndSaysSo) {
  EXPECT_EQ(Printable("abcdef", 4), "abcd...");
  EXPECT_EQ(Printable("abcd", 4), "abcd");
  EXPECT_EQ(Printable("", 4), "");
}

}  // namespace
}  // namespace sentinel::aws
