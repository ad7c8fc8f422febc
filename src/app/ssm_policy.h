// The policy read from an SSM Parameter Store parameter, through the shared policy cache.
#ifndef SENTINEL_APP_SSM_POLICY_H_
#define SENTINEL_APP_SSM_POLICY_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "app/ports.h"
#include "aws/ssm.h"
#include "core/clock.h"
#include "core/error.h"

namespace sentinel::app {

// Where the parameter lives and how it is cached.
struct SsmPolicyOptions {
  std::string name;          // the parameter name: "/sentinel/policies/default"
  std::string endpoint_url;  // the SSM endpoint asked
  std::string region;        // its signing region
  // Who reads it (e.g. "profile:base" or "key:AKIA..."); never a secret. Part of the cache
  // key, so that profiles of different accounts never share an entry.
  std::string reader;
  std::chrono::seconds cache_ttl{300};          // zero or less: no cache, every Load() fetches
  std::filesystem::path cache_directory;        // empty: no cache
  std::function<void(std::string_view)> debug;  // may be empty
};

// The policy text with the source it came from, for `policy validate` and `explain`.
struct PolicyText {
  std::string source;  // "ssm:/sentinel/policies/default (version 3)"
  std::string text;
};

// Fetches the parameter (GetParameter with decryption); the caller binds the client and
// the base credentials.
using ParameterFetch = std::function<Result<aws::SsmParameter>()>;

// Loads the policy from a String or SecureString parameter. A fresh entry of the policy
// cache (app/policy_cache.h) is used instead of fetching while now < fetched_at +
// cache_ttl; otherwise the parameter is fetched and the cache rewritten. A cache that
// cannot be read or written only costs the fetch. Fails closed: when the fetch fails and
// no fresh entry exists, Load() fails; a stale entry is never used.
// The source reported is "ssm:<name> (version <N>)". `clock` must outlive the object.
// Not thread-safe.
class SsmPolicy final : public PolicyPort {
 public:
  SsmPolicy(SsmPolicyOptions options, ParameterFetch fetch, const Clock& clock);

  // Fails with kInvalidInput for a parameter that does not exist, is a StringList, or does
  // not parse ("loading policy ssm:/p (version 3): line L, ..."), and with kUnavailable
  // when SSM cannot be asked or refuses (AccessDeniedException, throttling, transport).
  // SSM's errors keep their code in the message: "loading policy ssm:/p: ssm
  // GetParameter: ParameterNotFound: ...".
  [[nodiscard]] Result<LoadedPolicy> Load() override;
  std::string SourceUri() const override { return "ssm:" + options_.name; }

  // The policy text and its versioned source, from the cache or SSM as Load() gets it,
  // without parsing it. Fails as Load() does, except for parse errors.
  [[nodiscard]] Result<PolicyText> ReadText();

  // The cache key: the URI, endpoint, region and reader, one per line.
  std::string CacheKey() const;

 private:
  void Debug(const std::string& line) const;

  SsmPolicyOptions options_;
  ParameterFetch fetch_;
  const Clock& clock_;
};

}  // namespace sentinel::app

#endif  // SENTINEL_APP_SSM_POLICY_H_
