#include "core/breakglass_rules.h"

#include <algorithm>

#include "core/duration.h"
#include "core/text.h"

namespace sentinel {
namespace {

// The bounds SPEC 4.5 sets whatever the policy says; breaking one is a usage error.
Status CheckBounds(const EventDraft& draft) {
  if (auto code = policy::ParseReasonCode(draft.reason_code); !code) {
    return std::unexpected(code.error());
  }
  if (auto text = CheckText("justification", draft.justification, kMinBreakGlassJustification,
                            kMaxBreakGlassJustification);
      !text) {
    return text;
  }
  if (draft.duration_seconds <= std::chrono::seconds(0) ||
      draft.duration_seconds > kMaxBreakGlassDuration) {
    return Fail(ErrorCode::kInvalidInput, "break-glass duration must be more than 0s and at most " +
                                              FormatDuration(kMaxBreakGlassDuration) + ", got " +
                                              FormatDuration(draft.duration_seconds));
  }
  return {};
}

std::string ReasonCodeList(const policy::BreakGlassRule& rule) {
  std::string list;
  for (policy::ReasonCode code : rule.reason_codes) {
    list += (list.empty() ? "" : ", ") + std::string(policy::ReasonCodeName(code));
  }
  return list;
}

// The policy's part: the rule for the profile and each of its conditions in turn.
Status CheckRule(const policy::BreakGlassRule& rule, const EventDraft& draft, TimePoint now) {
  const std::string by_rule = "break-glass rule '" + rule.name + "'";
  if (!policy::Contains(rule.users, draft.invoker)) {
    return Fail(ErrorCode::kDenied, by_rule + " does not list user '" + draft.invoker +
                                        "' for profile '" + draft.profile + "'");
  }
  // CheckBounds has parsed the code already.
  const auto code = policy::ParseReasonCode(draft.reason_code);
  if (!code || !rule.AllowsReasonCode(*code)) {
    return Fail(ErrorCode::kDenied,
                by_rule + " does not allow reason code '" + draft.reason_code + "'",
                "allowed reason codes: " + ReasonCodeList(rule));
  }
  if (rule.time && !rule.time->HoldsAt(now)) {
    return Fail(ErrorCode::kDenied, by_rule + " allows break-glass on profile '" + draft.profile +
                                        "' only " + DescribeTimeCondition(*rule.time));
  }
  if (draft.duration_seconds > rule.max_duration) {
    return Fail(ErrorCode::kDenied,
                by_rule + " allows at most " + FormatDuration(rule.max_duration) + ", not " +
                    FormatDuration(draft.duration_seconds),
                "ask for a duration of " + FormatDuration(rule.max_duration) + " or less");
  }
  return {};
}

}  // namespace

std::chrono::seconds DefaultBreakGlassDuration(const policy::BreakGlassRule* rule) {
  if (rule == nullptr) {
    return kDefaultBreakGlassDuration;
  }
  return std::min(kDefaultBreakGlassDuration, rule->max_duration);
}

Result<const policy::BreakGlassRule*> CheckBreakGlass(const policy::Policy& policy,
                                                      const EventDraft& draft, TimePoint now) {
  if (auto bounds = CheckBounds(draft); !bounds) {
    return std::unexpected(bounds.error());
  }
  const policy::BreakGlassRule* rule = policy.FindBreakGlassRule(draft.profile);
  if (rule == nullptr) {
    return Fail(ErrorCode::kDenied, "nobody can declare break-glass on profile '" + draft.profile +
                                        "': no breakglass rule matches it");
  }
  if (auto allowed = CheckRule(*rule, draft, now); !allowed) {
    return std::unexpected(allowed.error());
  }
  return rule;
}

Status CheckMayClose(const policy::Policy& policy, const Event& event, std::string_view user) {
  if (user == event.invoker) {
    return {};
  }
  const std::string what = "user '" + std::string(user) + "' may not close break-glass event " +
                           event.id + " of " + event.invoker;
  const policy::BreakGlassRule* rule = policy.FindBreakGlassRule(event.profile);
  if (rule == nullptr) {
    return Fail(ErrorCode::kDenied, what + ": no breakglass rule matches profile '" +
                                        event.profile + "', so only the invoker may");
  }
  if (!policy::Contains(rule->closers, user)) {
    return Fail(
        ErrorCode::kDenied,
        what + ": not the invoker and not a closer in break-glass rule '" + rule->name + "'");
  }
  return {};
}

std::string DescribeTimeCondition(const policy::TimeCondition& time) {
  std::string text = time.days.IsAll() ? "every day" : policy::FormatDays(time.days);
  if (time.hours) {
    text += " " + policy::FormatMinuteOfDay(time.hours->start_minute) + "-" +
            policy::FormatMinuteOfDay(time.hours->end_minute);
  }
  return text + " (" + time.timezone + ")";
}

}  // namespace sentinel
