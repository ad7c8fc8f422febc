#include "aws/printable.h"

namespace sentinel::aws {

std::string Printable(std::string_view text, std::size_t max_length) {
  const bool cut = text.size() > max_length;
  if (cut) {
    text = text.substr(0, max_length);
  }
  std::string out;
  out.reserve(text.size() + 3);
  for (char c : text) {
    out += (c >= 0x20 && c <= 0x7E) ? c : '?';
  }
  if (cut) {
    out += "...";
  }
  return out;
}

}  // namespace sentinel::aws
