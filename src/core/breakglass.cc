#include "core/breakglass.h"

#include <algorithm>
#include <utility>

#include "core/ids.h"
#include "core/text.h"
#include "core/time_format.h"

namespace sentinel {
namespace {

constexpr std::array<std::pair<EventStatus, std::string_view>, 3> kStatusNames = {{
    {EventStatus::kActive, "active"},
    {EventStatus::kClosed, "closed"},
    {EventStatus::kExpired, "expired"},
}};

std::string Describe(const Event& event) { return "break-glass event " + event.id; }

// Checks the fields NewEvent takes from the invoker, in the order a user would fix them.
Status CheckDraft(const std::string& id, const EventDraft& draft) {
  const std::string what = "declaring break-glass event " + id;
  if (draft.invoker.empty() || draft.profile.empty()) {
    return Fail(ErrorCode::kInvalidInput, what + ": the invoker and the profile must be set");
  }
  if (!IsBreakGlassReasonCode(draft.reason_code)) {
    return Fail(ErrorCode::kInvalidInput,
                what + ": unknown reason code '" + draft.reason_code +
                    "': expected incident, maintenance, security, recovery or other");
  }
  if (auto checked = CheckText("justification", draft.justification, kMinBreakGlassJustification,
                               kMaxBreakGlassJustification);
      !checked) {
    return Fail(checked.error(), what);
  }
  if (draft.duration_seconds <= std::chrono::seconds(0) ||
      draft.duration_seconds > kMaxBreakGlassDuration) {
    return Fail(ErrorCode::kInvalidInput,
                what + ": the duration must be more than 0s and at most 4h, got " +
                    std::to_string(draft.duration_seconds.count()) + "s");
  }
  return {};
}

}  // namespace

std::string_view EventStatusName(EventStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) {
      return name;
    }
  }
  return "unknown";
}

Result<EventStatus> ParseEventStatus(std::string_view text) {
  for (const auto& [value, name] : kStatusNames) {
    if (name == text) {
      return value;
    }
  }
  return Fail(ErrorCode::kInvalidInput, "unknown break-glass status '" + std::string(text) +
                                            "': expected active, closed or expired");
}

bool IsBreakGlassReasonCode(std::string_view code) {
  return std::find(kBreakGlassReasonCodes.begin(), kBreakGlassReasonCodes.end(), code) !=
         kBreakGlassReasonCodes.end();
}

Result<Event> NewEvent(std::string id, EventDraft draft, TimePoint now) {
  if (!IsRecordId(id)) {
    return Fail(ErrorCode::kInvalidInput, "declaring a break-glass event: id '" + id +
                                              "' is not 16 lowercase hex characters");
  }
  if (auto checked = CheckDraft(id, draft); !checked) {
    return std::unexpected(checked.error());
  }
  Event event;
  event.id = std::move(id);
  event.invoker = std::move(draft.invoker);
  event.profile = std::move(draft.profile);
  event.reason_code = std::move(draft.reason_code);
  event.justification = std::move(draft.justification);
  event.duration_seconds = draft.duration_seconds;
  event.status = EventStatus::kActive;
  event.created_at = now;
  event.updated_at = now;
  event.expires_at = now + draft.duration_seconds;
  return event;
}

EventStatus EffectiveStatus(const Event& event, TimePoint now) {
  if (event.status == EventStatus::kActive && now >= event.expires_at) {
    return EventStatus::kExpired;
  }
  return event.status;
}

bool IsActiveAt(const Event& event, TimePoint now) {
  return event.status == EventStatus::kActive && event.created_at <= now && now < event.expires_at;
}

Result<Event> Close(const Event& event, std::string_view closed_by, std::string_view reason,
                    TimePoint now) {
  if (closed_by.empty()) {
    return Fail(ErrorCode::kInvalidInput, "closing " + Describe(event) + ": the closer is empty");
  }
  if (auto checked = CheckText("reason", reason, 1, kMaxCloseReason); !checked) {
    return Fail(checked.error(), "closing " + Describe(event));
  }
  if (EffectiveStatus(event, now) != EventStatus::kActive) {
    return std::unexpected(NotActiveError(event, now));
  }
  Event closed = event;
  closed.status = EventStatus::kClosed;
  closed.closed_by = closed_by;
  closed.closed_reason = reason;
  closed.updated_at = now;
  return closed;
}

Result<Event> Expire(const Event& event, TimePoint now) {
  if (event.status != EventStatus::kActive) {
    return std::unexpected(NotActiveError(event, now));
  }
  if (now < event.expires_at) {
    return Fail(ErrorCode::kConflict,
                Describe(event) + ": still active until " + FormatTime(event.expires_at));
  }
  Event expired = event;
  expired.status = EventStatus::kExpired;
  expired.updated_at = now;
  return expired;
}

Error NotActiveError(const Event& event, TimePoint now) {
  const std::string what = Describe(event);
  switch (EffectiveStatus(event, now)) {
    case EventStatus::kClosed:
      return Error(ErrorCode::kConflict, what + ": already closed by " + event.closed_by + " at " +
                                             FormatTime(event.updated_at));
    case EventStatus::kExpired:
      return Error(ErrorCode::kConflict,
                   what + ": already expired at " + FormatTime(event.expires_at));
    case EventStatus::kActive:
      break;
  }
  return Error(ErrorCode::kInternal, what + ": is still active");
}

}  // namespace sentinel
