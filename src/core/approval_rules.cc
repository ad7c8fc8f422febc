#include "core/approval_rules.h"

#include "core/duration.h"

namespace sentinel {
namespace {

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) {
    joined += (joined.empty() ? "" : ", ") + name;
  }
  return joined;
}

}  // namespace

std::string AutoApprover(std::string_view rule_name) { return "auto:" + std::string(rule_name); }

Result<const policy::ApprovalRule*> FindRuleForRequest(const policy::Policy& policy,
                                                       std::string_view profile,
                                                       std::chrono::seconds duration) {
  const policy::ApprovalRule* rule = policy.FindApprovalRule(profile);
  if (rule == nullptr) {
    return Fail(ErrorCode::kDenied,
                "nobody can approve requests for profile '" + std::string(profile) +
                    "': no approvals rule matches it",
                "ask whoever keeps the policy to add an `approvals` rule for this profile");
  }
  if (duration > rule->max_duration) {
    return Fail(ErrorCode::kDenied,
                "approvals rule '" + rule->name + "' allows requests of at most " +
                    FormatDuration(rule->max_duration) + " for profile '" + std::string(profile) +
                    "', not " + FormatDuration(duration),
                "ask for a duration of " + FormatDuration(rule->max_duration) + " or less");
  }
  return rule;
}

bool AutoApproves(const policy::ApprovalRule& rule, std::string_view requester,
                  std::chrono::seconds duration, TimePoint now) {
  if (!rule.auto_approve) {
    return false;
  }
  const policy::AutoApprove& conditions = *rule.auto_approve;
  if (!conditions.users && !conditions.time && !conditions.max_duration) {
    return false;
  }
  if (!policy::ListMatches(conditions.users, requester)) {
    return false;
  }
  if (conditions.time && !conditions.time->HoldsAt(now)) {
    return false;
  }
  return !conditions.max_duration || duration <= *conditions.max_duration;
}

Status CheckMayDecide(const policy::Policy& policy, const Request& request, std::string_view user,
                      std::string_view action) {
  const std::string what =
      "user '" + std::string(user) + "' may not " + std::string(action) + " request " + request.id;
  if (user == request.requester) {
    return Fail(ErrorCode::kDenied, what + ": nobody decides their own request",
                "ask one of the approvers of profile '" + request.profile + "'");
  }
  const policy::ApprovalRule* rule = policy.FindApprovalRule(request.profile);
  if (rule == nullptr) {
    return Fail(ErrorCode::kDenied, what + ": nobody can approve requests for profile '" +
                                        request.profile + "' (no approvals rule matches it)");
  }
  if (!policy::Contains(rule->approvers, user)) {
    return Fail(ErrorCode::kDenied,
                what + ": not an approver in approvals rule '" + rule->name + "' for profile '" +
                    request.profile + "'",
                "the approvers are: " + JoinNames(rule->approvers));
  }
  return {};
}

Status CheckMayCancel(const Request& request, std::string_view user) {
  if (user != request.requester) {
    return Fail(ErrorCode::kDenied, "user '" + std::string(user) + "' may not cancel request " +
                                        request.id + ": only its requester, " + request.requester +
                                        ", may");
  }
  return {};
}

}  // namespace sentinel
