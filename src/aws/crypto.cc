#include "aws/crypto.h"

#include "aws/net_library.h"

namespace sentinel::aws {

Result<Sha256Digest> Sha256(std::string_view data) {
  auto net = LoadNetLibrary();
  if (!net) {
    return Fail(net.error(), "computing SHA-256");
  }
  Sha256Digest digest{};
  if ((*net)->sha256(data.data(), data.size(), digest.data()) != 1) {
    return Fail(ErrorCode::kInternal, "computing SHA-256: OpenSSL failed");
  }
  return digest;
}

Result<Sha256Digest> HmacSha256(std::string_view key, std::string_view data) {
  auto net = LoadNetLibrary();
  if (!net) {
    return Fail(net.error(), "computing HMAC-SHA256");
  }
  Sha256Digest mac{};
  if ((*net)->hmac_sha256(key.data(), key.size(), data.data(), data.size(), mac.data()) != 1) {
    return Fail(ErrorCode::kInternal, "computing HMAC-SHA256: OpenSSL failed");
  }
  return mac;
}

std::string LowerHex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const unsigned char byte : bytes) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0F];
  }
  return hex;
}

}  // namespace sentinel::aws
