#include "app/issue.h"

#include <algorithm>

#include "core/duration.h"
#include "core/session_naming.h"

namespace sentinel::app {
namespace {

std::string DenialMessage(const IssueRequest& request, const Caller& caller,
                          const policy::Decision& decision) {
  std::string message =
      "access to profile '" + request.profile + "' denied for user '" + caller.user + "': ";
  if (decision.rule_index() < 0) {
    return message + "no rule matched";
  }
  message += "rule '" + std::string(decision.rule_name()) + "'";
  if (decision.effect() == policy::Effect::kRequireApproval) {
    return message + " requires an approved request";
  }
  return message + " (" + std::string(decision.reason()) + ")";
}

std::string DenialHint(const IssueRequest& request) {
  return "ask for access with `sentinel request --profile " + request.profile +
         " --duration 1h --justification '...'`, or in an emergency `sentinel breakglass "
         "--profile " +
         request.profile + " --reason-code incident --justification '...'`";
}

DecisionEntry BaseEntry(const IssueRequest& request, const Caller& caller, TimePoint now) {
  DecisionEntry entry;
  entry.time = now;
  entry.user = caller.user;
  entry.profile = request.profile;
  return entry;
}

// Writes `entry`; a failed write turns any result into an error, so nothing is issued
// without its record.
Status Record(DecisionLog& log, const DecisionEntry& entry) {
  if (auto written = log.Record(entry); !written) {
    return Fail(written.error(), "recording the decision (no credentials were issued)");
  }
  return {};
}

}  // namespace

Result<std::optional<Override>> FindOverride(store::Store& store, std::string_view user,
                                             std::string_view profile, TimePoint now) {
  auto request = store.FindUsableRequest(user, profile, now);
  if (!request) {
    return Fail(request.error(), "looking up approved requests");
  }
  if (*request && (*request)->access_expires_at) {
    const Request& found = **request;
    return Override{found.id, std::nullopt, *found.access_expires_at,
                    "approved request " + found.id + " (approved by " + found.approver + ")"};
  }
  auto event = store.FindActiveEvent(user, profile, now);
  if (!event) {
    return Fail(event.error(), "looking up break-glass events");
  }
  if (*event) {
    const Event& found = **event;
    return Override{std::nullopt, found.id, found.expires_at,
                    "break-glass event " + found.id + " (" + found.reason_code + ")"};
  }
  return std::optional<Override>();
}

SessionLength ComputeSessionLength(std::chrono::seconds requested,
                                   std::optional<std::chrono::seconds> cap) {
  SessionLength length;
  length.reported = cap ? std::min(requested, *cap) : requested;
  length.asked = std::max(length.reported, kStsMinimumDuration);
  return length;
}

Result<IssuedSession> IssueCredentials(const IssueRequest& request, const IssuePorts& ports) {
  auto caller = ports.caller.Identify();
  if (!caller) {
    return Fail(caller.error(), "identifying the caller");
  }
  const TimePoint now = ports.clock.Now();
  DecisionEntry entry = BaseEntry(request, *caller, now);

  auto loaded = ports.policy.Load();
  if (!loaded) {
    // A policy that cannot be loaded never yields an allow.
    entry.policy = ports.policy.SourceUri();
    entry.effect = "deny";
    entry.outcome = "denied";
    entry.reason = loaded.error().message();
    if (auto recorded = Record(ports.log, entry); !recorded) {
      return std::unexpected(recorded.error());
    }
    return Fail(ErrorCode::kInvalidInput,
                loaded.error().message() + " (access to '" + request.profile + "' denied)",
                loaded.error().hint());
  }
  entry.policy = loaded->source;

  const policy::Decision decision =
      policy::Evaluate(*loaded->compiled, caller->user, request.profile, now);
  entry.effect = std::string(policy::EffectName(decision.effect()));
  entry.rule = decision.rule_name();
  entry.rule_index = decision.rule_index();
  entry.reason = decision.reason();

  std::optional<Override> granted_by;
  if (decision.effect() != policy::Effect::kAllow) {
    std::string why_not;
    Result<store::Store*> store =
        ports.open_store ? ports.open_store()
                         : Fail(ErrorCode::kInvalidInput, "no state store is configured");
    if (!store) {
      why_not = store.error().message();
    } else if (auto found = FindOverride(**store, caller->user, request.profile, now); !found) {
      why_not = found.error().message();
    } else {
      granted_by = *found;
    }
    if (!granted_by) {
      entry.outcome = "denied";
      if (!why_not.empty()) {
        entry.reason += "; no override: " + why_not;
      }
      if (auto recorded = Record(ports.log, entry); !recorded) {
        return std::unexpected(recorded.error());
      }
      std::string message = DenialMessage(request, *caller, decision);
      if (!why_not.empty()) {
        message += "; overrides could not be checked: " + why_not;
      }
      return Fail(ErrorCode::kDenied, message, DenialHint(request));
    }
    entry.reason += "; overridden by " + granted_by->description;
    entry.approved_request_id = granted_by->approved_request_id;
    entry.break_glass_event_id = granted_by->break_glass_event_id;
  }

  const std::chrono::seconds requested =
      request.duration_flag.value_or(request.profile_duration.value_or(kDefaultSessionDuration));
  if (requested > kStsMaximumDuration) {
    entry.outcome = "denied";
    entry.reason = "requested duration " + FormatDuration(requested) + " is over STS's 12h limit";
    if (auto recorded = Record(ports.log, entry); !recorded) {
      return std::unexpected(recorded.error());
    }
    return Fail(ErrorCode::kInvalidInput, entry.reason, "ask for at most --duration 12h");
  }
  std::optional<std::chrono::seconds> cap = decision.max_duration();
  if (granted_by) {
    const std::chrono::seconds left = granted_by->ends - now;
    cap = cap ? std::min(*cap, left) : left;
  }
  const SessionLength length = ComputeSessionLength(requested, cap);

  auto request_id = NewSessionRequestId(ports.random);
  if (!request_id) {
    return std::unexpected(request_id.error());
  }
  SessionRequest session;
  session.role_arn = request.role_arn;
  session.role_session_name = RoleSessionName(*request_id);
  session.source_identity = SourceIdentity(caller->user, *request_id);
  session.external_id = request.external_id;
  session.duration = length.asked;

  auto credentials = ports.sessions.Issue(session);
  if (!credentials) {
    entry.outcome = "denied";
    entry.request_id = *request_id;
    entry.reason = "issuing failed: " + credentials.error().message();
    if (auto recorded = Record(ports.log, entry); !recorded) {
      return std::unexpected(recorded.error());
    }
    return std::unexpected(credentials.error());
  }

  TimePoint expiration = now + length.reported;
  if (credentials->expiration && *credentials->expiration < expiration) {
    expiration = *credentials->expiration;
  }
  entry.outcome = "issued";
  entry.request_id = *request_id;
  entry.credential_type = request.role_arn ? "assume-role" : "session-token";
  if (request.role_arn) {
    entry.source_identity = session.source_identity;
    entry.role_arn = *request.role_arn;
  }
  entry.session_duration_seconds = length.asked.count();
  entry.expiration = expiration;
  if (auto recorded = Record(ports.log, entry); !recorded) {
    return std::unexpected(recorded.error());
  }
  return IssuedSession{std::move(*credentials), expiration, std::move(entry)};
}

}  // namespace sentinel::app
