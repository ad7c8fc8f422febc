// Character rules that IAM and STS share for names: user and role names, role session
// names and source identities.
#ifndef SENTINEL_AWS_AWS_NAMES_H_
#define SENTINEL_AWS_AWS_NAMES_H_

#include <string_view>

namespace sentinel::aws {

// True for the characters IAM and STS allow in names: A-Z a-z 0-9 and _ + = , . @ -
// (the `[\w+=,.@-]` of the AWS API reference, where \w is ASCII only).
constexpr bool IsAwsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

// True when `name` is `min_length` to `max_length` characters, all IsAwsNameChar.
constexpr bool IsAwsName(std::string_view name, std::size_t min_length, std::size_t max_length) {
  if (name.size() < min_length || name.size() > max_length) {
    return false;
  }
  for (char c : name) {
    if (!IsAwsNameChar(c)) {
      return false;
    }
  }
  return true;
}

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_AWS_NAMES_H_
