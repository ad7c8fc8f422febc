// `sentinel request`, `list`, `check`, `approve`, `deny` and `cancel` (SPEC 4.4, 6).
#include <chrono>
#include <thread>

#include "app/requests.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/override_env.h"
#include "core/duration.h"
#include "core/time_format.h"

namespace sentinel::cli {
namespace {

using std::chrono::seconds;

// How often `request --wait` reads the store, and how often it says it is still waiting.
constexpr auto kPollInterval = std::chrono::seconds(1);
constexpr auto kProgressInterval = std::chrono::seconds(30);

struct RequestFlags {
  std::string profile;
  std::string duration;
  std::string justification;
  bool wait = false;
  std::optional<std::string> timeout;
};

struct ListFlags {
  std::optional<std::string> status;
  std::optional<std::string> profile;
  std::optional<std::string> requester;
  int limit = store::kDefaultListLimit;
};

struct DecideFlags {
  std::string id;
  std::string comment;
};

// Reports an error that happened after the command's change was stored and shown.
int ReportUnrecorded(const std::optional<Error>& unrecorded) {
  if (!unrecorded) {
    return kExitOk;
  }
  return ReportError(unrecorded->WithHint(
      "the change itself was stored; check the decision log's disk and permissions"));
}

nlohmann::ordered_json Summary(const app::RequestOutcome& outcome, TimePoint now) {
  nlohmann::ordered_json out;
  out["request_id"] = outcome.request.id;
  out["profile"] = outcome.request.profile;
  out["status"] = RequestStatusName(EffectiveStatus(outcome.request, now));
  out["expires_at"] = FormatTime(outcome.request.expires_at);
  out["auto_approved"] = outcome.auto_approved;
  return out;
}

// The exit status and message for a request that is no longer pending at `now`.
int ReportFinal(const Request& request, TimePoint now) {
  const RequestStatus status = EffectiveStatus(request, now);
  const std::string what = "request " + request.id;
  const std::string comment =
      request.approver_comment.empty() ? "" : " (" + request.approver_comment + ")";
  switch (status) {
    case RequestStatus::kApproved:
      Notice(what + " approved by " + request.approver + "; access to profile '" + request.profile +
             "' until " + FormatTime(*request.access_expires_at));
      return kExitOk;
    case RequestStatus::kDenied:
      return ReportError(
          Error(ErrorCode::kDenied, what + " was denied by " + request.approver + comment));
    case RequestStatus::kCancelled:
      return ReportError(Error(ErrorCode::kDenied, what + " was cancelled"));
    case RequestStatus::kExpired:
      return ReportError(
          Error(ErrorCode::kDenied,
                what + " expired at " + FormatTime(request.expires_at) + " without a decision",
                "ask again with `sentinel request`"));
    case RequestStatus::kPending:
      break;
  }
  return ReportError(Error(ErrorCode::kInternal, what + " is still pending"));
}

// Polls the store until the request is decided, expires or `timeout` passes. Progress goes
// to stderr; the final summary to stdout.
int WaitForDecision(OverrideEnv& env, app::RequestOutcome outcome, std::optional<seconds> timeout) {
  const app::OverridePorts& ports = env.ports();
  const std::string id = outcome.request.id;
  const auto started = std::chrono::steady_clock::now();
  auto next_progress = started + kProgressInterval;
  Notice("request " + id + " for profile '" + outcome.request.profile +
         "' is waiting for an approver until " + FormatTime(outcome.request.expires_at) +
         " (they run `sentinel approve " + id + "`)");
  while (EffectiveStatus(outcome.request, ports.clock.Now()) == RequestStatus::kPending) {
    const auto now = std::chrono::steady_clock::now();
    if (timeout && now - started >= *timeout) {
      if (auto printed = PrintJson(Summary(outcome, ports.clock.Now())); !printed) {
        return ReportError(printed.error());
      }
      ReportError(Error(ErrorCode::kUnavailable, "timed out after " + FormatDuration(*timeout) +
                                                     " waiting for request " + id +
                                                     "; it is still pending"));
      return kExitFailure;
    }
    if (now >= next_progress) {
      const auto waited = std::chrono::duration_cast<seconds>(now - started);
      Notice("still waiting for request " + id + " after " + FormatDuration(waited));
      next_progress += kProgressInterval;
    }
    std::this_thread::sleep_for(kPollInterval);
    auto current = app::CheckRequest(id, ports);
    if (!current) {
      return ReportError(current.error().WithContext("waiting for request " + id));
    }
    outcome.request = std::move(*current);
  }
  if (auto printed = PrintJson(Summary(outcome, ports.clock.Now())); !printed) {
    return ReportError(printed.error());
  }
  const int status = ReportFinal(outcome.request, ports.clock.Now());
  return outcome.unrecorded ? ReportUnrecorded(outcome.unrecorded) : status;
}

int RunRequest(Context& context, const RequestFlags& flags) {
  auto duration = ParseDuration(flags.duration);
  if (!duration) {
    return ReportError(duration.error().WithContext("--duration"));
  }
  std::optional<seconds> timeout;
  if (flags.timeout) {
    auto parsed = ParseDuration(*flags.timeout);
    if (!parsed) {
      return ReportError(parsed.error().WithContext("--timeout"));
    }
    timeout = *parsed;
  }
  auto env = OverrideEnv::Open(context, flags.profile);
  if (!env) {
    return ReportError(env.error());
  }
  auto created =
      app::CreateRequest({flags.profile, *duration, flags.justification}, (*env)->ports());
  if (!created) {
    return ReportError(created.error());
  }
  if (flags.wait) {
    return WaitForDecision(**env, std::move(*created), timeout);
  }
  if (auto printed = PrintJson(Summary(*created, context.clock().Now())); !printed) {
    return ReportError(printed.error());
  }
  return ReportUnrecorded(created->unrecorded);
}

int RunList(Context& context, const ListFlags& flags) {
  store::RequestFilter filter;
  if (flags.status) {
    auto status = ParseRequestStatus(*flags.status);
    if (!status) {
      return ReportError(status.error().WithContext("--status"));
    }
    filter.status = *status;
  }
  filter.profile = flags.profile;
  filter.requester = flags.requester;
  filter.limit = flags.limit;
  if (auto limit = store::CheckListLimit(flags.limit); !limit) {
    return ReportError(limit.error().WithContext("--limit"));
  }
  auto env = OverrideEnv::Open(context, std::nullopt);
  if (!env) {
    return ReportError(env.error());
  }
  auto requests = app::ListRequests(filter, (*env)->ports());
  if (!requests) {
    return ReportError(requests.error());
  }
  nlohmann::ordered_json out;
  out["requests"] = nlohmann::ordered_json::array();
  for (const Request& request : *requests) {
    out["requests"].push_back(RequestJson(request, context.clock().Now()));
  }
  if (auto printed = PrintJson(out); !printed) {
    return ReportError(printed.error());
  }
  return kExitOk;
}

// Prints the request a use case left and reports any lifecycle entry it could not write.
int PrintOutcome(Context& context, const Result<app::RequestOutcome>& outcome) {
  if (!outcome) {
    return ReportError(outcome.error());
  }
  if (auto printed = PrintJson(RequestJson(outcome->request, context.clock().Now())); !printed) {
    return ReportError(printed.error());
  }
  return ReportUnrecorded(outcome->unrecorded);
}

using RequestAction = std::function<Result<app::RequestOutcome>(const app::OverridePorts&)>;

// The common shape of check, approve, deny and cancel: check the id, open, act, print.
int RunOnRequest(Context& context, const std::string& id, const RequestAction& act) {
  if (auto checked = app::CheckRecordId(id, "request"); !checked) {
    return ReportError(checked.error());
  }
  auto env = OverrideEnv::Open(context, std::nullopt);
  if (!env) {
    return ReportError(env.error());
  }
  return PrintOutcome(context, act((*env)->ports()));
}

void RegisterRequestCommand(CLI::App& app, CommandAction& action) {
  auto flags = std::make_shared<RequestFlags>();
  CLI::App* command = app.add_subcommand("request", "ask an approver for access to a profile");
  command->add_option("--profile", flags->profile, "AWS profile to ask access to")->required();
  command->add_option("--duration", flags->duration, "how long access should last, e.g. 2h")
      ->required();
  command->add_option("--justification", flags->justification, "why (10 to 500 characters)")
      ->required();
  CLI::Option* wait =
      command->add_flag("--wait", flags->wait, "wait until the request is decided or expires");
  command->add_option("--timeout", flags->timeout, "stop waiting after this long, e.g. 10m")
      ->needs(wait);
  command->callback([flags, &action] {
    action = [flags](Context& context) { return RunRequest(context, *flags); };
  });
}

void RegisterListCommand(CLI::App& app, CommandAction& action) {
  auto flags = std::make_shared<ListFlags>();
  CLI::App* command = app.add_subcommand("list", "list requests, newest first (default: your own)");
  command->add_option("--status", flags->status, "pending, approved, denied, cancelled or expired");
  command->add_option("--profile", flags->profile, "only requests for this profile");
  command->add_option("--requester", flags->requester, "only requests of this user");
  command->add_option("--limit", flags->limit, "at most this many (1 to 1000, default 50)");
  command->callback([flags, &action] {
    action = [flags](Context& context) { return RunList(context, *flags); };
  });
}

void RegisterCheckCommand(CLI::App& app, CommandAction& action) {
  auto id = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("check", "show a request");
  command->add_option("id", *id, "request id")->required();
  command->callback([id, &action] {
    action = [id](Context& context) {
      return RunOnRequest(context, *id, [&](const app::OverridePorts& ports) {
        auto request = app::CheckRequest(*id, ports);
        if (!request) {
          return Result<app::RequestOutcome>(std::unexpected(request.error()));
        }
        return Result<app::RequestOutcome>(app::RequestOutcome{*request, false, std::nullopt});
      });
    };
  });
}

void RegisterDecideCommand(CLI::App& app, CommandAction& action, bool approve) {
  auto flags = std::make_shared<DecideFlags>();
  CLI::App* command =
      app.add_subcommand(approve ? "approve" : "deny",
                         approve ? "approve a pending request" : "deny a pending request");
  command->add_option("id", flags->id, "request id")->required();
  command->add_option("--comment", flags->comment, "a note for the requester and the log");
  command->callback([flags, approve, &action] {
    action = [flags, approve](Context& context) {
      return RunOnRequest(context, flags->id, [&](const app::OverridePorts& ports) {
        return approve ? app::ApproveRequest(flags->id, flags->comment, ports)
                       : app::DenyRequest(flags->id, flags->comment, ports);
      });
    };
  });
}

void RegisterCancelCommand(CLI::App& app, CommandAction& action) {
  auto id = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("cancel", "withdraw your pending request");
  command->add_option("id", *id, "request id")->required();
  command->callback([id, &action] {
    action = [id](Context& context) {
      return RunOnRequest(context, *id, [&](const app::OverridePorts& ports) {
        return app::CancelRequest(*id, ports);
      });
    };
  });
}

}  // namespace

void RegisterRequests(CLI::App& app, CommandAction& action) {
  RegisterRequestCommand(app, action);
  RegisterListCommand(app, action);
  RegisterCheckCommand(app, action);
  RegisterDecideCommand(app, action, /*approve=*/true);
  RegisterDecideCommand(app, action, /*approve=*/false);
  RegisterCancelCommand(app, action);
}

}  // namespace sentinel::cli
