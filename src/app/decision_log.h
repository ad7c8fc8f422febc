// The decision log port: every decision, allow or deny, is recorded through it.
#ifndef SENTINEL_APP_DECISION_LOG_H_
#define SENTINEL_APP_DECISION_LOG_H_

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"

namespace sentinel::app {

// One `kind: decision` entry of the decision log (SPEC section 9). Optional fields are
// written only when set.
struct DecisionEntry {
  TimePoint time;
  std::string user;
  std::string profile;
  std::string effect;   // what the policy said: allow, deny, require_approval
  std::string outcome;  // what happened: issued or denied
  std::string rule;     // the matched rule, or "" when none matched
  int rule_index = -1;  // its 0-based index, or -1
  std::string reason;
  std::string policy;  // source URI and version, e.g. "file:/etc/p.yaml#sha256:ab12..."

  // Set when credentials were issued.
  std::optional<std::string> request_id;
  std::optional<std::string> source_identity;
  std::optional<std::string> role_arn;
  std::optional<std::int64_t> session_duration_seconds;  // what STS was asked for
  std::optional<TimePoint> expiration;                   // what sentinel reported
  std::optional<std::string> credential_type;            // "assume-role" or "session-token"

  // Set when an override granted the session.
  std::optional<std::string> approved_request_id;
  std::optional<std::string> break_glass_event_id;
};

// Appends decision entries to durable storage. Record() returns only after the entry is
// written; a failure means the entry may not exist and the caller must not issue.
class DecisionLog {
 public:
  virtual ~DecisionLog() = default;
  [[nodiscard]] virtual Status Record(const DecisionEntry& entry) = 0;
};

}  // namespace sentinel::app

#endif  // SENTINEL_APP_DECISION_LOG_H_
