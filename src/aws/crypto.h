// SHA-256 and HMAC-SHA256, computed by the OpenSSL that libcurl uses (net_library.h).
#ifndef SENTINEL_AWS_CRYPTO_H_
#define SENTINEL_AWS_CRYPTO_H_

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sentinel::aws {

using Sha256Digest = std::array<unsigned char, 32>;

// SHA-256 of `data`. Loads the network library on first use (LoadNetLibrary) and fails
// with its errors, or with kInternal "computing SHA-256: OpenSSL failed".
[[nodiscard]] Result<Sha256Digest> Sha256(std::string_view data);

// HMAC-SHA256 of `data` under `key`. Fails as Sha256 does ("computing HMAC-SHA256: ...").
// The caller wipes the key and the result when they are secrets.
[[nodiscard]] Result<Sha256Digest> HmacSha256(std::string_view key, std::string_view data);

// `bytes` as lowercase hexadecimal, two digits a byte.
[[nodiscard]] std::string LowerHex(std::span<const unsigned char> bytes);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_CRYPTO_H_
