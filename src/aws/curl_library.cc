#include "aws/curl_library.h"

#include <dlfcn.h>

#include <mutex>
#include <optional>
#include <string>

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

#if SENTINEL_CURL_LINKED
namespace {

// The libcurl linked into this executable (see CMakeLists.txt): nothing to load.
CurlLibrary LinkedCurlLibrary() {
  return CurlLibrary{
      .global_init = curl_global_init,
      .easy_init = curl_easy_init,
      .easy_cleanup = curl_easy_cleanup,
      .easy_reset = curl_easy_reset,
      .easy_setopt = curl_easy_setopt,
      .easy_perform = curl_easy_perform,
      .easy_getinfo = curl_easy_getinfo,
      .easy_strerror = curl_easy_strerror,
      .slist_append = curl_slist_append,
      .slist_free_all = curl_slist_free_all,
  };
}

}  // namespace
#endif

Result<const CurlLibrary*> LoadCurlLibrary() {
  // curl_global_init is not thread-safe and must run once, before any handle exists.
  static std::once_flag once;
  static std::optional<Result<CurlLibrary>> loaded;
  std::call_once(once, [] {
#if SENTINEL_CURL_LINKED
    Result<CurlLibrary> curl = LinkedCurlLibrary();
#else
    Result<CurlLibrary> curl = OpenCurlLibrary(kCurlLibraryName);
#endif
    if (curl && curl->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      curl = Fail(ErrorCode::kInternal, "initialising libcurl failed");
    }
    loaded.emplace(std::move(curl));
  });
  if (!*loaded) {
    return std::unexpected(loaded->error());
  }
  return &**loaded;
}

}  // namespace sentinel::aws
