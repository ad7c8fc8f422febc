// Who may declare and close break-glass events (SPEC 3 `breakglass`, SPEC 4.5, SPEC 7):
// pure checks of a policy against an invocation and a user.
#ifndef SENTINEL_CORE_BREAKGLASS_RULES_H_
#define SENTINEL_CORE_BREAKGLASS_RULES_H_

#include <chrono>
#include <string>
#include <string_view>

#include "core/breakglass.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/policy.h"

namespace sentinel {

// The duration of an invocation that names none: kDefaultBreakGlassDuration (1h), or the
// rule's max_duration when that is shorter, so that leaving the flag out never asks for
// more than the rule grants. `rule` may be null (then 1h).
std::chrono::seconds DefaultBreakGlassDuration(const policy::BreakGlassRule* rule);

// Checks an invocation at `now` and returns the break-glass rule that lets it through.
// First the bounds that hold everywhere, failing with kInvalidInput: the reason code is one
// of the five, the justification is 20 to 1000 characters of text, the duration is more
// than 0 and at most 4h. Then the policy, failing with kDenied: a rule matches the profile
// ("nobody can declare break-glass on profile 'x'"), and that rule lists the invoker,
// allows the reason code, holds at `now` (when it has a time condition) and allows the
// duration (at most its max_duration). Each kDenied message names the rule. The pointer
// lives as long as `policy`.
[[nodiscard]] Result<const policy::BreakGlassRule*> CheckBreakGlass(const policy::Policy& policy,
                                                                    const EventDraft& draft,
                                                                    TimePoint now);

// Succeeds when `user` may close `event` under `policy`: its invoker, or a user listed in
// `closers` of the break-glass rule that matches the event's profile now. Fails with
// kDenied naming the user, the event and the rule.
[[nodiscard]] Status CheckMayClose(const policy::Policy& policy, const Event& event,
                                   std::string_view user);

// Describes a time condition for messages: "[monday..friday] 08:00-20:00 (Europe/Berlin)",
// "every day 22:00-06:00 (UTC)", "[saturday, sunday] (UTC)".
std::string DescribeTimeCondition(const policy::TimeCondition& time);

}  // namespace sentinel

#endif  // SENTINEL_CORE_BREAKGLASS_RULES_H_
