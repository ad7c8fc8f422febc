#include "core/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace sentinel {
namespace {

TEST(IdsTest, RecordIdIsSixteenLowercaseHexFromTheSource) {
  FakeRandomSource random(0x0123456789abcdef);
  auto id = NewRecordId(random);
  ASSERT_TRUE(id.has_value()) << id.error().message();
  EXPECT_EQ(*id, "0123456789abcdef");
  EXPECT_TRUE(IsRecordId(*id));
  id = NewRecordId(random);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(*id, "0123456789abcdf0");
}

TEST(IdsTest, SessionRequestIdIsEightLowercaseHex) {
  FakeRandomSource random(0xfedcba9876543210);
  auto id = NewSessionRequestId(random);
  ASSERT_TRUE(id.has_value()) << id.error().message();
  EXPECT_EQ(*id, "fedcba98");
  id = NewSessionRequestId(random);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(*id, "76543210");
}

TEST(IdsTest, ConsecutiveIdsDiffer) {
  FakeRandomSource random;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = NewRecordId(random);
    ASSERT_TRUE(id.has_value());
    EXPECT_TRUE(seen.insert(*id).second) << *id;
  }
}

TEST(IdsTest, SourceFailureIsAnErrorNotAWeakId) {
  FakeRandomSource random;
  random.FailNext();
  auto id = NewRecordId(random);
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(id.error().message(), "generating a random id: fake random source: failing as asked");

  random.FailNext();
  auto short_id = NewSessionRequestId(random);
  ASSERT_FALSE(short_id.has_value());
  EXPECT_EQ(short_id.error().code(), ErrorCode::kUnavailable);

  EXPECT_TRUE(NewRecordId(random).has_value()) << "only the next call fails";
}

TEST(IdsTest, IsRecordIdAcceptsOnlyTheExactForm) {
  EXPECT_TRUE(IsRecordId("0123456789abcdef"));
  for (const char* bad : {"", "0123456789abcde", "0123456789abcdef0", "0123456789ABCDEF",
                          "0123456789abcdeg", "0123456789abcde ", "../../etc/passwd"}) {
    EXPECT_FALSE(IsRecordId(bad)) << bad;
  }
}

}  // namespace
}  // namespace sentinel
