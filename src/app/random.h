// The production RandomSource: OpenSSL's CSPRNG.
#ifndef SENTINEL_APP_RANDOM_H_
#define SENTINEL_APP_RANDOM_H_

#include <cstdint>
#include <span>

#include "core/ids.h"

namespace sentinel::app {

// Draws bytes from OpenSSL's RAND_bytes, which OpenSSL seeds from the operating system.
// Fails with kUnavailable (and OpenSSL's reason) when OpenSSL cannot produce secure
// bytes; it never falls back to a weaker source. Safe to call from any thread.
class OpenSslRandomSource final : public RandomSource {
 public:
  [[nodiscard]] Status Fill(std::span<std::uint8_t> out) override;
};

}  // namespace sentinel::app

#endif  // SENTINEL_APP_RANDOM_H_
