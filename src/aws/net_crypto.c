/* The OpenSSL calls sentinel makes, in C so that the network module can carry them beside
 * the OpenSSL they call. See net_api.h for the contracts. */
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>

#include "aws/net_api.h"

int sentinel_net_init(void) {
  /* OpenSSL's defaults do work at every start that sentinel never uses:
   * - NO_ATEXIT: no freeing of its tables at exit, a third of a millisecond for memory the
   *   exit returns anyway.
   * - NO_ADD_ALL_*: no legacy name database of every cipher and digest, which the first
   *   digest would copy into the provider name map (3.2M instructions, 40% of a
   *   `credentials` call). sentinel and libcurl fetch what they use from the providers by
   *   its canonical name; EVP_get_cipherbyname and EVP_get_digestbyname, which read only
   *   that database, are used by neither.
   * - NO_LOAD_CRYPTO_STRINGS: no texts for libcrypto's error codes (0.9M instructions).
   *   TLS failures keep their words: certificate problems come from X509's own messages,
   *   handshake failures from libssl's reason strings, which libcurl's TLS setup loads.
   * openssl.cnf is still read, so a host's crypto policy applies to sentinel. */
  const uint64_t options = OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_ADD_ALL_CIPHERS |
                           OPENSSL_INIT_NO_ADD_ALL_DIGESTS | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS;
  return OPENSSL_init_crypto(options, NULL);
}

int sentinel_net_sha256(const void* data, size_t size, unsigned char digest[32]) {
  unsigned int length = 0;
  return EVP_Digest(data, size, digest, &length, EVP_sha256(), NULL) == 1 && length == 32;
}

int sentinel_net_hmac_sha256(const void* key, size_t key_size, const void* data, size_t size,
                             unsigned char mac[32]) {
  unsigned int length = 0;
  if (key_size > (size_t)INT_MAX) {
    return 0;
  }
  return HMAC(EVP_sha256(), key, (int)key_size, data, size, mac, &length) != NULL && length == 32;
}
