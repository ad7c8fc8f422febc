// `sentinel breakglass`, `breakglass-list`, `breakglass-check` and `breakglass-close`
// (SPEC 4.5, 7).
#include "app/breakglass.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/override_env.h"
#include "core/duration.h"
#include "core/time_format.h"

namespace sentinel::cli {
namespace {

struct InvokeFlags {
  std::string profile;
  std::string reason_code;
  std::string justification;
  std::optional<std::string> duration;
};

struct ListFlags {
  std::optional<std::string> status;
  std::optional<std::string> profile;
  std::optional<std::string> invoker;
  int limit = store::kDefaultListLimit;
};

struct CloseFlags {
  std::string id;
  std::string reason;
};

int RunInvoke(Context& context, const InvokeFlags& flags) {
  app::BreakGlassInput input{flags.profile, flags.reason_code, flags.justification, std::nullopt};
  if (flags.duration) {
    auto duration = ParseDuration(*flags.duration);
    if (!duration) {
      return ReportError(duration.error().WithContext("--duration"));
    }
    input.duration = *duration;
  }
  auto env = OverrideEnv::Open(context, flags.profile);
  if (!env) {
    return ReportError(env.error());
  }
  auto invoked = app::InvokeBreakGlass(input, (*env)->ports());
  if (!invoked) {
    return ReportError(invoked.error());
  }
  const Event& event = invoked->event;
  nlohmann::ordered_json out;
  out["event_id"] = event.id;
  out["profile"] = event.profile;
  out["reason_code"] = event.reason_code;
  out["status"] = EventStatusName(EffectiveStatus(event, context.clock().Now()));
  out["expires_at"] = FormatTime(event.expires_at);
  if (auto printed = PrintJson(out); !printed) {
    return ReportError(printed.error());
  }
  if (invoked->escalated) {
    Notice("break-glass event " + event.id +
           " reached the escalation threshold of the profile's rate limit; it is recorded and "
           "announced as breakglass.escalated");
  }
  // The emergency is declared; a log that could not record it must not turn that into a
  // failure the user might retry.
  if (invoked->unrecorded) {
    Warn(*invoked->unrecorded);
  }
  return kExitOk;
}

int RunList(Context& context, const ListFlags& flags) {
  store::EventFilter filter;
  if (flags.status) {
    auto status = ParseEventStatus(*flags.status);
    if (!status) {
      return ReportError(status.error().WithContext("--status"));
    }
    filter.status = *status;
  }
  filter.profile = flags.profile;
  filter.invoker = flags.invoker;
  filter.limit = flags.limit;
  if (auto limit = store::CheckListLimit(flags.limit); !limit) {
    return ReportError(limit.error().WithContext("--limit"));
  }
  auto env = OverrideEnv::Open(context, std::nullopt);
  if (!env) {
    return ReportError(env.error());
  }
  auto events = app::ListEvents(filter, (*env)->ports());
  if (!events) {
    return ReportError(events.error());
  }
  nlohmann::ordered_json out;
  out["events"] = nlohmann::ordered_json::array();
  for (const Event& event : *events) {
    out["events"].push_back(EventJson(event, context.clock().Now()));
  }
  if (auto printed = PrintJson(out); !printed) {
    return ReportError(printed.error());
  }
  return kExitOk;
}

int RunCheck(Context& context, const std::string& id) {
  if (auto checked = app::CheckRecordId(id, "break-glass event"); !checked) {
    return ReportError(checked.error());
  }
  auto env = OverrideEnv::Open(context, std::nullopt);
  if (!env) {
    return ReportError(env.error());
  }
  auto event = app::CheckEvent(id, (*env)->ports());
  if (!event) {
    return ReportError(event.error());
  }
  if (auto printed = PrintJson(EventJson(*event, context.clock().Now())); !printed) {
    return ReportError(printed.error());
  }
  return kExitOk;
}

int RunClose(Context& context, const CloseFlags& flags) {
  if (auto checked = app::CheckRecordId(flags.id, "break-glass event"); !checked) {
    return ReportError(checked.error());
  }
  auto env = OverrideEnv::Open(context, std::nullopt);
  if (!env) {
    return ReportError(env.error());
  }
  auto closed = app::CloseEvent(flags.id, flags.reason, (*env)->ports());
  if (!closed) {
    return ReportError(closed.error());
  }
  if (auto printed = PrintJson(EventJson(closed->event, context.clock().Now())); !printed) {
    return ReportError(printed.error());
  }
  if (closed->unrecorded) {
    return ReportError(closed->unrecorded->WithHint(
        "the event was closed; check the decision log's disk and permissions"));
  }
  return kExitOk;
}

}  // namespace

void RegisterBreakGlass(CLI::App& app, CommandAction& action) {
  auto invoke = std::make_shared<InvokeFlags>();
  CLI::App* command = app.add_subcommand("breakglass", "declare an emergency on a profile");
  command->add_option("--profile", invoke->profile, "AWS profile the emergency is on")->required();
  command
      ->add_option("--reason-code", invoke->reason_code,
                   "incident, maintenance, security, recovery or other")
      ->required();
  command->add_option("--justification", invoke->justification, "why (20 to 1000 characters)")
      ->required();
  command->add_option("--duration", invoke->duration,
                      "how long, e.g. 30m (default 1h, at most the rule's and 4h)");
  command->callback([invoke, &action] {
    action = [invoke](Context& context) { return RunInvoke(context, *invoke); };
  });

  auto list = std::make_shared<ListFlags>();
  command = app.add_subcommand("breakglass-list", "list break-glass events, newest first");
  command->add_option("--status", list->status, "active, closed or expired");
  command->add_option("--profile", list->profile, "only events on this profile");
  command->add_option("--invoker", list->invoker, "only events of this user");
  command->add_option("--limit", list->limit, "at most this many (1 to 1000, default 50)");
  command->callback(
      [list, &action] { action = [list](Context& context) { return RunList(context, *list); }; });

  auto id = std::make_shared<std::string>();
  command = app.add_subcommand("breakglass-check", "show a break-glass event");
  command->add_option("id", *id, "event id")->required();
  command->callback(
      [id, &action] { action = [id](Context& context) { return RunCheck(context, *id); }; });

  auto close = std::make_shared<CloseFlags>();
  command = app.add_subcommand("breakglass-close", "end a break-glass event");
  command->add_option("id", close->id, "event id")->required();
  command->add_option("--reason", close->reason, "why it is over")->required();
  command->callback([close, &action] {
    action = [close](Context& context) { return RunClose(context, *close); };
  });
}

}  // namespace sentinel::cli
