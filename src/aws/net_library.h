// libcurl and the OpenSSL digests sentinel calls, behind one table that is loaded on first
// use. ./run's builds put libcurl (built from Debian's source with HTTP and OpenSSL only)
// and OpenSSL into a module of their own, libsentinel-net.so (net_api.h): their tables are
// most of what the dynamic loader would relocate at every start, so only commands that
// send a request or compute a digest pay for them. A build against the system libcurl
// loads Debian's libcurl.so instead and links OpenSSL's digests in.
#ifndef SENTINEL_AWS_NET_LIBRARY_H_
#define SENTINEL_AWS_NET_LIBRARY_H_

#include <curl/curl.h>

#include <string>
#include <string_view>
#include <vector>

#include "aws/net_api.h"
#include "core/error.h"

namespace sentinel::aws {

// The system libcurl's soname: the ABI of libcurl 7.x and 8.x, whose declarations
// <curl/curl.h> gives.
inline constexpr const char kCurlLibraryName[] = "libcurl.so.4";
// The network module's file name (see net_api.h).
inline constexpr const char kNetModuleName[] = "libsentinel-net.so";

// The libcurl functions sentinel calls (net_api.h), resolved from one loaded copy of the
// library. Every pointer is non-null in a table handed out by the functions below.
using CurlLibrary = ::sentinel_curl_api;

// libcurl and OpenSSL's digests (net_api.h), all from one copy of OpenSSL: the module's
// table, or in a build against the system libcurl one filled the same way.
using NetLibrary = ::sentinel_net_api;

// Loads `file` with dlopen(RTLD_NOW | RTLD_LOCAL) and resolves every entry of CurlLibrary
// in it. The library stays loaded for the rest of the process (its entry points are handed
// out), even when resolving fails. Does not call curl_global_init.
// Fails with kUnavailable: "loading <file>: <dlerror>" when the library cannot be loaded,
// "loading <file>: no symbol curl_easy_init: <dlerror>" when an entry is missing.
// Thread-safe. Meant for tests and for LoadNetLibrary; other callers want the latter.
[[nodiscard]] Result<CurlLibrary> OpenCurlLibrary(const char* file);

// Loads the network module at `path` (see net_api.h) and takes its table. The module must
// be a regular file owned by root or by the effective user and writable by nobody else:
// it runs with the user's AWS credentials in reach. Stays loaded, like OpenCurlLibrary.
// Does not initialise OpenSSL or libcurl. Fails with kUnavailable "loading <path>: ..."
// saying what was wrong: the loader's reason, the ownership or mode found, a missing entry
// point, or a module built for another ABI or another sentinel version.
// Thread-safe. Meant for tests and for LoadNetLibrary.
[[nodiscard]] Result<NetLibrary> OpenNetModule(const std::string& path);

// Where the module of the executable at `executable` (a path without symbolic links, as
// /proc/self/exe gives) may be, in the order they are tried: beside it (a build tree), then
// in ../lib/sentinel/ (an installed tree, as `cmake --install` lays it out). Both paths are
// normalised: "/usr/local/bin/sentinel" gives "/usr/local/lib/sentinel/libsentinel-net.so".
[[nodiscard]] std::vector<std::string> NetModuleCandidates(std::string_view executable);

// Finds and loads libcurl and OpenSSL's digests, sets OpenSSL up (sentinel_net_init) and
// runs curl_global_init(CURL_GLOBAL_DEFAULT), once per process on the first call
// (std::call_once). Builds with SENTINEL_NET_MODULE (the ones ./run makes) load the first
// of NetModuleCandidates(/proc/self/exe) that exists; others load kCurlLibraryName, the
// system's libcurl. Later calls return the same outcome; the table lives until the process
// exits. Fails with the loaders' errors, kUnavailable "no <module> beside <exe> or in
// <dir>" when no candidate exists, or kInternal "initialising libcurl failed".
// Thread-safe; the first call may block while the library and its dependencies load.
[[nodiscard]] Result<const NetLibrary*> LoadNetLibrary();

// LoadNetLibrary's libcurl.
[[nodiscard]] Result<const CurlLibrary*> LoadCurlLibrary();

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_NET_LIBRARY_H_
