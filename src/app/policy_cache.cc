#include "app/policy_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
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

std::string ErrnoText(int error) { return std::strerror(error); }

std::string ModeText(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  int get() const { return fd_; }
  // Closes now, reporting the error that close() may be the first to see.
  int Close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

// Reads at most kMaxEntrySize + 1 bytes, so an oversized file is recognised as such.
Result<std::string> ReadAll(int fd) {
  std::string text;
  char buffer[8192];
  while (text.size() <= kMaxEntrySize) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return Fail(ErrorCode::kUnavailable, ErrnoText(errno));
    }
    if (n == 0) {
      return text;
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return Fail(ErrorCode::kUnavailable, "larger than " + std::to_string(kMaxEntrySize) + " bytes");
}

Status WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return Fail(ErrorCode::kUnavailable, ErrnoText(errno));
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// Why a file's metadata makes it untrustworthy, or "" when it is fine.
std::string UntrustedFileReason(const struct stat& info) {
  if (!S_ISREG(info.st_mode)) {
    return "not a regular file";
  }
  if (info.st_uid != ::geteuid()) {
    return "owned by uid " + std::to_string(info.st_uid) + ", not by this user";
  }
  if ((info.st_mode & 077) != 0) {
    return "group- or world-accessible (mode " + ModeText(info.st_mode) + ")";
  }
  // A second link could be another user's hard link made to swap entries around.
  if (info.st_nlink > 1) {
    return "has " + std::to_string(info.st_nlink) + " links";
  }
  return {};
}

// Creates `path` and any missing ancestors with mode 0700, as XDG asks of cache homes.
Status MakeDirectories(const fs::path& path) {
  fs::path partial;
  for (const fs::path& part : path) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return Fail(ErrorCode::kUnavailable,
                  "policy cache: creating " + partial.string() + ": " + ErrnoText(errno));
    }
  }
  return {};
}

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
    : directory_(std::move(directory)), clock_(clock), debug_(std::move(debug)) {}

fs::path PolicyCache::EntryPath(std::string_view key) const {
  auto digest = aws::Sha256(key);
  if (!digest) {
    return {};  // never a shared fallback name: that would mix up sources
  }
  return directory_ / (aws::LowerHex(*digest) + ".json");
}

void PolicyCache::Debug(const std::string& line) const {
  if (debug_) {
    debug_(line);
  }
}

bool PolicyCache::DirectoryIsPrivate() const {
  struct stat info {};
  if (::stat(directory_.c_str(), &info) != 0) {
    return false;
  }
  if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid() || (info.st_mode & 022) != 0) {
    Debug("policy cache: ignoring " + directory_.string() +
          ": not a directory owned by this user and writable only by it (mode " +
          ModeText(info.st_mode) + ")");
    return false;
  }
  return true;
}

std::optional<CachedPolicy> PolicyCache::Lookup(std::string_view key,
                                                std::chrono::seconds ttl) const {
  if (ttl <= std::chrono::seconds::zero()) {
    return std::nullopt;
  }
  const fs::path path = EntryPath(key);
  if (path.empty()) {
    Debug("policy cache: cannot hash the source to name its entry");
    return std::nullopt;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    Debug("policy cache: no entry" +
          (error == ENOENT ? std::string() : " (" + path.string() + ": " + ErrnoText(error) + ")"));
    return std::nullopt;
  }
  FileDescriptor file(fd);
  if (!DirectoryIsPrivate()) {
    return std::nullopt;
  }
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) {
    Debug("policy cache: ignoring " + path.string() + ": " + ErrnoText(errno));
    return std::nullopt;
  }
  if (const std::string reason = UntrustedFileReason(info); !reason.empty()) {
    Debug("policy cache: ignoring " + path.string() + ": " + reason);
    return std::nullopt;
  }
  auto text = ReadAll(file.get());
  if (!text) {
    Debug("policy cache: ignoring " + path.string() + ": " + text.error().message());
    return std::nullopt;
  }
  return Decode(path, key, ttl, *text);
}

std::optional<CachedPolicy> PolicyCache::Decode(const fs::path& path, std::string_view key,
                                                std::chrono::seconds ttl,
                                                std::string_view text) const {
  auto ignore = [&](const std::string& why) -> std::optional<CachedPolicy> {
    Debug("policy cache: ignoring " + path.string() + ": " + why);
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
  Debug("policy cache: using " + path.string() + " (" + policy.uri + " version " +
        std::to_string(policy.version) + ", fetched_at " + *fetched_text + ")");
  return policy;
}

Status PolicyCache::EnsureDirectory() const {
  if (auto made = MakeDirectories(directory_); !made) {
    return made;
  }
  struct stat info {};
  if (::stat(directory_.c_str(), &info) != 0) {
    return Fail(ErrorCode::kUnavailable,
                "policy cache: " + directory_.string() + ": " + ErrnoText(errno));
  }
  if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid()) {
    return Fail(ErrorCode::kUnavailable,
                "policy cache: " + directory_.string() + " is not a directory owned by this user");
  }
  // Ours but looser than 0700: tighten it rather than leave policies where others can
  // list or replace them.
  if ((info.st_mode & 077) != 0 && ::chmod(directory_.c_str(), 0700) != 0) {
    return Fail(ErrorCode::kUnavailable, "policy cache: restricting " + directory_.string() +
                                             " to mode 0700: " + ErrnoText(errno));
  }
  return {};
}

Status PolicyCache::Store(std::string_view key, const CachedPolicy& policy) const {
  const fs::path path = EntryPath(key);
  if (path.empty()) {
    return Fail(ErrorCode::kUnavailable, "policy cache: cannot hash the source to name its entry");
  }
  if (auto ready = EnsureDirectory(); !ready) {
    return ready;
  }
  std::string temp = (directory_ / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return Fail(ErrorCode::kUnavailable, "policy cache: creating a file in " + directory_.string() +
                                             ": " + ErrnoText(errno));
  }
  FileDescriptor file(fd);
  auto fail = [&](std::string_view what, const std::string& why) -> Status {
    ::unlink(temp.c_str());
    return Fail(ErrorCode::kUnavailable,
                "policy cache: " + std::string(what) + " " + path.string() + ": " + why);
  };

  std::string text;
  try {
    text = EncodeEntry(key, policy);
  } catch (const std::exception& e) {
    return fail("encoding", e.what());
  }
  if (::fchmod(file.get(), 0600) != 0) {
    return fail("restricting", ErrnoText(errno));
  }
  if (auto written = WriteAll(file.get(), text); !written) {
    return fail("writing", written.error().message());
  }
  if (::fsync(file.get()) != 0 || file.Close() != 0) {
    return fail("writing", ErrnoText(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return fail("replacing", ErrnoText(errno));
  }
  Debug("policy cache: stored " + path.string() + " (" + policy.uri + " version " +
        std::to_string(policy.version) + ")");
  return {};
}

}  // namespace sentinel::app
