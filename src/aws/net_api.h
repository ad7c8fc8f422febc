/* The C interface between sentinel and its network module: libcurl and OpenSSL, built
 * together as one shared object (libsentinel-net.so) that sentinel loads on its first
 * HTTP request or digest. Commands that need neither never map them: their tables are
 * most of what the dynamic loader would otherwise relocate at every start. Builds against
 * the system libcurl link the OpenSSL half (net_crypto.c) into sentinel instead. */
#ifndef SENTINEL_AWS_NET_API_H_
#define SENTINEL_AWS_NET_API_H_

#include <curl/curl.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Raised whenever struct sentinel_net_api changes shape. */
#define SENTINEL_NET_ABI 1
/* The one symbol the module exports. */
#define SENTINEL_NET_OPEN_SYMBOL "sentinel_net_open"

/* Sets OpenSSL up the way sentinel uses it; must run before any other OpenSSL call.
 * Returns 1, or 0 when OpenSSL failed (its defaults then stay in force). */
int sentinel_net_init(void);
/* Writes SHA-256(data) to digest. Returns 1, or 0 when OpenSSL failed. */
int sentinel_net_sha256(const void* data, size_t size, unsigned char digest[32]);
/* Writes HMAC-SHA256(key, data) to mac. Returns 1, or 0 when OpenSSL failed. */
int sentinel_net_hmac_sha256(const void* key, size_t key_size, const void* data, size_t size,
                             unsigned char mac[32]);

/* The libcurl functions sentinel calls. Each behaves exactly as libcurl's function of the
 * same name with the curl_ prefix; easy_setopt and easy_getinfo are C variadics and take
 * the argument types libcurl documents. Adding a call to libcurl anywhere means adding its
 * entry here, to net_module.c's table and to net_library.cc's list of names. */
struct sentinel_curl_api {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)(void);
  void (*easy_cleanup)(CURL* easy);
  void (*easy_reset)(CURL* easy);
  CURLcode (*easy_setopt)(CURL* easy, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* easy);
  CURLcode (*easy_getinfo)(CURL* easy, CURLINFO info, ...);
  const char* (*easy_strerror)(CURLcode code);
  struct curl_slist* (*slist_append)(struct curl_slist* list, const char* line);
  void (*slist_free_all)(struct curl_slist* list);
};

/* What the module hands out: every entry is non-null and behaves as the function it is
 * named after (the sentinel_net_ ones above, libcurl's in curl). */
struct sentinel_net_api {
  int abi;             /* SENTINEL_NET_ABI of the module */
  const char* version; /* the sentinel version the module was built with */
  int (*init)(void);
  int (*sha256)(const void* data, size_t size, unsigned char digest[32]);
  int (*hmac_sha256)(const void* key, size_t key_size, const void* data, size_t size,
                     unsigned char mac[32]);
  struct sentinel_curl_api curl;
};

/* The module's table, or NULL when abi is not the module's SENTINEL_NET_ABI. */
typedef const struct sentinel_net_api* (*sentinel_net_open_fn)(int abi);

#ifdef __cplusplus
}
#endif

#endif /* SENTINEL_AWS_NET_API_H_ */
