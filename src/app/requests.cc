#include "app/requests.h"

#include "core/approval_rules.h"
#include "core/text.h"
#include "core/time_format.h"

namespace sentinel::app {
namespace {

nlohmann::ordered_json OptionalTime(const std::optional<TimePoint>& time) {
  return time ? nlohmann::ordered_json(FormatTime(*time)) : nlohmann::ordered_json(nullptr);
}

// Every field of a new request but its id, which the entry carries on its own.
LifecycleEntry CreatedEntry(const Request& request) {
  LifecycleEntry entry;
  entry.type = LifecycleEventType::kRequestCreated;
  entry.time = request.created_at;
  entry.id = request.id;
  entry.actor = request.requester;
  entry.changes = RequestRecord(request);
  entry.changes.erase("id");
  return entry;
}

// The fields a decision, a cancellation or an auto-approval changes.
LifecycleEntry TransitionEntry(LifecycleEventType type, const Request& request, std::string actor) {
  LifecycleEntry entry;
  entry.type = type;
  entry.time = request.updated_at;
  entry.id = request.id;
  entry.actor = std::move(actor);
  entry.changes["status"] = RequestStatusName(request.status);
  entry.changes["updated_at"] = FormatTime(request.updated_at);
  if (request.status == RequestStatus::kApproved || request.status == RequestStatus::kDenied) {
    entry.changes["approver"] = request.approver;
    entry.changes["approver_comment"] = request.approver_comment;
    entry.changes["decided_at"] = OptionalTime(request.decided_at);
  }
  if (request.status == RequestStatus::kApproved) {
    entry.changes["access_expires_at"] = OptionalTime(request.access_expires_at);
  }
  return entry;
}

// Announces `entry`; the first failure to write one is kept for the outcome.
void AnnounceInto(RequestOutcome& outcome, const OverridePorts& ports,
                  const LifecycleEntry& entry) {
  if (auto written = Announce(ports, entry, RequestSubject(outcome.request));
      !written && !outcome.unrecorded) {
    outcome.unrecorded = written.error();
  }
}

Status CheckInput(const RequestInput& input) {
  if (input.duration <= std::chrono::seconds(0)) {
    return Fail(ErrorCode::kInvalidInput, "a request's duration must be positive");
  }
  return CheckText("justification", input.justification, kMinRequestJustification,
                   kMaxRequestJustification);
}

// Reads the request a user named, after checking the id's form.
Result<Request> ReadRequest(std::string_view id, const OverridePorts& ports) {
  if (auto checked = CheckRecordId(id, "request"); !checked) {
    return std::unexpected(checked.error());
  }
  return ports.store.GetRequest(id);
}

enum class Decision { kApprove, kDeny };

Result<RequestOutcome> Decide(std::string_view id, std::string_view comment, Decision decision,
                              const OverridePorts& ports) {
  const bool approve = decision == Decision::kApprove;
  const std::string action = approve ? "approve" : "deny";
  if (auto checked = CheckRecordId(id, "request"); !checked) {
    return std::unexpected(checked.error());
  }
  auto caller = ports.caller.Identify();
  if (!caller) {
    return Fail(caller.error(), "identifying the caller");
  }
  auto loaded = ports.policy.Load();
  if (!loaded) {
    return Fail(loaded.error(), "loading the policy (request " + std::string(id) + " left as is)");
  }
  auto request = ports.store.GetRequest(id);
  if (!request) {
    return std::unexpected(request.error());
  }
  if (auto allowed = CheckMayDecide(*loaded->document, *request, caller->user, action); !allowed) {
    return std::unexpected(allowed.error());
  }

  const TimePoint now = ports.clock.Now();
  auto decided = approve ? Approve(*request, caller->user, comment, now)
                         : Deny(*request, caller->user, comment, now);
  if (!decided) {
    return std::unexpected(decided.error());
  }
  // The store applies the decision only if the request is still pending: of racing
  // deciders exactly one gets here, the others fail with "already decided".
  if (auto stored = ports.store.UpdateRequestIf(*decided, RequestStatus::kPending); !stored) {
    return std::unexpected(stored.error());
  }

  RequestOutcome outcome{*decided, false, std::nullopt};
  AnnounceInto(outcome, ports,
               TransitionEntry(approve ? LifecycleEventType::kRequestApproved
                                       : LifecycleEventType::kRequestDenied,
                               *decided, caller->user));
  return outcome;
}

}  // namespace

Result<RequestOutcome> CreateRequest(const RequestInput& input, const OverridePorts& ports) {
  if (auto checked = CheckInput(input); !checked) {
    return Fail(checked.error(), "requesting access to profile '" + input.profile + "'");
  }
  auto caller = ports.caller.Identify();
  if (!caller) {
    return Fail(caller.error(), "identifying the caller");
  }
  auto loaded = ports.policy.Load();
  if (!loaded) {
    return Fail(loaded.error(), "loading the policy (no request was made)");
  }
  auto rule = FindRuleForRequest(*loaded->document, input.profile, input.duration);
  if (!rule) {
    return std::unexpected(rule.error());
  }

  auto id = NewRecordId(ports.random);
  if (!id) {
    return std::unexpected(id.error());
  }
  const TimePoint now = ports.clock.Now();
  auto request =
      NewRequest(*id, {caller->user, input.profile, input.justification, input.duration}, now);
  if (!request) {
    return std::unexpected(request.error());
  }
  // An auto-approved request is stored approved in one write, so there is never a moment
  // when it exists pending and a human could decide it differently.
  const bool auto_approved = AutoApproves(**rule, caller->user, input.duration, now);
  const std::string auto_approver = AutoApprover((*rule)->name);
  if (auto_approved) {
    request = Approve(*request, auto_approver, "", now);
    if (!request) {
      return std::unexpected(request.error());
    }
  }
  if (auto stored = ports.store.CreateRequest(*request); !stored) {
    return std::unexpected(stored.error());
  }

  RequestOutcome outcome{*request, auto_approved, std::nullopt};
  AnnounceInto(outcome, ports, CreatedEntry(*request));
  if (auto_approved) {
    AnnounceInto(outcome, ports,
                 TransitionEntry(LifecycleEventType::kRequestApproved, *request, auto_approver));
  }
  return outcome;
}

Result<std::vector<Request>> ListRequests(store::RequestFilter filter, const OverridePorts& ports) {
  if (!filter.status && !filter.profile && !filter.requester) {
    auto caller = ports.caller.Identify();
    if (!caller) {
      return Fail(caller.error(), "identifying the caller to list their requests");
    }
    filter.requester = caller->user;
  }
  return ports.store.ListRequests(filter, ports.clock.Now());
}

Result<Request> CheckRequest(std::string_view id, const OverridePorts& ports) {
  return ReadRequest(id, ports);
}

Result<RequestOutcome> ApproveRequest(std::string_view id, std::string_view comment,
                                      const OverridePorts& ports) {
  return Decide(id, comment, Decision::kApprove, ports);
}

Result<RequestOutcome> DenyRequest(std::string_view id, std::string_view comment,
                                   const OverridePorts& ports) {
  return Decide(id, comment, Decision::kDeny, ports);
}

Result<RequestOutcome> CancelRequest(std::string_view id, const OverridePorts& ports) {
  if (auto checked = CheckRecordId(id, "request"); !checked) {
    return std::unexpected(checked.error());
  }
  auto caller = ports.caller.Identify();
  if (!caller) {
    return Fail(caller.error(), "identifying the caller");
  }
  auto request = ports.store.GetRequest(id);
  if (!request) {
    return std::unexpected(request.error());
  }
  if (auto allowed = CheckMayCancel(*request, caller->user); !allowed) {
    return std::unexpected(allowed.error());
  }
  auto cancelled = Cancel(*request, ports.clock.Now());
  if (!cancelled) {
    return std::unexpected(cancelled.error());
  }
  if (auto stored = ports.store.UpdateRequestIf(*cancelled, RequestStatus::kPending); !stored) {
    return std::unexpected(stored.error());
  }
  RequestOutcome outcome{*cancelled, false, std::nullopt};
  AnnounceInto(outcome, ports,
               TransitionEntry(LifecycleEventType::kRequestCancelled, *cancelled, caller->user));
  return outcome;
}

}  // namespace sentinel::app
