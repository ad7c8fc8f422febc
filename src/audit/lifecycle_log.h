// Lifecycle entries (SPEC 9) as lines of the decision log file.
#ifndef SENTINEL_AUDIT_LIFECYCLE_LOG_H_
#define SENTINEL_AUDIT_LIFECYCLE_LOG_H_

#include <nlohmann/json.hpp>
#include <string>

#include "app/overrides.h"
#include "audit/jsonl_log.h"
#include "core/error.h"

namespace sentinel::audit {

// Writes lifecycle entries into the same JSON Lines file as the decisions, with JsonlLog's
// guarantees (one whole line per write, O_APPEND, mode 0600). Thread-safe.
class JsonlLifecycleLog final : public app::LifecycleLog {
 public:
  explicit JsonlLifecycleLog(std::string path) : log_(std::move(path)) {}

  // Appends `entry` as one line (LifecycleEntryToJson). Fails with kUnavailable naming the
  // path when the line cannot be written.
  [[nodiscard]] Status Write(const app::LifecycleEntry& entry) override;

 private:
  JsonlLog log_;
};

// The line for `entry`: "time" (RFC 3339 UTC), "kind" (e.g. "request.approved"), "id"
// (null when the entry has none), "actor", then the changed fields in their order. A
// changed field that would shadow one of those four keys is dropped.
nlohmann::ordered_json LifecycleEntryToJson(const app::LifecycleEntry& entry);

}  // namespace sentinel::audit

#endif  // SENTINEL_AUDIT_LIFECYCLE_LOG_H_
