#include "cli/override_env.h"

#include <cstdio>

#include "app/file_policy.h"
#include "audit/lifecycle_log.h"
#include "cli/output.h"

namespace sentinel::cli {

Result<app::Caller> LazyCaller::Identify() {
  if (caller_) {
    return *caller_;
  }
  auto session = context_.OpenSession(profile_, std::nullopt);
  if (!session) {
    return std::unexpected(session.error());
  }
  auto caller = (*session)->Identify();
  if (!caller) {
    return std::unexpected(caller.error());
  }
  caller_ = *caller;
  return *caller_;
}

OverrideEnv::OverrideEnv(Context& context, std::optional<std::string> profile, store::Store& store,
                         std::unique_ptr<app::PolicyPort> policy, std::string log_path,
                         app::Notifier& notifier)
    : caller_(context, std::move(profile)),
      policy_(std::move(policy)),
      log_(std::make_unique<audit::JsonlLifecycleLog>(std::move(log_path))),
      ports_{caller_, *policy_, store, *log_, notifier, random_, context.clock()} {}

Result<std::unique_ptr<OverrideEnv>> OverrideEnv::Open(Context& context,
                                                       std::optional<std::string> profile) {
  auto settings = context.Settings();
  if (!settings) {
    return std::unexpected(settings.error());
  }
  auto store = context.OpenStore();
  if (!store) {
    return std::unexpected(store.error());
  }
  auto policy = context.OpenPolicy(profile);
  if (!policy) {
    return std::unexpected(policy.error());
  }
  auto notifier = context.OpenNotifier();
  if (!notifier) {
    return std::unexpected(notifier.error());
  }
  return std::unique_ptr<OverrideEnv>(new OverrideEnv(context, std::move(profile), **store,
                                                      std::move(*policy), (*settings)->decision_log,
                                                      **notifier));
}

nlohmann::ordered_json RequestJson(const Request& request, TimePoint now) {
  nlohmann::ordered_json out = app::RequestRecord(request);
  out["status"] = RequestStatusName(EffectiveStatus(request, now));
  return out;
}

nlohmann::ordered_json EventJson(const Event& event, TimePoint now) {
  nlohmann::ordered_json out = app::EventRecord(event);
  out["status"] = EventStatusName(EffectiveStatus(event, now));
  return out;
}

Status PrintJson(const nlohmann::ordered_json& document) {
  const std::string text =
      document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    return Fail(ErrorCode::kUnavailable, "writing the result to stdout failed");
  }
  return {};
}

void Warn(const Error& error) { Notice("warning: " + error.message()); }

}  // namespace sentinel::cli
