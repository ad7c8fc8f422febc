#include "audit/lifecycle_log.h"

#include "core/time_format.h"

namespace sentinel::audit {

nlohmann::ordered_json LifecycleEntryToJson(const app::LifecycleEntry& entry) {
  nlohmann::ordered_json out;
  out["time"] = FormatTime(entry.time);
  out["kind"] = app::LifecycleEventTypeName(entry.type);
  out["id"] = entry.id ? nlohmann::ordered_json(*entry.id) : nlohmann::ordered_json(nullptr);
  out["actor"] = entry.actor;
  if (!entry.changes.is_object()) {
    return out;
  }
  for (const auto& [key, value] : entry.changes.items()) {
    // The four keys above say what the entry is; a field must not rewrite them.
    if (!out.contains(key)) {
      out[key] = value;
    }
  }
  return out;
}

Status JsonlLifecycleLog::Write(const app::LifecycleEntry& entry) {
  return log_.Append(LifecycleEntryToJson(entry));
}

}  // namespace sentinel::audit
