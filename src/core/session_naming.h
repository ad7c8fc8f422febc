// Names sentinel stamps on every session it issues (SPEC section 5, step 5).
#ifndef SENTINEL_CORE_SESSION_NAMING_H_
#define SENTINEL_CORE_SESSION_NAMING_H_

#include <string>
#include <string_view>

namespace sentinel {

// STS limits SourceIdentity and RoleSessionName to 64 characters.
inline constexpr std::size_t kMaxSourceIdentityLength = 64;

// Returns "sentinel-<request_id>", the RoleSessionName of an issued session.
std::string RoleSessionName(std::string_view request_id);

// Returns "sentinel.<user>.<request_id>": `user` with every character outside STS's
// [A-Za-z0-9_+=,.@-] replaced by '_' (byte by byte, so a multi-byte UTF-8 character
// becomes several '_'), then truncated so the whole is at most 64 characters. The request
// id is never truncated, so the value stays unique and joinable with the decision log.
std::string SourceIdentity(std::string_view user, std::string_view request_id);

}  // namespace sentinel

#endif  // SENTINEL_CORE_SESSION_NAMING_H_
