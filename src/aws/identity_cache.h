// A per-user file cache of GetCallerIdentity results, so that every credential_process
// call does not cost an STS round trip.
#ifndef SENTINEL_AWS_IDENTITY_CACHE_H_
#define SENTINEL_AWS_IDENTITY_CACHE_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "aws/credentials.h"
#include "aws/private_cache.h"
#include "aws/sts.h"
#include "core/clock.h"
#include "core/error.h"

namespace sentinel::aws {

// How long a cached identity is believed: an entry exactly this old is already a miss.
inline constexpr std::chrono::seconds kIdentityCacheTtl{15 * 60};

// Receives one line of diagnostics for --debug. Lines never contain a secret.
using DebugHook = std::function<void(std::string_view)>;

// The cache directory for the given environment values: `xdg_cache_home`/sentinel when
// that is an absolute path (the XDG rule: a relative one is ignored), else
// `home`/.cache/sentinel. Fails with kUnavailable when neither gives an absolute path.
[[nodiscard]] Result<std::filesystem::path> IdentityCacheDirectory(std::string_view xdg_cache_home,
                                                                   std::string_view home);

// IdentityCacheDirectory for this process's XDG_CACHE_HOME and HOME.
[[nodiscard]] Result<std::filesystem::path> DefaultIdentityCacheDirectory();

// GetCallerIdentity results, one file per base key in `directory`:
//   - the file is named by the hex SHA-256 of access key id + "\n" + secret key, so a
//     rotated secret misses and the name reveals neither;
//   - it holds JSON {"arn","account","user_id","cached_at"} and no secret;
//   - the directory is created 0700 (and tightened to 0700 if it is ours and looser),
//     files are 0600 and replaced atomically (temporary file + rename).
// An entry is used only when it is a regular file without a second hard link, owned by
// this user with no group or other permissions, in a directory owned by this user that no
// one else can write, well-formed, and cached less than kIdentityCacheTtl ago and not in
// the future by `clock`. Anything else is a miss, reported through `debug`. Cache
// failures never fail the caller. Methods are const and safe to call from several threads
// and processes.
class IdentityCache {
 public:
  // `clock` must outlive the cache. `debug` may be empty.
  IdentityCache(std::filesystem::path directory, const Clock& clock, DebugHook debug = {});

  // The cached identity for `credentials`, or nullopt on a miss of any kind.
  std::optional<CallerIdentity> Lookup(const Credentials& credentials) const;

  // Records `identity` for `credentials`, stamped with the clock's time. Fails with
  // kUnavailable naming the path when the directory or file cannot be written safely;
  // callers normally ignore this (GetOrFetch does, after telling `debug`).
  [[nodiscard]] Status Store(const Credentials& credentials, const CallerIdentity& identity) const;

  // Lookup(), and on a miss `fetch()`, storing a successful result. Returns fetch's
  // error unchanged; a cache that cannot be read or written only costs the fetch.
  [[nodiscard]] Result<CallerIdentity> GetOrFetch(
      const Credentials& credentials, const std::function<Result<CallerIdentity>()>& fetch) const;

  // The file that holds (or would hold) the entry for `credentials`; empty only if
  // hashing failed, in which case nothing is cached.
  std::filesystem::path EntryPath(const Credentials& credentials) const;

  const std::filesystem::path& directory() const { return files_.directory(); }

 private:
  std::optional<CallerIdentity> Decode(const std::filesystem::path& path,
                                       std::string_view text) const;

  PrivateCacheDirectory files_;
  const Clock& clock_;
};

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_IDENTITY_CACHE_H_
