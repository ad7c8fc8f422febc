#include "core/text.h"

#include <string>

namespace sentinel {
namespace {

// Decodes the code point starting at text[pos]; returns its length in bytes and stores
// it in `code_point`, or returns 0 when the sequence there is malformed.
std::size_t DecodeOne(std::string_view text, std::size_t pos, char32_t& code_point) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t length = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if ((lead & 0xe0) == 0xc0) {
    length = 2, minimum = 0x80, code_point = lead & 0x1fu;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, minimum = 0x800, code_point = lead & 0x0fu;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, minimum = 0x10000, code_point = lead & 0x07u;
  } else {
    return 0;
  }
  if (pos + length > text.size()) {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[pos + i]);
    if ((next & 0xc0) != 0x80) {
      return 0;
    }
    code_point = (code_point << 6) | (next & 0x3fu);
  }
  const bool surrogate = code_point >= 0xd800 && code_point <= 0xdfff;
  if (code_point < minimum || code_point > 0x10ffff || surrogate) {
    return 0;
  }
  return length;
}

bool IsControl(char32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7f && code_point < 0xa0);
}

}  // namespace

std::optional<std::size_t> CountCharacters(std::string_view utf8) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < utf8.size(); ++count) {
    char32_t code_point = 0;
    const std::size_t length = DecodeOne(utf8, pos, code_point);
    if (length == 0) {
      return std::nullopt;
    }
    pos += length;
  }
  return count;
}

Status CheckText(std::string_view what, std::string_view text, std::size_t min_chars,
                 std::size_t max_chars) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); ++count) {
    char32_t code_point = 0;
    const std::size_t length = DecodeOne(text, pos, code_point);
    if (length == 0) {
      return Fail(ErrorCode::kInvalidInput,
                  std::string(what) + " is not valid UTF-8 (byte " + std::to_string(pos) + ")");
    }
    if (IsControl(code_point)) {
      return Fail(ErrorCode::kInvalidInput, std::string(what) +
                                                " contains a control character at character " +
                                                std::to_string(count + 1));
    }
    pos += length;
  }
  if (count < min_chars || count > max_chars) {
    return Fail(ErrorCode::kInvalidInput,
                std::string(what) + " must be " + std::to_string(min_chars) + " to " +
                    std::to_string(max_chars) + " characters, got " + std::to_string(count));
  }
  return {};
}

}  // namespace sentinel
