#include "aws/quoted.h"

#include <cstdio>

namespace sentinel::aws {

std::string Quoted(std::string_view text, std::size_t max_length) {
  std::string out = "'";
  const std::size_t shown = text.size() < max_length ? text.size() : max_length;
  for (std::size_t i = 0; i < shown; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\'' || byte == '\\') {
      out += '\\';
      out += static_cast<char>(byte);
    } else if (byte >= 0x20 && byte <= 0x7e) {
      out += static_cast<char>(byte);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", byte);
      out += escaped;
    }
  }
  if (shown < text.size()) {
    out += "...";
  }
  out += "'";
  return out;
}

}  // namespace sentinel::aws
