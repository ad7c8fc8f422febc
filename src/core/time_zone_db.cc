#include "core/time_zone_db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>

namespace sentinel {
namespace {

constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxZoneFileBytes = 1 << 20;  // the largest real file is ~4 KiB

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '-' || c == '/';
}

// Closes a file descriptor on every path out.
class FileCloser {
 public:
  explicit FileCloser(int fd) : fd_(fd) {}
  ~FileCloser() { ::close(fd_); }
  FileCloser(const FileCloser&) = delete;
  FileCloser& operator=(const FileCloser&) = delete;

 private:
  int fd_;
};

std::unexpected<Error> NoSuchZone(std::string_view name) {
  return Fail(ErrorCode::kNotFound, "no time zone '" + std::string(name) + "'");
}

// Reads the whole regular file at `path`, up to kMaxZoneFileBytes. A missing file, or one
// that is not a regular file (a directory such as "Europe"), is kNotFound.
Result<std::string> ReadZoneFile(const std::string& path, std::string_view name) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return NoSuchZone(name);
    }
    return Fail(ErrorCode::kUnavailable, "reading time zone '" + std::string(name) + "' (" + path +
                                             "): " + std::strerror(errno));
  }
  FileCloser closer(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    return NoSuchZone(name);
  }
  std::string data;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return Fail(ErrorCode::kUnavailable, "reading time zone '" + std::string(name) + "' (" +
                                               path + "): " + std::strerror(errno));
    }
    if (got == 0) {
      return data;
    }
    data.append(buffer.data(), static_cast<std::size_t>(got));
    if (data.size() > kMaxZoneFileBytes) {
      return Fail(ErrorCode::kInvalidInput, "time zone '" + std::string(name) + "' (" + path +
                                                "): larger than " +
                                                std::to_string(kMaxZoneFileBytes) + " bytes");
    }
  }
}

// Whether the file at `path` starts with the TZif magic.
bool LooksLikeTzif(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  FileCloser closer(fd);
  std::array<char, 4> magic{};
  return ::read(fd, magic.data(), magic.size()) == 4 && std::string_view(magic.data(), 4) == "TZif";
}

}  // namespace

std::string TimeZoneDirectory() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && dir[0] != '\0' ? dir : "/usr/share/zoneinfo";
}

bool IsValidTimeZoneName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || !std::ranges::all_of(name, IsNameChar)) {
    return false;
  }
  if (name == "posixrules" || name == "Factory" || name.starts_with("posix/") ||
      name.starts_with("right/")) {
    return false;
  }
  std::size_t begin = 0;
  for (;;) {
    const std::size_t slash = name.find('/', begin);
    const std::string_view part = name.substr(begin, slash - begin);
    if (part.empty() || part == "." || part == "..") {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    begin = slash + 1;
  }
}

Result<TimeZone> ReadTimeZone(const std::string& directory, std::string_view name) {
  if (!IsValidTimeZoneName(name)) {
    return NoSuchZone(name);
  }
  const std::string path = directory + "/" + std::string(name);
  auto data = ReadZoneFile(path, name);
  if (!data) {
    return std::unexpected(data.error());
  }
  auto zone = TimeZone::FromTzif(std::string(name), *data);
  if (!zone) {
    return Fail(zone.error(), "time zone '" + std::string(name) + "' (" + path + ")");
  }
  return zone;
}

Result<const TimeZone*> LoadTimeZone(std::string_view name) {
  // Zones are never removed, so the pointers handed out stay valid; a policy with many
  // rules in one zone reads its file once.
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<const TimeZone>, std::less<>> zones;
  std::lock_guard lock(mutex);
  if (auto it = zones.find(name); it != zones.end()) {
    return it->second.get();
  }
  auto zone = ReadTimeZone(TimeZoneDirectory(), name);
  if (!zone) {
    return std::unexpected(zone.error());
  }
  auto [it, inserted] =
      zones.emplace(std::string(name), std::make_unique<const TimeZone>(std::move(*zone)));
  return it->second.get();
}

std::vector<std::string> ListTimeZones(const std::string& directory) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  std::error_code error;
  fs::recursive_directory_iterator it(directory, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const std::string name = it->path().lexically_relative(directory).generic_string();
    std::error_code entry_error;  // an unreadable entry is skipped, not the rest
    if (it->is_directory(entry_error)) {
      if (name == "posix" || name == "right") {
        it.disable_recursion_pending();  // copies of the zones, not offered
      }
      continue;
    }
    if (IsValidTimeZoneName(name) && it->is_regular_file(entry_error) &&
        LooksLikeTzif(it->path())) {
      names.push_back(name);
    }
  }
  std::ranges::sort(names);
  return names;
}

std::vector<std::string> ListTimeZones() {
  // Each unknown timezone in a policy asks for the list, to suggest a name: walk the tree
  // once per directory, not once per typo.
  static std::mutex mutex;
  static std::map<std::string, std::vector<std::string>, std::less<>> lists;
  const std::string directory = TimeZoneDirectory();
  std::lock_guard lock(mutex);
  auto it = lists.find(directory);
  if (it == lists.end()) {
    it = lists.emplace(directory, ListTimeZones(directory)).first;
  }
  return it->second;
}

}  // namespace sentinel
