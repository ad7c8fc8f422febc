// A per-user file cache of policy texts fetched from a remote source (SSM), shared by every
// sentinel process of the user, so that credential_process calls within policy_cache_ttl
// cost no round trip.
#ifndef SENTINEL_APP_POLICY_CACHE_H_
#define SENTINEL_APP_POLICY_CACHE_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "aws/private_cache.h"
#include "core/clock.h"
#include "core/error.h"

namespace sentinel::app {

// One cached policy text and what it is.
struct CachedPolicy {
  std::string uri;  // "ssm:/sentinel/policies/default"
  std::int64_t version = 0;
  TimePoint fetched_at;
  std::string text;
};

// The cache directory for the given environment values: `xdg_cache_home`/sentinel/policies
// when that is an absolute path, else `home`/.cache/sentinel/policies. Fails with
// kUnavailable when neither gives an absolute path.
[[nodiscard]] Result<std::filesystem::path> PolicyCacheDirectory(std::string_view xdg_cache_home,
                                                                 std::string_view home);

// Policy texts, one file per source in `directory`:
//   - an entry is found by a key that says everything identifying the source (the URI,
//     the endpoint, the region, whose credentials read it); the file is named by the key's
//     hex SHA-256 and the key is stored in it and compared on lookup;
//   - it holds JSON {"key","uri","version","fetched_at","text"}; the text is the policy as
//     fetched (decrypted for a SecureString), which is why entries are private;
//   - the directory is created 0700 (tightened to 0700 if it is ours and looser), files are
//     0600 and replaced atomically (temporary file + rename).
// An entry is used only when it is a regular file with one link, owned by this user without
// group or other permissions, in a directory owned by this user that no one else can
// write, well-formed, for the same key, and fetched at a time t with t <= now < t + ttl.
// Anything else is a miss, reported through `debug`: a stale entry is never returned.
// Methods are const and safe to call from several threads and processes.
class PolicyCache {
 public:
  using DebugHook = std::function<void(std::string_view)>;

  // `clock` must outlive the cache. `debug` may be empty.
  PolicyCache(std::filesystem::path directory, const Clock& clock, DebugHook debug = {});

  // The fresh entry for `key`, or nullopt on a miss of any kind. `ttl` of zero or less
  // always misses.
  std::optional<CachedPolicy> Lookup(std::string_view key, std::chrono::seconds ttl) const;

  // Records `policy` under `key`. Fails with kUnavailable naming the path when the
  // directory or file cannot be written safely; callers go on without the cache.
  [[nodiscard]] Status Store(std::string_view key, const CachedPolicy& policy) const;

  // The file that holds (or would hold) the entry for `key`; empty only if hashing failed,
  // in which case nothing is cached.
  std::filesystem::path EntryPath(std::string_view key) const;

 private:
  std::optional<CachedPolicy> Decode(const std::filesystem::path& path, std::string_view key,
                                     std::chrono::seconds ttl, std::string_view text) const;

  aws::PrivateCacheDirectory files_;
  const Clock& clock_;
};

}  // namespace sentinel::app

#endif  // SENTINEL_APP_POLICY_CACHE_H_
