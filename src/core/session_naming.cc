#include "core/session_naming.h"

namespace sentinel {
namespace {

bool IsStsIdentityChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

}  // namespace

std::string RoleSessionName(std::string_view request_id) {
  return "sentinel-" + std::string(request_id);
}

std::string SourceIdentity(std::string_view user, std::string_view request_id) {
  constexpr std::string_view kPrefix = "sentinel.";
  const std::size_t fixed = kPrefix.size() + 1 + request_id.size();
  const std::size_t room = fixed < kMaxSourceIdentityLength ? kMaxSourceIdentityLength - fixed : 0;

  std::string out(kPrefix);
  for (std::size_t i = 0; i < user.size() && i < room; ++i) {
    out += IsStsIdentityChar(user[i]) ? user[i] : '_';
  }
  out += '.';
  out += request_id;
  return out;
}

}  // namespace sentinel
