#include "app/notifier.h"

#include <optional>
#include <string>

#include "aws/printable.h"
#include "core/time_format.h"

namespace sentinel::app {
namespace {

nlohmann::json OptionalTime(const std::optional<TimePoint>& time) {
  if (!time) {
    return nullptr;
  }
  return FormatTime(*time);
}

}  // namespace

std::string_view LifecycleEventTypeName(LifecycleEventType type) {
  switch (type) {
    case LifecycleEventType::kRequestCreated:
      return "request.created";
    case LifecycleEventType::kRequestApproved:
      return "request.approved";
    case LifecycleEventType::kRequestDenied:
      return "request.denied";
    case LifecycleEventType::kRequestCancelled:
      return "request.cancelled";
    case LifecycleEventType::kBreakGlassInvoked:
      return "breakglass.invoked";
    case LifecycleEventType::kBreakGlassClosed:
      return "breakglass.closed";
    case LifecycleEventType::kBreakGlassRateLimited:
      return "breakglass.rate_limited";
    case LifecycleEventType::kBreakGlassEscalated:
      return "breakglass.escalated";
  }
  return "unknown";
}

Result<LifecycleEventType> ParseLifecycleEventType(std::string_view name) {
  for (LifecycleEventType type : kLifecycleEventTypes) {
    if (LifecycleEventTypeName(type) == name) {
      return type;
    }
  }
  return Fail(ErrorCode::kInvalidInput,
              "unknown lifecycle event type '" + aws::Printable(name, 64) + "'");
}

SubjectKind SubjectKindOf(LifecycleEventType type) {
  switch (type) {
    case LifecycleEventType::kRequestCreated:
    case LifecycleEventType::kRequestApproved:
    case LifecycleEventType::kRequestDenied:
    case LifecycleEventType::kRequestCancelled:
      return SubjectKind::kRequest;
    case LifecycleEventType::kBreakGlassInvoked:
    case LifecycleEventType::kBreakGlassClosed:
    case LifecycleEventType::kBreakGlassRateLimited:
    case LifecycleEventType::kBreakGlassEscalated:
      return SubjectKind::kEvent;
  }
  return SubjectKind::kEvent;
}

std::string_view SubjectKindName(SubjectKind kind) {
  return kind == SubjectKind::kRequest ? "request" : "event";
}

nlohmann::json RequestSubject(const Request& request) {
  return {
      {"id", request.id},
      {"requester", request.requester},
      {"profile", request.profile},
      {"justification", request.justification},
      {"duration_seconds", request.duration_seconds.count()},
      {"status", RequestStatusName(request.status)},
      {"created_at", FormatTime(request.created_at)},
      {"updated_at", FormatTime(request.updated_at)},
      {"expires_at", FormatTime(request.expires_at)},
      {"approver", request.approver},
      {"approver_comment", request.approver_comment},
      {"decided_at", OptionalTime(request.decided_at)},
      {"access_expires_at", OptionalTime(request.access_expires_at)},
  };
}

nlohmann::json EventSubject(const Event& event) {
  return {
      {"id", event.id},
      {"invoker", event.invoker},
      {"profile", event.profile},
      {"reason_code", event.reason_code},
      {"justification", event.justification},
      {"duration_seconds", event.duration_seconds.count()},
      {"status", EventStatusName(event.status)},
      {"created_at", FormatTime(event.created_at)},
      {"updated_at", FormatTime(event.updated_at)},
      {"expires_at", FormatTime(event.expires_at)},
      {"closed_by", event.closed_by},
      {"closed_reason", event.closed_reason},
  };
}

}  // namespace sentinel::app
