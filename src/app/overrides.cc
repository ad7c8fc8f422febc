#include "app/overrides.h"

#include "aws/printable.h"
#include "core/time_format.h"

namespace sentinel::app {
namespace {

nlohmann::ordered_json OptionalTime(const std::optional<TimePoint>& time) {
  return time ? nlohmann::ordered_json(FormatTime(*time)) : nlohmann::ordered_json(nullptr);
}

}  // namespace

Status Announce(const OverridePorts& ports, const LifecycleEntry& entry, nlohmann::json subject) {
  Status written = ports.log.Write(entry);
  LifecycleEvent event;
  event.type = entry.type;
  event.time = entry.time;
  event.actor = entry.actor;
  event.subject = std::move(subject);
  ports.notifier.Notify(event);
  if (!written) {
    return Fail(written.error(), "recording " + std::string(LifecycleEventTypeName(entry.type)) +
                                     (entry.id ? " of " + *entry.id : std::string()));
  }
  return {};
}

nlohmann::ordered_json RequestRecord(const Request& request) {
  nlohmann::ordered_json out;
  out["id"] = request.id;
  out["requester"] = request.requester;
  out["profile"] = request.profile;
  out["justification"] = request.justification;
  out["duration_seconds"] = request.duration_seconds.count();
  out["status"] = RequestStatusName(request.status);
  out["created_at"] = FormatTime(request.created_at);
  out["updated_at"] = FormatTime(request.updated_at);
  out["expires_at"] = FormatTime(request.expires_at);
  out["approver"] = request.approver;
  out["approver_comment"] = request.approver_comment;
  out["decided_at"] = OptionalTime(request.decided_at);
  out["access_expires_at"] = OptionalTime(request.access_expires_at);
  return out;
}

nlohmann::ordered_json EventRecord(const Event& event) {
  nlohmann::ordered_json out;
  out["id"] = event.id;
  out["invoker"] = event.invoker;
  out["profile"] = event.profile;
  out["reason_code"] = event.reason_code;
  out["justification"] = event.justification;
  out["duration_seconds"] = event.duration_seconds.count();
  out["status"] = EventStatusName(event.status);
  out["created_at"] = FormatTime(event.created_at);
  out["updated_at"] = FormatTime(event.updated_at);
  out["expires_at"] = FormatTime(event.expires_at);
  out["closed_by"] = event.closed_by;
  out["closed_reason"] = event.closed_reason;
  return out;
}

Status CheckRecordId(std::string_view id, std::string_view kind) {
  if (IsRecordId(id)) {
    return {};
  }
  return Fail(ErrorCode::kInvalidInput, "'" + aws::Printable(id, 40) + "' is not a " +
                                            std::string(kind) +
                                            " id: expected 16 lowercase hex characters");
}

}  // namespace sentinel::app
