#include "aws/identity_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

// The hex SHA-256 that names an entry. The secret goes into the hash so that a rotated
// secret misses, and only through the hash so that the name reveals nothing.
std::string EntryName(const Credentials& credentials) {
  std::string material = credentials.access_key_id + "\n" + credentials.secret_access_key.Reveal();
  auto digest = Sha256(material);
  explicit_bzero(material.data(), material.size());
  return digest ? LowerHex(*digest) : std::string();
}

// Reads at most kMaxEntrySize + 1 bytes, so an oversized file is recognised as such.
Result<std::string> ReadAll(int fd) {
  std::string text;
  char buffer[4096];
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
  // A second link could be another user's hard link made to swap entries around. Zero
  // links is fine: a writer replaced the entry after we opened it, and what we read is
  // still a whole entry.
  if (info.st_nlink > 1) {
    return "has " + std::to_string(info.st_nlink) + " links";
  }
  return {};
}

std::string EncodeEntry(const CallerIdentity& identity, TimePoint cached_at) {
  const nlohmann::json entry = {{"arn", identity.arn},
                                {"account", identity.account},
                                {"user_id", identity.user_id},
                                {"cached_at", FormatTime(cached_at)}};
  // Replace, not throw, on invalid UTF-8: a value that does not round-trip just misses.
  return entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Creates `path` and any missing ancestors with mode 0700, as XDG asks of cache homes.
Status MakeDirectories(const fs::path& path) {
  fs::path partial;
  for (const fs::path& part : path) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return Fail(ErrorCode::kUnavailable,
                  "identity cache: creating " + partial.string() + ": " + ErrnoText(errno));
    }
  }
  return {};
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
    : directory_(std::move(directory)), clock_(clock), debug_(std::move(debug)) {}

fs::path IdentityCache::EntryPath(const Credentials& credentials) const {
  const std::string name = EntryName(credentials);
  if (name.empty()) {
    return {};  // never a shared fallback name: that would mix up callers
  }
  return directory_ / (name + ".json");
}

void IdentityCache::Debug(const std::string& line) const {
  if (debug_) {
    debug_(line);
  }
}

bool IdentityCache::DirectoryIsPrivate() const {
  struct stat info {};
  if (::stat(directory_.c_str(), &info) != 0) {
    return false;
  }
  if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid() || (info.st_mode & 022) != 0) {
    Debug("identity cache: ignoring " + directory_.string() +
          ": not a directory owned by this user and writable only by it (mode " +
          ModeText(info.st_mode) + ")");
    return false;
  }
  return true;
}

std::optional<CallerIdentity> IdentityCache::Lookup(const Credentials& credentials) const {
  const fs::path path = EntryPath(credentials);
  if (path.empty()) {
    Debug("identity cache: cannot hash the key to name its entry");
    return std::nullopt;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    Debug("identity cache: no entry for " + credentials.access_key_id +
          (error == ENOENT ? std::string() : " (" + path.string() + ": " + ErrnoText(error) + ")"));
    return std::nullopt;
  }
  FileDescriptor file(fd);
  if (!DirectoryIsPrivate()) {
    return std::nullopt;
  }

  struct stat info {};
  if (::fstat(file.get(), &info) != 0) {
    Debug("identity cache: ignoring " + path.string() + ": " + ErrnoText(errno));
    return std::nullopt;
  }
  if (const std::string reason = UntrustedFileReason(info); !reason.empty()) {
    Debug("identity cache: ignoring " + path.string() + ": " + reason);
    return std::nullopt;
  }
  auto text = ReadAll(file.get());
  if (!text) {
    Debug("identity cache: ignoring " + path.string() + ": " + text.error().message());
    return std::nullopt;
  }
  return Decode(path, *text);
}

std::optional<CallerIdentity> IdentityCache::Decode(const fs::path& path,
                                                    std::string_view text) const {
  auto ignore = [&](const std::string& why) -> std::optional<CallerIdentity> {
    Debug("identity cache: ignoring " + path.string() + ": " + why);
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
  Debug("identity cache: using " + path.string() + " (cached_at " + values[3] + ")");
  return CallerIdentity{std::move(values[0]), std::move(values[1]), std::move(values[2])};
}

Status IdentityCache::EnsureDirectory() const {
  if (auto made = MakeDirectories(directory_); !made) {
    return made;
  }
  struct stat info {};
  if (::stat(directory_.c_str(), &info) != 0) {
    return Fail(ErrorCode::kUnavailable,
                "identity cache: " + directory_.string() + ": " + ErrnoText(errno));
  }
  if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid()) {
    return Fail(ErrorCode::kUnavailable, "identity cache: " + directory_.string() +
                                             " is not a directory owned by this user");
  }
  // Ours but looser than 0700 (made by hand, or under another umask): tighten it rather
  // than write identities where others can list or replace them.
  if ((info.st_mode & 077) != 0 && ::chmod(directory_.c_str(), 0700) != 0) {
    return Fail(ErrorCode::kUnavailable, "identity cache: restricting " + directory_.string() +
                                             " to mode 0700: " + ErrnoText(errno));
  }
  return {};
}

Status IdentityCache::Store(const Credentials& credentials, const CallerIdentity& identity) const {
  const fs::path path = EntryPath(credentials);
  if (path.empty()) {
    return Fail(ErrorCode::kUnavailable, "identity cache: cannot hash the key to name its entry");
  }
  if (auto ready = EnsureDirectory(); !ready) {
    return ready;
  }
  std::string temp = (directory_ / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return Fail(ErrorCode::kUnavailable, "identity cache: creating a file in " +
                                             directory_.string() + ": " + ErrnoText(errno));
  }
  FileDescriptor file(fd);
  auto fail = [&](std::string_view what, const std::string& why) -> Status {
    ::unlink(temp.c_str());
    return Fail(ErrorCode::kUnavailable,
                "identity cache: " + std::string(what) + " " + path.string() + ": " + why);
  };

  std::string text;
  try {
    text = EncodeEntry(identity, clock_.Now());
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
  Debug("identity cache: stored " + path.string() + " for " + credentials.access_key_id);
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
    Debug(stored.error().message());
  }
  return fetched;
}

}  // namespace sentinel::aws
