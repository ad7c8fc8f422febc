#include "notify/message.h"

#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace sentinel::notify {
namespace {

// Compact, and lenient with bad UTF-8: a notification must never fail to render.
std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string NotificationBody(const app::LifecycleEvent& event) {
  // Written piece by piece so the keys keep the order of SPEC 10 (nlohmann::json sorts
  // an object's keys).
  const std::string_view kind = app::SubjectKindName(app::SubjectKindOf(event.type));
  std::string body = "{\"type\":";
  body += Dump(app::LifecycleEventTypeName(event.type));
  body += ",\"time\":";
  body += Dump(FormatTime(event.time));
  body += ",\"actor\":";
  body += Dump(event.actor);
  body += ",\"";
  body += kind;
  body += "\":";
  body += Dump(event.subject);
  body += '}';
  return body;
}

Result<app::LifecycleEventType> NotificationType(std::string_view body) {
  const nlohmann::json document = nlohmann::json::parse(body, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return Fail(ErrorCode::kInvalidInput, "notification document is not a JSON object");
  }
  const auto type = document.find("type");
  if (type == document.end() || !type->is_string()) {
    return Fail(ErrorCode::kInvalidInput, "notification document has no \"type\" string");
  }
  auto parsed = app::ParseLifecycleEventType(type->get_ref<const std::string&>());
  if (!parsed) {
    return Fail(parsed.error(), "notification document");
  }
  return *parsed;
}

}  // namespace sentinel::notify
