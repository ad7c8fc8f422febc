#include "aws/http.h"

#include <algorithm>

namespace sentinel::aws {
namespace {

// Header names are ASCII tokens; the locale must not change how they compare.
char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool HeaderNameEquals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

std::string FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (HeaderNameEquals(key, name)) {
      return value;
    }
  }
  return {};
}

std::string RedactUrl(std::string_view url) {
  std::string result;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    const std::size_t authority_begin = scheme_end + 3;
    const std::size_t authority_end =
        std::min(url.find_first_of("/?#", authority_begin), url.size());
    std::string_view authority = url.substr(authority_begin, authority_end - authority_begin);
    // User info ("user:password@") may hold a password; only the host part is kept.
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);
    }
    result.append(url.substr(0, authority_begin)).append(authority);
    url.remove_prefix(authority_end);
  }
  result.append(url.substr(0, url.find_first_of("?#")));
  return result;
}

}  // namespace sentinel::aws
