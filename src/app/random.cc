#include "app/random.h"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <climits>
#include <string>

namespace sentinel::app {

Status OpenSslRandomSource::Fill(std::span<std::uint8_t> out) {
  // RAND_bytes takes an int length; ids need a few bytes, so a larger request is a bug.
  if (out.size() > static_cast<std::size_t>(INT_MAX)) {
    return Fail(ErrorCode::kInternal, "reading random bytes: request too large");
  }
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) == 1) {
    return {};
  }
  char reason[256] = "unknown error";
  const unsigned long code = ERR_get_error();
  if (code != 0) {
    ERR_error_string_n(code, reason, sizeof(reason));
  }
  ERR_clear_error();
  return Fail(ErrorCode::kUnavailable, std::string("reading random bytes from OpenSSL: ") + reason);
}

}  // namespace sentinel::app
