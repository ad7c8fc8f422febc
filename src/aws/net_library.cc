#include "aws/net_library.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "aws/net_api.h"
#include "version.h"

namespace sentinel::aws {
namespace {

// dlerror's text for the last failure, or a stand-in: it is null when nothing failed.
std::string LastDlError() {
  const char* text = dlerror();
  return text != nullptr ? text : "unknown dynamic loader error";
}

// Looks `name` up in `library` and stores it in `entry`, whose type names the signature
// the header declares; libcurl's soname promises that signature.
template <typename Function>
Status Resolve(void* library, const char* file, const char* name, Function*& entry) {
  dlerror();  // clear a stale error, so the one read below is this lookup's
  void* symbol = dlsym(library, name);
  if (symbol == nullptr) {
    return Fail(ErrorCode::kUnavailable,
                std::string("loading ") + file + ": no symbol " + name + ": " + LastDlError());
  }
  entry = reinterpret_cast<Function*>(symbol);
  return {};
}

Status ResolveAll(void* library, const char* file, CurlLibrary& curl) {
  for (Status status : {
           Resolve(library, file, "curl_global_init", curl.global_init),
           Resolve(library, file, "curl_easy_init", curl.easy_init),
           Resolve(library, file, "curl_easy_cleanup", curl.easy_cleanup),
           Resolve(library, file, "curl_easy_reset", curl.easy_reset),
           Resolve(library, file, "curl_easy_setopt", curl.easy_setopt),
           Resolve(library, file, "curl_easy_perform", curl.easy_perform),
           Resolve(library, file, "curl_easy_getinfo", curl.easy_getinfo),
           Resolve(library, file, "curl_easy_strerror", curl.easy_strerror),
           Resolve(library, file, "curl_slist_append", curl.slist_append),
           Resolve(library, file, "curl_slist_free_all", curl.slist_free_all),
       }) {
    if (!status) {
      return status;
    }
  }
  return {};
}

}  // namespace

Result<CurlLibrary> OpenCurlLibrary(const char* file) {
  // RTLD_LOCAL keeps libcurl's dependencies (its own libssl and libcrypto among them) from
  // resolving symbols for anything else; RTLD_NOW makes a broken install fail here, at one
  // place with one message, rather than at some later call.
  void* library = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    return Fail(ErrorCode::kUnavailable, std::string("loading ") + file + ": " + LastDlError());
  }
  CurlLibrary curl{};
  if (auto resolved = ResolveAll(library, file, curl); !resolved) {
    // Not closed: unloading a library whose initialisers ran is not worth the risk.
    return std::unexpected(resolved.error());
  }
  return curl;
}

namespace {

// Refuses a module that someone other than root or this user could have written: it
// would run with the user's AWS credentials in reach.
Status CheckModuleFile(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    return Fail(ErrorCode::kUnavailable, "loading " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return Fail(ErrorCode::kUnavailable, "loading " + path + ": not a regular file");
  }
  if (info.st_uid != 0 && info.st_uid != geteuid()) {
    return Fail(ErrorCode::kUnavailable, "loading " + path + ": owned by uid " +
                                             std::to_string(info.st_uid) +
                                             ", not by root or by this user");
  }
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Fail(ErrorCode::kUnavailable, "loading " + path + ": writable by other users (mode " +
                                             std::to_string((info.st_mode >> 6) & 7) +
                                             std::to_string((info.st_mode >> 3) & 7) +
                                             std::to_string(info.st_mode & 7) + ")");
  }
  return {};
}

#if SENTINEL_NET_MODULE
// The path of the running executable, from /proc/self/exe.
Result<std::string> ExecutablePath() {
  std::string path(4096, '\0');
  const ssize_t length = readlink("/proc/self/exe", path.data(), path.size());
  if (length <= 0 || static_cast<std::size_t>(length) >= path.size()) {
    return Fail(ErrorCode::kUnavailable,
                std::string("finding the sentinel executable: /proc/self/exe: ") +
                    (length < 0 ? std::strerror(errno) : "path too long"));
  }
  path.resize(static_cast<std::size_t>(length));
  return path;
}

// The first module candidate that exists, loaded.
Result<NetLibrary> OpenInstalledNetModule() {
  auto executable = ExecutablePath();
  if (!executable) {
    return std::unexpected(executable.error());
  }
  const std::vector<std::string> candidates = NetModuleCandidates(*executable);
  for (const std::string& candidate : candidates) {
    if (access(candidate.c_str(), F_OK) == 0) {
      return OpenNetModule(candidate);
    }
  }
  return Fail(ErrorCode::kUnavailable,
              std::string("no ") + kNetModuleName + " beside " + *executable + " or in " +
                  candidates.back().substr(0, candidates.back().rfind('/')));
}
#else
// libcurl from the system, OpenSSL's digests linked in (net_crypto.c).
Result<NetLibrary> OpenSystemLibraries() {
  auto curl = OpenCurlLibrary(kCurlLibraryName);
  if (!curl) {
    return std::unexpected(curl.error());
  }
  if (sentinel_net_init() != 1) {
    return Fail(ErrorCode::kInternal, "initialising OpenSSL failed");
  }
  return NetLibrary{.abi = SENTINEL_NET_ABI,
                    .version = SENTINEL_VERSION,
                    .init = sentinel_net_init,
                    .sha256 = sentinel_net_sha256,
                    .hmac_sha256 = sentinel_net_hmac_sha256,
                    .curl = *curl};
}
#endif

}  // namespace

Result<NetLibrary> OpenNetModule(const std::string& path) {
  if (auto checked = CheckModuleFile(path); !checked) {
    return std::unexpected(checked.error());
  }
  void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (module == nullptr) {
    return Fail(ErrorCode::kUnavailable, "loading " + path + ": " + LastDlError());
  }
  dlerror();
  auto* open = reinterpret_cast<sentinel_net_open_fn>(dlsym(module, SENTINEL_NET_OPEN_SYMBOL));
  if (open == nullptr) {
    return Fail(ErrorCode::kUnavailable, "loading " + path + ": no symbol " +
                                             SENTINEL_NET_OPEN_SYMBOL + ": " + LastDlError());
  }
  const sentinel_net_api* api = open(SENTINEL_NET_ABI);
  if (api == nullptr) {
    return Fail(ErrorCode::kUnavailable,
                "loading " + path + ": built for another interface than this sentinel's (" +
                    std::to_string(SENTINEL_NET_ABI) + ")");
  }
  if (std::strcmp(api->version, SENTINEL_VERSION) != 0) {
    return Fail(ErrorCode::kUnavailable, "loading " + path + ": built for sentinel " +
                                             api->version + ", this is " SENTINEL_VERSION);
  }
  if (api->init() != 1) {
    return Fail(ErrorCode::kInternal, "loading " + path + ": initialising OpenSSL failed");
  }
  return *api;
}

std::vector<std::string> NetModuleCandidates(std::string_view executable) {
  // /proc/self/exe has no symbolic links left in it, so ".." can be resolved by hand.
  const std::filesystem::path directory = std::filesystem::path(executable).parent_path();
  const std::filesystem::path base = directory.empty() ? "." : directory;
  std::vector<std::string> candidates;
  for (const std::filesystem::path& candidate :
       {base / kNetModuleName, base / ".." / "lib" / "sentinel" / kNetModuleName}) {
    std::string normal = candidate.lexically_normal().string();
    // dlopen searches the library path for a name without a slash: keep it a path.
    candidates.push_back(normal.find('/') == std::string::npos ? "./" + normal : normal);
  }
  return candidates;
}

Result<const NetLibrary*> LoadNetLibrary() {
  // curl_global_init is not thread-safe and must run once, before any handle exists.
  static std::once_flag once;
  static std::optional<Result<NetLibrary>> loaded;
  std::call_once(once, [] {
#if SENTINEL_NET_MODULE
    Result<NetLibrary> net = OpenInstalledNetModule();
#else
    Result<NetLibrary> net = OpenSystemLibraries();
#endif
    if (net && net->curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      net = Fail(ErrorCode::kInternal, "initialising libcurl failed");
    }
    loaded.emplace(std::move(net));
  });
  if (!*loaded) {
    return std::unexpected(loaded->error());
  }
  return &**loaded;
}

Result<const CurlLibrary*> LoadCurlLibrary() {
  auto net = LoadNetLibrary();
  if (!net) {
    return std::unexpected(net.error());
  }
  return &(*net)->curl;
}

}  // namespace sentinel::aws
