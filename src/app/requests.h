// The approval-request use cases (SPEC 4.4, 6): create, list, check, approve, deny, cancel.
#ifndef SENTINEL_APP_REQUESTS_H_
#define SENTINEL_APP_REQUESTS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/overrides.h"
#include "core/error.h"
#include "core/request.h"
#include "store/store.h"

namespace sentinel::app {

// What `sentinel request` asks for.
struct RequestInput {
  std::string profile;
  std::chrono::seconds duration{0};
  std::string justification;
};

// A request as a use case left it.
struct RequestOutcome {
  Request request;             // as stored
  bool auto_approved = false;  // set by CreateRequest when auto_approve approved it
  // Set when the change was stored but a lifecycle entry for it could not be written. The
  // change stands (the store is the record of truth and it cannot be taken back without a
  // second, equally fallible write); callers report this as an operational failure after
  // showing the result, so the gap in the log does not go unnoticed.
  std::optional<Error> unrecorded;
};

// Creates a request of the caller for input.profile, in this order:
//  - the justification must be 10 to 500 characters of text and the duration positive
//    (kInvalidInput), checked before anything else is done;
//  - the caller is identified and the policy loaded (their errors are returned as they are);
//  - the approvals rule for the profile must exist and allow the duration (kDenied naming
//    the profile or the rule, see FindRuleForRequest);
//  - when the rule's auto_approve holds, the request is stored already approved, with
//    approver "auto:<rule name>" (AutoApprover) and access from now; otherwise pending;
//  - lifecycle entries: request.created (every field), and for an auto-approval also
//    request.approved with actor "auto:<rule name>"; each is notified.
// Fails with the store's error (kUnavailable) if the request cannot be stored.
[[nodiscard]] Result<RequestOutcome> CreateRequest(const RequestInput& input,
                                                   const OverridePorts& ports);

// Lists requests, newest first. With no status, profile or requester in `filter`, lists
// the caller's own requests (the caller is identified only then). Fails with kInvalidInput
// for a limit outside 1 to 1000 and with the store's error otherwise. Records are as stored;
// read their status with EffectiveStatus.
[[nodiscard]] Result<std::vector<Request>> ListRequests(store::RequestFilter filter,
                                                        const OverridePorts& ports);

// Returns the request `id` as stored. Fails with kInvalidInput when `id` is not a record
// id and kNotFound when there is no such request. Anyone who can read the store may look.
[[nodiscard]] Result<Request> CheckRequest(std::string_view id, const OverridePorts& ports);

// Approves request `id` as the caller, with an optional comment (at most 1000 characters).
// Fails with kInvalidInput for a malformed id or comment, kNotFound for an unknown id,
// kDenied when the caller may not decide it (CheckMayDecide: only listed approvers, never
// the requester), and kConflict when it is no longer pending: decided, cancelled or expired,
// including when another approver won a race ("already decided: approved by carol at
// ..."). The store makes the decision atomic. Writes request.approved and notifies.
[[nodiscard]] Result<RequestOutcome> ApproveRequest(std::string_view id, std::string_view comment,
                                                    const OverridePorts& ports);

// Denies request `id` as the caller; otherwise exactly like ApproveRequest. Writes
// request.denied.
[[nodiscard]] Result<RequestOutcome> DenyRequest(std::string_view id, std::string_view comment,
                                                 const OverridePorts& ports);

// Cancels request `id`. Only its requester may (kDenied otherwise), only while it is
// pending (kConflict otherwise). Fails like ApproveRequest for bad or unknown ids. Writes
// request.cancelled.
[[nodiscard]] Result<RequestOutcome> CancelRequest(std::string_view id, const OverridePorts& ports);

}  // namespace sentinel::app

#endif  // SENTINEL_APP_REQUESTS_H_
