// What the approval-request and break-glass use cases share: their ports, the lifecycle
// entries they write to the decision log (SPEC 9) and how records read as JSON.
#ifndef SENTINEL_APP_OVERRIDES_H_
#define SENTINEL_APP_OVERRIDES_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "app/notifier.h"
#include "app/ports.h"
#include "core/breakglass.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/request.h"
#include "store/store.h"

namespace sentinel::app {

// One lifecycle entry of the decision log: what happened to which record, who made it
// happen and the fields that changed.
struct LifecycleEntry {
  LifecycleEventType type = LifecycleEventType::kRequestCreated;
  TimePoint time;                 // when it happened (the record's updated_at)
  std::optional<std::string> id;  // the record's id; nullopt only for breakglass.rate_limited,
                                  // which refuses before any record exists
  std::string actor;              // requester, approver, invoker or closer
  // The fields that changed, snake_case keys, in the order the SPEC lists them. Never holds
  // the keys "time", "kind", "id" or "actor".
  nlohmann::ordered_json changes = nlohmann::ordered_json::object();
};

// Appends lifecycle entries to the decision log. Write returns once the entry is written;
// a failure means it may not have been. Implementations document their thread safety.
class LifecycleLog {
 public:
  virtual ~LifecycleLog() = default;
  [[nodiscard]] virtual Status Write(const LifecycleEntry& entry) = 0;
};

// The ports the request and break-glass use cases work through. All must outlive the call.
// Each use case asks `caller` who is calling only when it needs to know.
struct OverridePorts {
  CallerPort& caller;
  PolicyPort& policy;
  store::Store& store;
  LifecycleLog& log;
  Notifier& notifier;
  RandomSource& random;
  const Clock& clock;
};

// Records and announces one lifecycle event: writes `entry` to the log, then hands the
// event with `subject` to the notifier whatever the write did (a notification is worth
// sending even when the log is broken). Returns the write's failure, saying which entry
// could not be written.
[[nodiscard]] Status Announce(const OverridePorts& ports, const LifecycleEntry& entry,
                              nlohmann::json subject);

// Every field of a request (SPEC 6) under its own name, in the SPEC's order: times as RFC
// 3339 UTC, unset times null, the duration in whole seconds, the status as stored.
nlohmann::ordered_json RequestRecord(const Request& request);

// Every field of a break-glass event (SPEC 7), written as RequestRecord writes a request's.
nlohmann::ordered_json EventRecord(const Event& event);

// Checks a record id a user typed before it is looked up. Fails with kInvalidInput:
// "'xyz' is not a request id: expected 16 lowercase hex characters". `kind` is "request"
// or "break-glass event".
[[nodiscard]] Status CheckRecordId(std::string_view id, std::string_view kind);

}  // namespace sentinel::app

#endif  // SENTINEL_APP_OVERRIDES_H_
