// The break-glass use cases (SPEC 4.5, 7): invoke, list, check, close.
#ifndef SENTINEL_APP_BREAKGLASS_H_
#define SENTINEL_APP_BREAKGLASS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/overrides.h"
#include "core/breakglass.h"
#include "core/error.h"
#include "store/store.h"

namespace sentinel::app {

// What `sentinel breakglass` asks for.
struct BreakGlassInput {
  std::string profile;
  std::string reason_code;
  std::string justification;
  std::optional<std::chrono::seconds> duration;  // absent: DefaultBreakGlassDuration(rule)
};

// An event as a use case left it.
struct EventOutcome {
  Event event;             // as stored
  bool escalated = false;  // InvokeBreakGlass: this invocation reached escalate_at
  // Set when the change was stored but a lifecycle entry for it could not be written (the
  // first such failure). For an invocation the event stands and callers only warn: an
  // emergency is never blocked by the log. For a close, callers report it as a failure
  // after showing the result, as for request transitions.
  std::optional<Error> unrecorded;
};

// Declares an emergency for the caller on input.profile, in this order:
//  - the caller is identified and the policy loaded (their errors are returned as they are);
//  - CheckBreakGlass: the bounds SPEC 4.5 sets (kInvalidInput), then the breakglass rule
//    for the profile (kDenied naming the rule);
//  - an active event of the caller on the profile refuses with kConflict naming it and its
//    expiry (read first for the message; the store enforces the rule again atomically, so
//    racing invocations also get exactly one event and kConflict for the rest);
//  - the rate_limits rule for the profile, if any (CheckRateLimit on counts from the store):
//    a refusal writes a breakglass.rate_limited entry (id null), notifies, and fails with
//    kDenied naming the rule, the limits broken and when to retry; a store that cannot be
//    read for the counts fails with its error (no event: fail closed);
//  - the event is stored; breakglass.invoked is written and notified, and when this
//    invocation reaches the rule's escalate_at, breakglass.escalated as well.
// Known limit: the rate-limit counts are read before the event is written, so processes
// racing on different profiles may together pass a quota by the number racing; the
// one-active-event rule still holds exactly.
[[nodiscard]] Result<EventOutcome> InvokeBreakGlass(const BreakGlassInput& input,
                                                    const OverridePorts& ports);

// Lists events matching `filter`, newest first; with no filter at all, every event (up to
// the limit). Fails with kInvalidInput for a limit outside 1 to 1000 and with the store's
// error otherwise.
[[nodiscard]] Result<std::vector<Event>> ListEvents(const store::EventFilter& filter,
                                                    const OverridePorts& ports);

// Returns event `id` as stored. Fails with kInvalidInput for a malformed id and kNotFound
// for an unknown one.
[[nodiscard]] Result<Event> CheckEvent(std::string_view id, const OverridePorts& ports);

// Closes event `id` as the caller for `reason` (1 to 1000 characters of text, else
// kInvalidInput). Only its invoker or a closer of the breakglass rule for its profile may
// (kDenied); only while it is active (kConflict: "already closed by ..." or "already
// expired at ..."). The policy is loaded only when the caller is not the invoker, so an
// invoker can always end their own emergency. Writes breakglass.closed and notifies.
[[nodiscard]] Result<EventOutcome> CloseEvent(std::string_view id, std::string_view reason,
                                              const OverridePorts& ports);

}  // namespace sentinel::app

#endif  // SENTINEL_APP_BREAKGLASS_H_
