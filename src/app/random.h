// The production RandomSource: the operating system's CSPRNG.
#ifndef SENTINEL_APP_RANDOM_H_
#define SENTINEL_APP_RANDOM_H_

#include <cstdint>
#include <span>

#include "core/ids.h"

namespace sentinel::app {

// Draws bytes from the kernel's CSPRNG with getrandom(2), the source OpenSSL itself seeds
// from. Ids need a few bytes once per process, so going to the kernel directly spares the
// ~3M instructions of instantiating OpenSSL's DRBG on every credential_process call.
// getrandom blocks until the kernel's pool is initialised and never returns weaker bytes.
// Fails with kUnavailable and the system's reason when the kernel cannot produce them (no
// getrandom, or an error); it never falls back to a weaker source. Safe from any thread.
class SystemRandomSource final : public RandomSource {
 public:
  [[nodiscard]] Status Fill(std::span<std::uint8_t> out) override;
};

}  // namespace sentinel::app

#endif  // SENTINEL_APP_RANDOM_H_
