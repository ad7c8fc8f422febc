#include "aws/environment.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "aws/quoted.h"

namespace sentinel::aws {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Expands `$NAME` and `${NAME}`; a reference to an unset variable, a `$` not followed by a
// name and an unclosed `${` are kept verbatim, so a path with a literal `$` still works.
std::string ExpandVariables(std::string_view path, const Environment& env) {
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] != '$' || i + 1 >= path.size()) {
      out += path[i++];
      continue;
    }
    std::size_t name_start = i + 1;
    std::size_t name_end = name_start;
    std::size_t ref_end = 0;
    if (path[name_start] == '{') {
      const std::size_t close = path.find('}', name_start);
      if (close == std::string_view::npos) {
        out += path[i++];
        continue;
      }
      name_start += 1;
      name_end = close;
      ref_end = close + 1;
    } else {
      while (name_end < path.size() && IsNameChar(path[name_end])) {
        ++name_end;
      }
      ref_end = name_end;
    }
    const std::string_view name = path.substr(name_start, name_end - name_start);
    const std::optional<std::string> value = name.empty() ? std::nullopt : env.Get(name);
    if (value.has_value()) {
      out += *value;
    } else {
      out += path.substr(i, ref_end - i);
    }
    i = ref_end;
  }
  return out;
}

}  // namespace

std::optional<std::string> ProcessEnvironment::Get(std::string_view name) const {
  const std::string key(name);
  const char* value = std::getenv(key.c_str());
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

std::optional<std::string> ProcessEnvironment::HomeDirectory() const {
  if (auto home = Get("HOME")) {
    return home;
  }
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr ||
      found->pw_dir == nullptr || *found->pw_dir == '\0') {
    return std::nullopt;
  }
  return std::string(found->pw_dir);
}

std::optional<std::string> MapEnvironment::Get(std::string_view name) const {
  const auto it = variables_.find(name);
  if (it == variables_.end() || it->second.empty()) {
    return std::nullopt;
  }
  return it->second;
}

void MapEnvironment::Unset(std::string_view name) {
  const auto it = variables_.find(name);
  if (it != variables_.end()) {
    variables_.erase(it);
  }
}

Result<std::string> ExpandPath(std::string_view path, const Environment& env) {
  std::string expanded = ExpandVariables(path, env);
  if (expanded.empty() || expanded[0] != '~') {
    return expanded;
  }
  if (expanded.size() > 1 && expanded[1] != '/') {
    return expanded;  // `~user/...`: not expanded, see the header
  }
  const std::optional<std::string> home = env.HomeDirectory();
  if (!home.has_value()) {
    return Fail(ErrorCode::kInvalidInput,
                "expanding path " + Quoted(expanded) +
                    ": HOME is not set and the home directory is unknown");
  }
  // Like the CLI, drop a trailing '/' of the home directory so "~/x" never yields "//x".
  std::string base = *home;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  std::string result = base + expanded.substr(1);
  return result.empty() ? std::string("/") : result;
}

}  // namespace sentinel::aws
