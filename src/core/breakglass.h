// Break-glass events (SPEC 7): the record and its state machine, as pure functions of the
// record and the current time.
#ifndef SENTINEL_CORE_BREAKGLASS_H_
#define SENTINEL_CORE_BREAKGLASS_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"

namespace sentinel {

// Where an event is in its life. kActive is the only state that can change.
enum class EventStatus { kActive, kClosed, kExpired };

// Returns the status as stored and printed: "active", "closed" or "expired".
std::string_view EventStatusName(EventStatus status);

// Parses a name EventStatusName returns. Fails with kInvalidInput naming the text and the
// accepted names otherwise.
[[nodiscard]] Result<EventStatus> ParseEventStatus(std::string_view text);

// The reason codes an invoker may give (SPEC 4.5), in the order the SPEC lists them.
inline constexpr std::array<std::string_view, 5> kBreakGlassReasonCodes = {
    "incident", "maintenance", "security", "recovery", "other"};

// True when `code` is one of kBreakGlassReasonCodes (exact, case-sensitive).
bool IsBreakGlassReasonCode(std::string_view code);

// Bounds from SPEC 4.5: the default and the absolute maximum length of an event, and the
// justification's length in characters. A policy rule may lower the maximum further.
inline constexpr std::chrono::seconds kDefaultBreakGlassDuration = std::chrono::hours(1);
inline constexpr std::chrono::seconds kMaxBreakGlassDuration = std::chrono::hours(4);
inline constexpr std::size_t kMinBreakGlassJustification = 20;
inline constexpr std::size_t kMaxBreakGlassJustification = 1000;

// Upper bound on a closing reason, in characters (the SPEC sets none; see
// kMaxApproverComment in request.h for the reasoning).
inline constexpr std::size_t kMaxCloseReason = 1000;

// A break-glass event, exactly the fields of SPEC 7.
struct Event {
  std::string id;  // 16 lowercase hex characters
  std::string invoker;
  std::string profile;
  std::string reason_code;  // one of kBreakGlassReasonCodes
  std::string justification;
  std::chrono::seconds duration_seconds{0};
  EventStatus status = EventStatus::kActive;
  TimePoint created_at;
  TimePoint updated_at;
  TimePoint expires_at;       // created_at + duration_seconds
  std::string closed_by;      // "" unless closed
  std::string closed_reason;  // "" unless closed

  friend bool operator==(const Event&, const Event&) = default;
};

// What an invoker supplies; NewEvent adds the id and the times.
struct EventDraft {
  std::string invoker;
  std::string profile;
  std::string reason_code;
  std::string justification;
  std::chrono::seconds duration_seconds = kDefaultBreakGlassDuration;
};

// Returns an active event created at `now` that expires duration_seconds later. Fails
// with kInvalidInput when `id` is not a record id, the invoker or profile is empty, the
// reason code is unknown, the justification is not 20 to 1000 characters of text (see
// CheckText), or the duration is not in (0, 4h]. The policy's own maximum is the
// caller's to check.
[[nodiscard]] Result<Event> NewEvent(std::string id, EventDraft draft, TimePoint now);

// Returns the status the event has at `now`: an active event at or past its expires_at
// reads as kExpired; any other status reads as stored.
EventStatus EffectiveStatus(const Event& event, TimePoint now);

// True when the event overrides a denial at `now`: stored active, and created_at <= now
// < expires_at.
bool IsActiveAt(const Event& event, TimePoint now);

// Returns the event closed by `closed_by` at `now` for `reason`. Fails with kConflict
// (see NotActiveError) unless it is active at `now`, and with kInvalidInput when
// `closed_by` is empty or `reason` is not 1 to kMaxCloseReason characters of text. Who
// may close is the policy's business.
[[nodiscard]] Result<Event> Close(const Event& event, std::string_view closed_by,
                                  std::string_view reason, TimePoint now);

// Returns the event marked expired at `now`, for persisting what EffectiveStatus already
// reads. Fails with kConflict unless it is stored as active and has expired at `now`.
[[nodiscard]] Result<Event> Expire(const Event& event, TimePoint now);

// The kConflict error for an attempt to change an event that is not active at `now`:
// "break-glass event 0123456789abcdef: already closed by alice at 2026-...". Stores use it
// for a transition that lost a race. Returns kInternal if the event is in fact active.
Error NotActiveError(const Event& event, TimePoint now);

}  // namespace sentinel

#endif  // SENTINEL_CORE_BREAKGLASS_H_
