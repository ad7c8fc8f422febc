/* The entry point of libsentinel-net.so: libcurl built from source with HTTP and OpenSSL
 * only, and OpenSSL itself, behind one table (net_api.h). Everything else in the module
 * is local to it, so its OpenSSL cannot meet another copy loaded in the same process. */
#include "aws/net_api.h"
#include "version.h"

static const struct sentinel_net_api kApi = {
    .abi = SENTINEL_NET_ABI,
    .version = SENTINEL_VERSION,
    .init = sentinel_net_init,
    .sha256 = sentinel_net_sha256,
    .hmac_sha256 = sentinel_net_hmac_sha256,
    .curl =
        {
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
        },
};

__attribute__((visibility("default"))) const struct sentinel_net_api* sentinel_net_open(int abi) {
  return abi == SENTINEL_NET_ABI ? &kApi : NULL;
}
