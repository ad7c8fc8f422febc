#include "store/store.h"

#include "core/time_format.h"

namespace sentinel::store {

std::string_view NotificationStateName(NotificationState state) {
  switch (state) {
    case NotificationState::kPending:
      return "pending";
    case NotificationState::kDelivered:
      return "delivered";
    case NotificationState::kAbandoned:
      return "abandoned";
  }
  return "unknown";
}

Status CheckListLimit(int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return Fail(ErrorCode::kInvalidInput, "list limit must be 1 to " +
                                              std::to_string(kMaxListLimit) + ", got " +
                                              std::to_string(limit));
  }
  return {};
}

Status CheckRequestArc(const Request& updated, RequestStatus expected_old) {
  // Only a pending request changes, and never back to pending (SPEC 6).
  if (expected_old == RequestStatus::kPending && updated.status != RequestStatus::kPending) {
    return {};
  }
  return Fail(ErrorCode::kInternal, "updating request " + updated.id + ": " +
                                        std::string(RequestStatusName(expected_old)) + " -> " +
                                        std::string(RequestStatusName(updated.status)) +
                                        " is not a transition");
}

Status CheckEventArc(const Event& updated, EventStatus expected_old) {
  if (expected_old == EventStatus::kActive && updated.status != EventStatus::kActive) {
    return {};
  }
  return Fail(ErrorCode::kInternal, "updating break-glass event " + updated.id + ": " +
                                        std::string(EventStatusName(expected_old)) + " -> " +
                                        std::string(EventStatusName(updated.status)) +
                                        " is not a transition");
}

Error RequestUpdateConflict(const Request& current, const Request& updated,
                            RequestStatus expected_old) {
  const bool still_pending = current.status == RequestStatus::kPending;
  if (still_pending && updated.status == RequestStatus::kExpired) {
    return Error(ErrorCode::kConflict, "request " + current.id + ": still pending until " +
                                           FormatTime(current.expires_at));
  }
  if (expected_old == RequestStatus::kPending) {
    // Either someone else moved it on, or its pending period ended first; the core
    // wording covers both, as of the moment the caller meant to act.
    return NotPendingError(current, updated.updated_at);
  }
  return Error(ErrorCode::kConflict, "request " + current.id + ": is " +
                                         std::string(RequestStatusName(current.status)) + ", not " +
                                         std::string(RequestStatusName(expected_old)));
}

Error EventUpdateConflict(const Event& current, const Event& updated, EventStatus expected_old) {
  const bool still_active = current.status == EventStatus::kActive;
  if (still_active && updated.status == EventStatus::kExpired) {
    return Error(ErrorCode::kConflict, "break-glass event " + current.id + ": still active until " +
                                           FormatTime(current.expires_at));
  }
  if (expected_old == EventStatus::kActive) {
    return NotActiveError(current, updated.updated_at);
  }
  return Error(ErrorCode::kConflict, "break-glass event " + current.id + ": is " +
                                         std::string(EventStatusName(current.status)) + ", not " +
                                         std::string(EventStatusName(expected_old)));
}

Error OneActiveEventConflict(const Event& existing) {
  return Error(ErrorCode::kConflict,
               existing.invoker + " already has an active break-glass event on profile " +
                   existing.profile + ": " + existing.id + " until " +
                   FormatTime(existing.expires_at),
               "close it with `sentinel breakglass-close " + existing.id +
                   " --reason TEXT`, or wait until it expires");
}

}  // namespace sentinel::store
