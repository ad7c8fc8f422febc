#include "core/request.h"

#include <array>
#include <utility>

#include "core/ids.h"
#include "core/text.h"
#include "core/time_format.h"

namespace sentinel {
namespace {

constexpr std::array<std::pair<RequestStatus, std::string_view>, 5> kStatusNames = {{
    {RequestStatus::kPending, "pending"},
    {RequestStatus::kApproved, "approved"},
    {RequestStatus::kDenied, "denied"},
    {RequestStatus::kCancelled, "cancelled"},
    {RequestStatus::kExpired, "expired"},
}};

std::string Describe(const Request& request) { return "request " + request.id; }

// Approve and Deny differ only in the resulting state and in whether access is granted.
Result<Request> Decide(const Request& request, RequestStatus decision, std::string_view approver,
                       std::string_view comment, TimePoint now) {
  if (approver.empty()) {
    return Fail(ErrorCode::kInvalidInput, Describe(request) + ": the approver is empty");
  }
  if (auto checked = CheckText("comment", comment, 0, kMaxApproverComment); !checked) {
    return Fail(checked.error(), Describe(request));
  }
  if (EffectiveStatus(request, now) != RequestStatus::kPending) {
    return std::unexpected(NotPendingError(request, now));
  }
  Request decided = request;
  decided.status = decision;
  decided.approver = approver;
  decided.approver_comment = comment;
  decided.decided_at = now;
  decided.updated_at = now;
  if (decision == RequestStatus::kApproved) {
    decided.access_expires_at = now + request.duration_seconds;
  }
  return decided;
}

}  // namespace

std::string_view RequestStatusName(RequestStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) {
      return name;
    }
  }
  return "unknown";
}

Result<RequestStatus> ParseRequestStatus(std::string_view text) {
  for (const auto& [value, name] : kStatusNames) {
    if (name == text) {
      return value;
    }
  }
  return Fail(ErrorCode::kInvalidInput,
              "unknown request status '" + std::string(text) +
                  "': expected pending, approved, denied, cancelled or expired");
}

Result<Request> NewRequest(std::string id, RequestDraft draft, TimePoint now) {
  if (!IsRecordId(id)) {
    return Fail(ErrorCode::kInvalidInput,
                "creating a request: id '" + id + "' is not 16 lowercase hex characters");
  }
  if (draft.requester.empty() || draft.profile.empty()) {
    return Fail(ErrorCode::kInvalidInput,
                "creating request " + id + ": the requester and the profile must be set");
  }
  if (auto checked = CheckText("justification", draft.justification, kMinRequestJustification,
                               kMaxRequestJustification);
      !checked) {
    return Fail(checked.error(), "creating request " + id);
  }
  if (draft.duration_seconds <= std::chrono::seconds(0)) {
    return Fail(ErrorCode::kInvalidInput, "creating request " + id +
                                              ": the duration must be positive, got " +
                                              std::to_string(draft.duration_seconds.count()) + "s");
  }
  Request request;
  request.id = std::move(id);
  request.requester = std::move(draft.requester);
  request.profile = std::move(draft.profile);
  request.justification = std::move(draft.justification);
  request.duration_seconds = draft.duration_seconds;
  request.status = RequestStatus::kPending;
  request.created_at = now;
  request.updated_at = now;
  request.expires_at = now + kRequestPendingPeriod;
  return request;
}

RequestStatus EffectiveStatus(const Request& request, TimePoint now) {
  if (request.status == RequestStatus::kPending && now >= request.expires_at) {
    return RequestStatus::kExpired;
  }
  return request.status;
}

Result<Request> Approve(const Request& request, std::string_view approver, std::string_view comment,
                        TimePoint now) {
  return Decide(request, RequestStatus::kApproved, approver, comment, now);
}

Result<Request> Deny(const Request& request, std::string_view approver, std::string_view comment,
                     TimePoint now) {
  return Decide(request, RequestStatus::kDenied, approver, comment, now);
}

Result<Request> Cancel(const Request& request, TimePoint now) {
  if (EffectiveStatus(request, now) != RequestStatus::kPending) {
    return std::unexpected(NotPendingError(request, now));
  }
  Request cancelled = request;
  cancelled.status = RequestStatus::kCancelled;
  cancelled.updated_at = now;
  return cancelled;
}

Result<Request> Expire(const Request& request, TimePoint now) {
  if (request.status != RequestStatus::kPending) {
    return std::unexpected(NotPendingError(request, now));
  }
  if (now < request.expires_at) {
    return Fail(ErrorCode::kConflict,
                Describe(request) + ": still pending until " + FormatTime(request.expires_at));
  }
  Request expired = request;
  expired.status = RequestStatus::kExpired;
  expired.updated_at = now;
  return expired;
}

bool IsUsableAt(const Request& request, TimePoint now) {
  return request.status == RequestStatus::kApproved && request.decided_at.has_value() &&
         request.access_expires_at.has_value() && *request.decided_at <= now &&
         now < *request.access_expires_at;
}

Error NotPendingError(const Request& request, TimePoint now) {
  const std::string what = Describe(request);
  const std::string decided_at =
      request.decided_at ? " at " + FormatTime(*request.decided_at) : std::string();
  switch (EffectiveStatus(request, now)) {
    case RequestStatus::kApproved:
      return Error(ErrorCode::kConflict,
                   what + ": already decided: approved by " + request.approver + decided_at);
    case RequestStatus::kDenied:
      return Error(ErrorCode::kConflict,
                   what + ": already decided: denied by " + request.approver + decided_at);
    case RequestStatus::kCancelled:
      return Error(ErrorCode::kConflict, what + ": already cancelled by the requester at " +
                                             FormatTime(request.updated_at));
    case RequestStatus::kExpired:
      return Error(ErrorCode::kConflict,
                   what + ": expired at " + FormatTime(request.expires_at) + " without a decision",
                   "ask for access again with `sentinel request`");
    case RequestStatus::kPending:
      break;
  }
  return Error(ErrorCode::kInternal, what + ": is still pending");
}

}  // namespace sentinel
