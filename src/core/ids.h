// Random identifiers for records and sessions, drawn from an injected random source.
#ifndef SENTINEL_CORE_IDS_H_
#define SENTINEL_CORE_IDS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sentinel {

// Source of cryptographically secure random bytes. The production implementation lives
// outside core (app/random.h) so that core does no I/O; tests use FakeRandomSource.
// Implementations are safe to call from one thread at a time.
class RandomSource {
 public:
  virtual ~RandomSource() = default;

  // Fills `out` entirely with random bytes, or fails with kUnavailable and leaves the
  // contents unspecified. A failure must never be papered over with weak randomness.
  [[nodiscard]] virtual Status Fill(std::span<std::uint8_t> out) = 0;
};

// Number of hex characters in a request or break-glass event id (SPEC 6, 7).
inline constexpr std::size_t kRecordIdLength = 16;

// Number of hex characters in the per-issue request_id stamped on sessions (SPEC 5).
inline constexpr std::size_t kSessionRequestIdLength = 8;

// Returns a new request or event id: 16 lowercase hex characters (64 random bits).
// Fails with the source's error, with context, when the source fails.
[[nodiscard]] Result<std::string> NewRecordId(RandomSource& random);

// Returns a new session request_id: 8 lowercase hex characters (32 random bits).
[[nodiscard]] Result<std::string> NewSessionRequestId(RandomSource& random);

// True when `id` is exactly 16 lowercase hex characters, the form of every record id.
// Callers check user-supplied ids with this before looking them up.
bool IsRecordId(std::string_view id);

// A deterministic RandomSource for tests. Its byte stream is the big-endian 8-byte
// encodings of seed, seed + 1, seed + 2, ..., so consecutive record ids read as counting
// numbers ("0000000000000000", "0000000000000001", ...) and never repeat. After
// FailNext(), the next Fill fails with kUnavailable.
class FakeRandomSource final : public RandomSource {
 public:
  explicit FakeRandomSource(std::uint64_t seed = 0) : block_(seed) {}

  [[nodiscard]] Status Fill(std::span<std::uint8_t> out) override;

  // Makes the next call to Fill fail, as an exhausted entropy source would.
  void FailNext() { fail_next_ = true; }

 private:
  std::uint64_t block_;      // the number whose bytes are being handed out
  unsigned byte_index_ = 0;  // next byte of block_, 0 = most significant
  bool fail_next_ = false;
};

}  // namespace sentinel

#endif  // SENTINEL_CORE_IDS_H_
