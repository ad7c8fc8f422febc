#include "aws/identity_cache.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "aws/crypto.h"
#include "core/time_format.h"

namespace sentinel::aws {
namespace {

namespace fs = std::filesystem;

// An entry is a few hundred bytes; anything much larger is not ours.
constexpr std::size_t kMaxEntrySize = 64 * 1024;

// The hex SHA-256 that names an entry. The secret goes into the hash so that a rotated
// secret misses, and only through the hash so that the name reveals nothing.
std::string EntryName(const Credentials& credentials) {
  std::string material = credentials.access_key_id + "\n" + credentials.secret_access_key.Reveal();
  auto digest = Sha256(material);
  explicit_bzero(material.data(), material.size());
  return digest ? LowerHex(*digest) : std::string();
}

std::string EncodeEntry(const CallerIdentity& identity, TimePoint cached_at) {
  const nlohmann::json entry = {{"arn", identity.arn},
                                {"account", identity.account},
                                {"user_id", identity.user_id},
                                {"cached_at", FormatTime(cached_at)}};
  // Replace, not throw, on invalid UTF-8: a value that does not round-trip just misses.
  return entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

Result<fs::path> IdentityCacheDirectory(std::string_view xdg_cache_home, std::string_view home) {
  if (!xdg_cache_home.empty() && xdg_cache_home.front() == '/') {
    return fs::path(xdg_cache_home) / "sentinel";
  }
  if (!home.empty() && home.front() == '/') {
    return fs::path(home) / ".cache" / "sentinel";
  }
  return Fail(ErrorCode::kUnavailable,
              "identity cache: neither XDG_CACHE_HOME nor HOME is an absolute path");
}

Result<fs::path> DefaultIdentityCacheDirectory() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  return IdentityCacheDirectory(xdg == nullptr ? "" : xdg, home == nullptr ? "" : home);
}

IdentityCache::IdentityCache(fs::path directory, const Clock& clock, DebugHook debug)
    : files_(std::move(directory), "identity cache", kMaxEntrySize, std::move(debug)),
      clock_(clock) {}

fs::path IdentityCache::EntryPath(const Credentials& credentials) const {
  const std::string name = EntryName(credentials);
  if (name.empty()) {
    return {};  // never a shared fallback name: that would mix up callers
  }
  return files_.directory() / (name + ".json");
}

std::optional<CallerIdentity> IdentityCache::Lookup(const Credentials& credentials) const {
  const fs::path path = EntryPath(credentials);
  if (path.empty()) {
    files_.Debug("cannot hash the key to name its entry");
    return std::nullopt;
  }
  auto text = files_.Read(path.filename(), credentials.access_key_id);
  if (!text) {
    return std::nullopt;
  }
  return Decode(path, *text);
}

std::optional<CallerIdentity> IdentityCache::Decode(const fs::path& path,
                                                    std::string_view text) const {
  auto ignore = [&](const std::string& why) -> std::optional<CallerIdentity> {
    files_.Debug("ignoring " + path.string() + ": " + why);
    return std::nullopt;
  };
  const nlohmann::json entry = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (entry.is_discarded() || !entry.is_object()) {
    return ignore("not a JSON object");
  }
  std::array<std::string, 4> values;
  const std::array<const char*, 4> keys = {"arn", "account", "user_id", "cached_at"};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto field = entry.find(keys[i]);
    if (field == entry.end() || !field->is_string() ||
        field->get_ref<const std::string&>().empty()) {
      return ignore(std::string("missing or empty \"") + keys[i] + "\"");
    }
    values[i] = field->get<std::string>();
  }

  auto cached_at = ParseTime(values[3]);
  if (!cached_at) {
    return ignore("cached_at is not an RFC 3339 time");
  }
  const TimePoint now = clock_.Now();
  if (*cached_at > now) {
    return ignore("cached_at " + values[3] + " is in the future");
  }
  if (now - *cached_at >= kIdentityCacheTtl) {
    return ignore("expired (cached_at " + values[3] + ")");
  }
  files_.Debug("using " + path.string() + " (cached_at " + values[3] + ")");
  return CallerIdentity{std::move(values[0]), std::move(values[1]), std::move(values[2])};
}

Status IdentityCache::Store(const Credentials& credentials, const CallerIdentity& identity) const {
  const fs::path path = EntryPath(credentials);
  if (path.empty()) {
    return Fail(ErrorCode::kUnavailable, "identity cache: cannot hash the key to name its entry");
  }
  std::string text;
  try {
    text = EncodeEntry(identity, clock_.Now());
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kUnavailable,
                "identity cache: encoding " + path.string() + ": " + e.what());
  }
  if (auto written = files_.Write(path.filename(), text); !written) {
    return written;
  }
  files_.Debug("stored " + path.string() + " for " + credentials.access_key_id);
  return {};
}

Result<CallerIdentity> IdentityCache::GetOrFetch(
    const Credentials& credentials, const std::function<Result<CallerIdentity>()>& fetch) const {
  if (auto cached = Lookup(credentials)) {
    return *cached;
  }
  auto fetched = fetch();
  if (!fetched) {
    return fetched;
  }
  if (auto stored = Store(credentials, *fetched); !stored) {
    files_.Debug(stored.error());
  }
  return fetched;
}

}  // namespace sentinel::aws
