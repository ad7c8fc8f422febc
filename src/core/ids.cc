#include "core/ids.h"

#include <vector>

namespace sentinel {
namespace {

// Draws hex_length / 2 random bytes and spells them as lowercase hex.
Result<std::string> NewHexId(RandomSource& random, std::size_t hex_length) {
  std::vector<std::uint8_t> bytes(hex_length / 2);
  if (auto filled = random.Fill(bytes); !filled) {
    return Fail(filled.error(), "generating a random id");
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string id;
  id.reserve(hex_length);
  for (std::uint8_t byte : bytes) {
    id.push_back(kDigits[byte >> 4]);
    id.push_back(kDigits[byte & 0x0f]);
  }
  return id;
}

}  // namespace

Result<std::string> NewRecordId(RandomSource& random) { return NewHexId(random, kRecordIdLength); }

Result<std::string> NewSessionRequestId(RandomSource& random) {
  return NewHexId(random, kSessionRequestIdLength);
}

bool IsRecordId(std::string_view id) {
  if (id.size() != kRecordIdLength) {
    return false;
  }
  for (char c : id) {
    const bool hex_digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!hex_digit) {
      return false;
    }
  }
  return true;
}

Status FakeRandomSource::Fill(std::span<std::uint8_t> out) {
  if (fail_next_) {
    fail_next_ = false;
    return Fail(ErrorCode::kUnavailable, "fake random source: failing as asked");
  }
  for (std::uint8_t& byte : out) {
    byte = static_cast<std::uint8_t>(block_ >> (8 * (7 - byte_index_)));
    if (++byte_index_ == 8) {
      byte_index_ = 0;
      ++block_;
    }
  }
  return {};
}

}  // namespace sentinel
