#include "app/policy_cache.h"

#include <exception>
#include <limits>
#include <nlohmann/json.hpp>

#include "aws/crypto.h"
#include "core/time_format.h"

namespace sentinel::app {
namespace {

namespace fs = std::filesystem;

// SSM parameters hold at most 8 KB; anything much larger is not ours.
constexpr std::size_t kMaxEntrySize = 1024 * 1024;

std::string EncodeEntry(std::string_view key, const CachedPolicy& policy) {
  const nlohmann::json entry = {{"key", key},
                                {"uri", policy.uri},
                                {"version", policy.version},
                                {"fetched_at", FormatTime(policy.fetched_at)},
                                {"text", policy.text}};
  // Replace, not throw, on invalid UTF-8: the key comparison then misses such an entry.
  return entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

const std::string* StringField(const nlohmann::json& entry, const char* name) {
  const auto field = entry.find(name);
  if (field == entry.end() || !field->is_string()) {
    return nullptr;
  }
  return &field->get_ref<const std::string&>();
}

}  // namespace

Result<fs::path> PolicyCacheDirectory(std::string_view xdg_cache_home, std::string_view home) {
  if (!xdg_cache_home.empty() && xdg_cache_home.front() == '/') {
    return fs::path(xdg_cache_home) / "sentinel" / "policies";
  }
  if (!home.empty() && home.front() == '/') {
    return fs::path(home) / ".cache" / "sentinel" / "policies";
  }
  return Fail(ErrorCode::kUnavailable,
              "policy cache: neither XDG_CACHE_HOME nor HOME is an absolute path");
}

PolicyCache::PolicyCache(fs::path directory, const Clock& clock, DebugHook debug)
    : files_(std::move(directory), "policy cache", kMaxEntrySize, std::move(debug)),
      clock_(clock) {}

fs::path PolicyCache::EntryPath(std::string_view key) const {
  auto digest = aws::Sha256(key);
  if (!digest) {
    return {};  // never a shared fallback name: that would mix up sources
  }
  return files_.directory() / (aws::LowerHex(*digest) + ".json");
}

std::optional<CachedPolicy> PolicyCache::Lookup(std::string_view key,
                                                std::chrono::seconds ttl) const {
  if (ttl <= std::chrono::seconds::zero()) {
    return std::nullopt;
  }
  const fs::path path = EntryPath(key);
  if (path.empty()) {
    files_.Debug("cannot hash the source to name its entry");
    return std::nullopt;
  }
  auto text = files_.Read(path.filename());
  if (!text) {
    return std::nullopt;
  }
  return Decode(path, key, ttl, *text);
}

std::optional<CachedPolicy> PolicyCache::Decode(const fs::path& path, std::string_view key,
                                                std::chrono::seconds ttl,
                                                std::string_view text) const {
  auto ignore = [&](const std::string& why) -> std::optional<CachedPolicy> {
    files_.Debug("ignoring " + path.string() + ": " + why);
    return std::nullopt;
  };
  const nlohmann::json entry = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (entry.is_discarded() || !entry.is_object()) {
    return ignore("not a JSON object");
  }
  const std::string* stored_key = StringField(entry, "key");
  if (stored_key == nullptr || *stored_key != key) {
    return ignore("written for another source");
  }
  const std::string* uri = StringField(entry, "uri");
  const std::string* fetched_text = StringField(entry, "fetched_at");
  const std::string* policy_text = StringField(entry, "text");
  const auto version = entry.find("version");
  if (uri == nullptr || uri->empty() || fetched_text == nullptr || policy_text == nullptr ||
      version == entry.end() || !version->is_number_unsigned() ||
      version->get<std::uint64_t>() == 0 ||
      version->get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return ignore("missing or malformed fields");
  }
  auto fetched_at = ParseTime(*fetched_text);
  if (!fetched_at) {
    return ignore("fetched_at is not an RFC 3339 time");
  }
  const TimePoint now = clock_.Now();
  if (*fetched_at > now) {
    return ignore("fetched_at " + *fetched_text + " is in the future");
  }
  if (now >= *fetched_at + ttl) {
    return ignore("expired (fetched_at " + *fetched_text + ")");
  }
  CachedPolicy policy{*uri, static_cast<std::int64_t>(version->get<std::uint64_t>()), *fetched_at,
                      *policy_text};
  files_.Debug("using " + path.string() + " (" + policy.uri + " version " +
               std::to_string(policy.version) + ", fetched_at " + *fetched_text + ")");
  return policy;
}

Status PolicyCache::Store(std::string_view key, const CachedPolicy& policy) const {
  const fs::path path = EntryPath(key);
  if (path.empty()) {
    return Fail(ErrorCode::kUnavailable, "policy cache: cannot hash the source to name its entry");
  }
  std::string text;
  try {
    text = EncodeEntry(key, policy);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kUnavailable,
                "policy cache: encoding " + path.string() + ": " + e.what());
  }
  if (auto written = files_.Write(path.filename(), text); !written) {
    return written;
  }
  files_.Debug("stored " + path.string() + " (" + policy.uri + " version " +
               std::to_string(policy.version) + ")");
  return {};
}

}  // namespace sentinel::app
