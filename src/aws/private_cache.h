// A directory of small files that only this user may read or write: the caches sentinel
// keeps between processes (the caller identity, policies read from SSM).
#ifndef SENTINEL_AWS_PRIVATE_CACHE_H_
#define SENTINEL_AWS_PRIVATE_CACHE_H_

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sentinel::aws {

// Reads and writes entries (files) in one directory.
//   - An entry is read only when the directory is owned by this user and writable by no
//     one else, and the entry is a regular file (never followed through a symbolic link)
//     with one link, owned by this user, with no group or other permissions, and at most
//     `max_entry_size` bytes. Anything else is a miss, reported through `debug`.
//   - Writing creates the directory and its missing ancestors with mode 0700 (tightening
//     the directory itself to 0700 when it is ours and looser), and replaces the entry
//     atomically: a temporary file of mode 0600, renamed over it. It is not synced to disk:
//     a cache entry lost to a crash only costs a fetch.
// Every message starts with `label` ("identity cache: ..."). Methods are const and safe to
// call from several threads and processes.
class PrivateCacheDirectory {
 public:
  using DebugHook = std::function<void(std::string_view)>;

  // `debug` may be empty.
  PrivateCacheDirectory(std::filesystem::path directory, std::string label,
                        std::size_t max_entry_size, DebugHook debug = {});

  // The text of entry `name` (a file name), or nullopt on a miss of any kind. `subject`
  // names what was looked for in the debug line of a missing entry ("no entry for X").
  std::optional<std::string> Read(const std::string& name, std::string_view subject = {}) const;

  // Replaces entry `name` with `text`. Fails with kUnavailable "<label>: <what> <path>:
  // <why>" when the directory or the file cannot be written safely.
  [[nodiscard]] Status Write(const std::string& name, std::string_view text) const;

  // Tells `debug`, when there is one, "<label>: <line>".
  void Debug(const std::string& line) const;
  // Tells `debug` a failure's message as it is: Write's already start with the label.
  void Debug(const Error& failure) const;

  const std::filesystem::path& directory() const { return directory_; }

 private:
  bool DirectoryIsPrivate() const;
  Status EnsureDirectory() const;

  std::filesystem::path directory_;
  std::string label_;
  std::size_t max_entry_size_;
  DebugHook debug_;
};

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_PRIVATE_CACHE_H_
