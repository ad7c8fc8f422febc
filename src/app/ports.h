// The ports the use cases talk through. Adapters (aws/, store/, audit/, notify/) implement
// them; tests implement them with fakes.
#ifndef SENTINEL_APP_PORTS_H_
#define SENTINEL_APP_PORTS_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/evaluator.h"
#include "core/policy.h"

namespace sentinel::app {

// Who is asking, as AWS says (SPEC section 1).
struct Caller {
  std::string arn;
  std::string account;
  std::string type;  // iam-user, assumed-role, federated-user, root
  std::string user;  // what policy `users` lists match
};

// Finds out who owns the base credentials of the current command.
class CallerPort {
 public:
  virtual ~CallerPort() = default;
  [[nodiscard]] virtual Result<Caller> Identify() = 0;
};

// A policy ready for evaluation, with where it came from.
struct LoadedPolicy {
  std::shared_ptr<const policy::Policy> document;
  std::shared_ptr<const policy::CompiledPolicy> compiled;
  std::string source;  // URI and version, e.g. "file:/p.yaml (sha256:0123abcd)"
};

// Loads the configured policy. Fails with kInvalidInput when the document does not parse
// and kUnavailable when it cannot be read; callers deny on any failure.
class PolicyPort {
 public:
  virtual ~PolicyPort() = default;
  [[nodiscard]] virtual Result<LoadedPolicy> Load() = 0;
  // The source URI, for log entries written when Load() failed.
  virtual std::string SourceUri() const = 0;
};

// What to ask STS for when issuing.
struct SessionRequest {
  std::optional<std::string> role_arn;  // absent: GetSessionToken
  std::string role_session_name;
  std::string source_identity;
  std::optional<std::string> external_id;
  std::chrono::seconds duration{3600};
};

// Issues the session from the base credentials (assuming any intermediate roles first).
class SessionPort {
 public:
  virtual ~SessionPort() = default;
  [[nodiscard]] virtual Result<aws::Credentials> Issue(const SessionRequest& request) = 0;
};

}  // namespace sentinel::app

#endif  // SENTINEL_APP_PORTS_H_
