// What the request and break-glass commands open from the Context: the store, the policy
// source, the lifecycle log, the notifier, and the caller's identity (asked for lazily).
#ifndef SENTINEL_CLI_OVERRIDE_ENV_H_
#define SENTINEL_CLI_OVERRIDE_ENV_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/notifier.h"
#include "app/overrides.h"
#include "app/random.h"
#include "cli/context.h"
#include "core/breakglass.h"
#include "core/error.h"
#include "core/request.h"

namespace sentinel::cli {

// The caller of a command, identified on first use through Context::OpenSession(profile),
// so that commands which never need to know (check, a filtered list) need no credentials.
// The answer is kept for the command. Not thread-safe.
class LazyCaller final : public app::CallerPort {
 public:
  LazyCaller(Context& context, std::optional<std::string> profile)
      : context_(context), profile_(std::move(profile)) {}
  [[nodiscard]] Result<app::Caller> Identify() override;

 private:
  Context& context_;
  std::optional<std::string> profile_;
  std::optional<app::Caller> caller_;
};

// The ports of the request and break-glass use cases, opened for one command.
class OverrideEnv {
 public:
  // Opens the configured store (its failures are returned as they are: kUnavailable, exit
  // 1), the policy source, the decision log and the Context's notifier (the outbox and the
  // configured channels). `profile` is whose base credentials say who is calling: the
  // --profile of `request` and `breakglass`, nullopt (the standard chain) for the others;
  // --aws-profile overrides both, as Context::OpenSession does.
  [[nodiscard]] static Result<std::unique_ptr<OverrideEnv>> Open(
      Context& context, std::optional<std::string> profile);

  const app::OverridePorts& ports() const { return ports_; }

 private:
  OverrideEnv(Context& context, std::optional<std::string> profile, store::Store& store,
              std::unique_ptr<app::PolicyPort> policy, std::string log_path,
              app::Notifier& notifier);

  LazyCaller caller_;
  std::unique_ptr<app::PolicyPort> policy_;
  std::unique_ptr<app::LifecycleLog> log_;
  app::SystemRandomSource random_;
  app::OverridePorts ports_;
};

// A request as commands print it: every field (app::RequestRecord) with the status it has
// at `now` (a pending request past its expiry reads "expired").
nlohmann::ordered_json RequestJson(const Request& request, TimePoint now);

// An event as commands print it, its status as read at `now`.
nlohmann::ordered_json EventJson(const Event& event, TimePoint now);

// Writes `document` and a newline to stdout. Fails with kUnavailable when stdout cannot
// take it (a closed pipe, a full disk).
[[nodiscard]] Status PrintJson(const nlohmann::ordered_json& document);

// Writes "sentinel: warning: <message>" to stderr: for something that went wrong without
// undoing what the command did.
void Warn(const Error& error);

}  // namespace sentinel::cli

#endif  // SENTINEL_CLI_OVERRIDE_ENV_H_
