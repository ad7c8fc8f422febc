// Who may do what with approval requests (SPEC 3 `approvals`, SPEC 4.4, SPEC 6): pure
// checks of a policy against a request and a user.
#ifndef SENTINEL_CORE_APPROVAL_RULES_H_
#define SENTINEL_CORE_APPROVAL_RULES_H_

#include <chrono>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "core/policy.h"
#include "core/request.h"

namespace sentinel {

// The approver recorded on a request that its approvals rule approved by itself:
// "auto:<rule name>". No AWS identity contains ':' (IAM user names and role session names
// are made of [A-Za-z0-9+=,.@_-]), so it is never mistaken for a person.
std::string AutoApprover(std::string_view rule_name);

// Returns the approvals rule that governs requests for `profile` and checks `duration`
// against it. Fails with kDenied naming the profile when no rule matches it ("nobody can
// approve requests for profile 'x'") and with kDenied naming the rule when `duration` is
// over the rule's max_duration. The pointer lives as long as `policy`.
[[nodiscard]] Result<const policy::ApprovalRule*> FindRuleForRequest(const policy::Policy& policy,
                                                                     std::string_view profile,
                                                                     std::chrono::seconds duration);

// True when `rule` approves, by itself, a request of `requester` for `duration` made at
// `now`: it has an auto_approve and every condition listed there holds (the requester is
// in `users`, `now` is inside `time`, `duration` is at most its `max_duration`). An
// auto_approve that lists no condition approves nothing: the parser rejects one, and an
// empty set of conditions is not taken as consent to everything.
bool AutoApproves(const policy::ApprovalRule& rule, std::string_view requester,
                  std::chrono::seconds duration, TimePoint now);

// Succeeds when `user` may approve or deny `request` under `policy`: a user listed in
// `approvers` of the approvals rule matching the request's profile, and never the
// requester. Fails with kDenied otherwise, naming the user, the request and the rule (or
// the absence of one); `action` ("approve" or "deny") is used in the message.
[[nodiscard]] Status CheckMayDecide(const policy::Policy& policy, const Request& request,
                                    std::string_view user, std::string_view action);

// Succeeds when `user` may cancel `request`: only its requester. Fails with kDenied.
[[nodiscard]] Status CheckMayCancel(const Request& request, std::string_view user);

}  // namespace sentinel

#endif  // SENTINEL_CORE_APPROVAL_RULES_H_
