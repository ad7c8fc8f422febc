#include "aws/private_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sentinel::aws {
namespace {

namespace fs = std::filesystem;

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

// Reads at most `max_size` + 1 bytes, so an oversized file is recognised as such.
Result<std::string> ReadAll(int fd, std::size_t max_size) {
  std::string text;
  char buffer[8192];
  while (text.size() <= max_size) {
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
  return Fail(ErrorCode::kUnavailable, "larger than " + std::to_string(max_size) + " bytes");
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

}  // namespace

PrivateCacheDirectory::PrivateCacheDirectory(fs::path directory, std::string label,
                                             std::size_t max_entry_size, DebugHook debug)
    : directory_(std::move(directory)),
      label_(std::move(label)),
      max_entry_size_(max_entry_size),
      debug_(std::move(debug)) {}

void PrivateCacheDirectory::Debug(const std::string& line) const {
  if (debug_) {
    debug_(label_ + ": " + line);
  }
}

void PrivateCacheDirectory::Debug(const Error& failure) const {
  if (debug_) {
    debug_(failure.message());
  }
}

bool PrivateCacheDirectory::DirectoryIsPrivate() const {
  struct stat info {};
  if (::stat(directory_.c_str(), &info) != 0) {
    return false;
  }
  if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid() || (info.st_mode & 022) != 0) {
    Debug("ignoring " + directory_.string() +
          ": not a directory owned by this user and writable only by it (mode " +
          ModeText(info.st_mode) + ")");
    return false;
  }
  return true;
}

std::optional<std::string> PrivateCacheDirectory::Read(const std::string& name,
                                                       std::string_view subject) const {
  const fs::path path = directory_ / name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    Debug("no entry" + (subject.empty() ? std::string() : " for " + std::string(subject)) +
          (error == ENOENT ? std::string() : " (" + path.string() + ": " + ErrnoText(error) + ")"));
    return std::nullopt;
  }
  FileDescriptor file(fd);
  if (!DirectoryIsPrivate()) {
    return std::nullopt;
  }

  struct stat info {};
  if (::fstat(file.get(), &info) != 0) {
    Debug("ignoring " + path.string() + ": " + ErrnoText(errno));
    return std::nullopt;
  }
  if (const std::string reason = UntrustedFileReason(info); !reason.empty()) {
    Debug("ignoring " + path.string() + ": " + reason);
    return std::nullopt;
  }
  auto text = ReadAll(file.get(), max_entry_size_);
  if (!text) {
    Debug("ignoring " + path.string() + ": " + text.error().message());
    return std::nullopt;
  }
  return std::move(*text);
}

Status PrivateCacheDirectory::EnsureDirectory() const {
  fs::path partial;
  for (const fs::path& part : directory_) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return Fail(ErrorCode::kUnavailable,
                  label_ + ": creating " + partial.string() + ": " + ErrnoText(errno));
    }
  }
  struct stat info {};
  if (::stat(directory_.c_str(), &info) != 0) {
    return Fail(ErrorCode::kUnavailable,
                label_ + ": " + directory_.string() + ": " + ErrnoText(errno));
  }
  if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid()) {
    return Fail(ErrorCode::kUnavailable,
                label_ + ": " + directory_.string() + " is not a directory owned by this user");
  }
  // Ours but looser than 0700 (made by hand, or under another umask): tighten it rather
  // than write entries where others can list or replace them.
  if ((info.st_mode & 077) != 0 && ::chmod(directory_.c_str(), 0700) != 0) {
    return Fail(ErrorCode::kUnavailable, label_ + ": restricting " + directory_.string() +
                                             " to mode 0700: " + ErrnoText(errno));
  }
  return {};
}

Status PrivateCacheDirectory::Write(const std::string& name, std::string_view text) const {
  if (auto ready = EnsureDirectory(); !ready) {
    return ready;
  }
  const fs::path path = directory_ / name;
  std::string temp = (directory_ / ("." + name + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return Fail(ErrorCode::kUnavailable,
                label_ + ": creating a file in " + directory_.string() + ": " + ErrnoText(errno));
  }
  FileDescriptor file(fd);
  auto fail = [&](std::string_view what, const std::string& why) -> Status {
    ::unlink(temp.c_str());
    return Fail(ErrorCode::kUnavailable,
                label_ + ": " + std::string(what) + " " + path.string() + ": " + why);
  };

  if (::fchmod(file.get(), 0600) != 0) {
    return fail("restricting", ErrnoText(errno));
  }
  if (auto written = WriteAll(file.get(), text); !written) {
    return fail("writing", written.error().message());
  }
  // No fsync: an entry lost or cut short by a crash is a miss the reader detects, and the
  // wait for the disk would be paid by the command that fetched it.
  if (file.Close() != 0) {
    return fail("writing", ErrnoText(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return fail("replacing", ErrnoText(errno));
  }
  return {};
}

}  // namespace sentinel::aws
