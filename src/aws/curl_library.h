// The libcurl functions sentinel calls, behind one table. Debian's libcurl.so and the ~28
// libraries it needs (TLS, Kerberos, LDAP, HTTP/2, SSH...) cost the dynamic loader most of
// the start time of a short-lived process. ./run's builds link a libcurl built from source
// with HTTP and OpenSSL only, so none of that is loaded; a build against the system libcurl
// loads it on the first HTTP request, sparing every command that sends none.
#ifndef SENTINEL_AWS_CURL_LIBRARY_H_
#define SENTINEL_AWS_CURL_LIBRARY_H_

#include <curl/curl.h>

#include "core/error.h"

namespace sentinel::aws {

// The soname loaded: the ABI of libcurl 7.x and 8.x, whose declarations <curl/curl.h> gives.
inline constexpr const char kCurlLibraryName[] = "libcurl.so.4";

// The libcurl functions sentinel calls, resolved from one loaded copy of the library. Every
// pointer is non-null in a table handed out by the functions below. Each behaves exactly as
// the libcurl function of the same name without the `curl_` prefix: easy_setopt and
// easy_getinfo are C variadics and take the same argument types libcurl documents.
// Adding a call to libcurl anywhere means adding its entry here and to the .cc's list.
struct CurlLibrary {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL* easy);
  void (*easy_reset)(CURL* easy);
  CURLcode (*easy_setopt)(CURL* easy, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* easy);
  CURLcode (*easy_getinfo)(CURL* easy, CURLINFO info, ...);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* line);
  void (*slist_free_all)(curl_slist* list);
};

// Loads `file` with dlopen(RTLD_NOW | RTLD_LOCAL) and resolves every entry of CurlLibrary
// in it. The library stays loaded for the rest of the process (its entry points are handed
// out), even when resolving fails. Does not call curl_global_init.
// Fails with kUnavailable: "loading <file>: <dlerror>" when the library cannot be loaded,
// "loading <file>: no symbol curl_easy_init: <dlerror>" when an entry is missing.
// Thread-safe. Meant for tests and for LoadCurlLibrary; other callers want the latter.
[[nodiscard]] Result<CurlLibrary> OpenCurlLibrary(const char* file);

// Finds libcurl and runs curl_global_init(CURL_GLOBAL_DEFAULT), once per process on the
// first call (std::call_once). A build with SENTINEL_CURL_LINKED (the one ./run makes) has
// libcurl linked in, built from source with HTTP and OpenSSL only; any other build loads
// kCurlLibraryName, the system's libcurl. Later calls return the same outcome. The table lives
// until the process exits. Fails with OpenCurlLibrary's errors, or with kInternal
// "initialising libcurl failed" when curl_global_init does.
// Thread-safe; the first call may block while the library and its dependencies load.
[[nodiscard]] Result<const CurlLibrary*> LoadCurlLibrary();

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_CURL_LIBRARY_H_
