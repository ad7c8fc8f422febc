// Approval requests (SPEC 6): the record and its state machine, as pure functions of the
// record and the current time.
#ifndef SENTINEL_CORE_REQUEST_H_
#define SENTINEL_CORE_REQUEST_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"

namespace sentinel {

// Where a request is in its life. kPending is the only state that can change; every
// other state is final.
enum class RequestStatus { kPending, kApproved, kDenied, kCancelled, kExpired };

// Returns the status as stored and printed: "pending", "approved", "denied", "cancelled"
// or "expired".
std::string_view RequestStatusName(RequestStatus status);

// Parses a name RequestStatusName returns. Fails with kInvalidInput naming the text and
// the accepted names otherwise.
[[nodiscard]] Result<RequestStatus> ParseRequestStatus(std::string_view text);

// How long a request waits for a decision before it expires.
inline constexpr std::chrono::seconds kRequestPendingPeriod = std::chrono::hours(24);

// Bounds on a request's justification, in characters (SPEC 4.4).
inline constexpr std::size_t kMinRequestJustification = 10;
inline constexpr std::size_t kMaxRequestJustification = 500;

// Upper bound on an approver's comment, in characters. The SPEC sets none; 1000 is the
// longest justification it allows anywhere (break-glass), so records stay small.
inline constexpr std::size_t kMaxApproverComment = 1000;

// An approval request, exactly the fields of SPEC 6. Values are plain data; the functions
// below are the only sanctioned way to move one between states.
struct Request {
  std::string id;  // 16 lowercase hex characters
  std::string requester;
  std::string profile;
  std::string justification;
  std::chrono::seconds duration_seconds{0};  // access asked for, counted from approval
  RequestStatus status = RequestStatus::kPending;
  TimePoint created_at;
  TimePoint updated_at;
  TimePoint expires_at;                        // end of the pending period
  std::string approver;                        // who approved or denied; "" before
  std::string approver_comment;                // "" when none was given
  std::optional<TimePoint> decided_at;         // set by Approve and Deny
  std::optional<TimePoint> access_expires_at;  // decided_at + duration, set by Approve

  friend bool operator==(const Request&, const Request&) = default;
};

// What a requester supplies; NewRequest adds the id and the times.
struct RequestDraft {
  std::string requester;
  std::string profile;
  std::string justification;
  std::chrono::seconds duration_seconds{0};
};

// Returns a pending request created at `now` that expires kRequestPendingPeriod later.
// Fails with kInvalidInput when `id` is not a record id, the requester or profile is
// empty, the justification is not 10 to 500 characters of text (see CheckText) or the
// duration is not positive. The upper bound on the duration comes from the policy and is
// the caller's to check.
[[nodiscard]] Result<Request> NewRequest(std::string id, RequestDraft draft, TimePoint now);

// Returns the status the request has at `now`: a pending request whose pending period
// has ended (now >= expires_at) reads as kExpired; any other status reads as stored.
RequestStatus EffectiveStatus(const Request& request, TimePoint now);

// Returns the request approved by `approver` at `now`, granting access from `now` until
// now + duration_seconds. Fails with kConflict (see NotPendingError) unless the request is
// pending at `now`, and with kInvalidInput when `approver` is empty or `comment` fails
// CheckText (0 to kMaxApproverComment characters). Who may approve is the policy's
// business, not this function's.
[[nodiscard]] Result<Request> Approve(const Request& request, std::string_view approver,
                                      std::string_view comment, TimePoint now);

// Returns the request denied by `approver` at `now`. Fails like Approve.
[[nodiscard]] Result<Request> Deny(const Request& request, std::string_view approver,
                                   std::string_view comment, TimePoint now);

// Returns the request cancelled at `now`. Fails with kConflict unless it is pending at
// `now`. Only the requester may cancel; that check is the caller's.
[[nodiscard]] Result<Request> Cancel(const Request& request, TimePoint now);

// Returns the request marked expired at `now`, for persisting what EffectiveStatus
// already reads. Fails with kConflict unless it is stored as pending and its pending
// period has ended at `now`.
[[nodiscard]] Result<Request> Expire(const Request& request, TimePoint now);

// True when the request grants access at `now`: approved, and decided_at <= now <
// access_expires_at.
bool IsUsableAt(const Request& request, TimePoint now);

// The kConflict error for an attempt to decide or cancel a request that is not pending
// at `now`, saying what happened to it: "request 0123456789abcdef: already decided:
// approved by carol at 2026-12-03T17:04:05Z". Stores use it for a transition that lost a
// race. Returns kInternal if the request is in fact pending.
Error NotPendingError(const Request& request, TimePoint now);

}  // namespace sentinel

#endif  // SENTINEL_CORE_REQUEST_H_
