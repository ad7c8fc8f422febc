#include "app/ssm_policy.h"

#include <utility>

#include "app/file_policy.h"
#include "app/policy_cache.h"

namespace sentinel::app {
namespace {

std::string VersionedSource(const std::string& uri, std::int64_t version) {
  return uri + " (version " + std::to_string(version) + ")";
}

}  // namespace

SsmPolicy::SsmPolicy(SsmPolicyOptions options, ParameterFetch fetch, const Clock& clock)
    : options_(std::move(options)), fetch_(std::move(fetch)), clock_(clock) {}

std::string SsmPolicy::CacheKey() const {
  return SourceUri() + "\n" + options_.endpoint_url + "\n" + options_.region + "\n" +
         options_.reader;
}

void SsmPolicy::Debug(const std::string& line) const {
  if (options_.debug) {
    options_.debug(line);
  }
}

Result<PolicyText> SsmPolicy::ReadText() {
  const std::string uri = SourceUri();
  const bool cached =
      options_.cache_ttl > std::chrono::seconds::zero() && !options_.cache_directory.empty();
  const PolicyCache cache(options_.cache_directory, clock_, options_.debug);
  if (cached) {
    if (auto entry = cache.Lookup(CacheKey(), options_.cache_ttl)) {
      return PolicyText{VersionedSource(uri, entry->version), std::move(entry->text)};
    }
  }

  const TimePoint fetched_at = clock_.Now();
  auto parameter = fetch_();
  if (!parameter) {
    // A parameter that is not there is a configuration mistake, like a missing file.
    const Error& error = parameter.error();
    const ErrorCode code =
        error.code() == ErrorCode::kNotFound ? ErrorCode::kInvalidInput : error.code();
    return Fail(Error(code, error.message(), error.hint()), "loading policy " + uri);
  }
  if (parameter->type != "String" && parameter->type != "SecureString") {
    return Fail(ErrorCode::kInvalidInput,
                "loading policy " + uri + ": the parameter is a " + parameter->type +
                    "; a policy must be a String or SecureString",
                "store the policy YAML as a String or SecureString parameter");
  }
  Debug("policy " + uri + ": fetched version " + std::to_string(parameter->version) + " (" +
        parameter->type + ")");

  if (cached) {
    const CachedPolicy entry{uri, parameter->version, fetched_at, parameter->value};
    if (auto stored = cache.Store(CacheKey(), entry); !stored) {
      Debug(stored.error().message());
    }
  }
  return PolicyText{VersionedSource(uri, parameter->version), std::move(parameter->value)};
}

Result<LoadedPolicy> SsmPolicy::Load() {
  auto text = ReadText();
  if (!text) {
    return std::unexpected(text.error());
  }
  return CompilePolicyText(text->text, text->source);
}

}  // namespace sentinel::app
