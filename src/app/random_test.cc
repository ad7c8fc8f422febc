#include "app/random.h"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace sentinel::app {
namespace {

TEST(SystemRandomSourceTest, ProducesDistinctWellFormedIds) {
  SystemRandomSource random;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = NewRecordId(random);
    ASSERT_TRUE(id.has_value()) << id.error().message();
    EXPECT_TRUE(IsRecordId(*id)) << *id;
    EXPECT_TRUE(seen.insert(*id).second) << "repeated id " << *id;
  }
}

TEST(SystemRandomSourceTest, FillsTheWholeBuffer) {
  // A byte position left unwritten stays zero. A written one is zero in all 8 draws with
  // probability 2^-64, so every position must have been non-zero at least once.
  SystemRandomSource random;
  std::array<std::uint8_t, 4096> seen_nonzero{};
  for (int draw = 0; draw < 8; ++draw) {
    std::array<std::uint8_t, 4096> buffer{};
    ASSERT_TRUE(random.Fill(buffer).has_value());
    for (std::size_t i = 0; i < buffer.size(); ++i) {
      seen_nonzero[i] |= buffer[i];
    }
  }
  std::size_t zero_positions = 0;
  for (std::uint8_t byte : seen_nonzero) {
    zero_positions += byte == 0 ? 1 : 0;
  }
  EXPECT_EQ(zero_positions, 0u);
}

}  // namespace
}  // namespace sentinel::app
