// Rate limits on break-glass (SPEC 3 `rate_limits`, SPEC 7): pure decisions on counts the
// store supplies, so every boundary is tested with plain values and an injected `now`.
//
// Windows slide and are counted in whole seconds: an event created at t counts against a
// window of length W while now < t + W, so it stops counting exactly W after it was made.
// In store terms the window holds the events created at or after WindowSince(W, now).
#ifndef SENTINEL_CORE_RATE_LIMIT_H_
#define SENTINEL_CORE_RATE_LIMIT_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/policy.h"

namespace sentinel {

// Which limit of a rate-limit rule refused an invocation.
enum class RateLimitKind { kCooldown, kMaxPerUser, kMaxPerProfile };

// Returns the policy key of `kind`: "cooldown", "max_per_user" or "max_per_profile".
std::string_view RateLimitKindName(RateLimitKind kind);

// The first instant a sliding window of length `window` ending at `now` counts: events
// created at or after it count. Equals now - window + 1s.
TimePoint WindowSince(std::chrono::seconds window, TimePoint now);

// For a quota of `max` events per window that already holds `count`: the 0-based position,
// oldest first, of the event in the window whose leaving brings the count below `max`
// (count - max), or nullopt when count < max (nothing has to leave). `max` must be
// positive, as the policy parser guarantees.
std::optional<std::int64_t> QuotaReleaseIndex(std::int64_t count, int max);

// What the store knows about earlier events that one rule's limits depend on. Every count
// covers the rule's window at `now` (events created at or after WindowSince) and every
// status, as SPEC 7 requires. Fields for limits the rule does not have are ignored.
struct RateLimitHistory {
  std::int64_t invoker_events = 0;      // the invoker's events on any profile
  std::int64_t profile_events = 0;      // anyone's events on the profile
  std::optional<TimePoint> last_event;  // the invoker's newest event on the profile, ever
  // When a quota is full: the creation time of the event at QuotaReleaseIndex in the window,
  // oldest first, for saying when to retry. nullopt when the quota is not full (or unknown,
  // in which case a full quota still refuses, with retry time now + window).
  std::optional<TimePoint> invoker_release_event;
  std::optional<TimePoint> profile_release_event;
};

// One limit an invocation would break.
struct RateLimitBreach {
  RateLimitKind kind = RateLimitKind::kCooldown;
  TimePoint retry_at;  // the first instant this limit lets an invocation through
  std::string detail;  // e.g. "cooldown 30m after alice's event on prod at 2026-..."
};

// The verdict of one rule on one invocation.
struct RateLimitVerdict {
  // Every limit broken, in the order cooldown, max_per_user, max_per_profile. Empty: allowed.
  std::vector<RateLimitBreach> breaches;
  // When allowed: whether the invoker's events in the window, counting this one, reach the
  // rule's escalate_at (invoker_events + 1 >= escalate_at). Every invocation at or past the
  // threshold escalates, so security hears of each one, not only the first.
  bool escalate = false;
  std::int64_t invoker_events_after = 0;  // invoker_events + 1

  bool allowed() const { return breaches.empty(); }

  // When refused: the limit whose retry time is latest, i.e. the one to wait for (ties go
  // to the earlier in `breaches`). Requires !allowed().
  const RateLimitBreach& binding() const;

  // When refused: the first instant every broken limit lets an invocation through, as far
  // as this history shows (binding().retry_at). Requires !allowed().
  TimePoint retry_at() const { return binding().retry_at; }
};

// Decides whether `invoker` may declare break-glass on `profile` at `now` under `rule`:
//  - cooldown: refused while now < last_event + cooldown (retry at last_event + cooldown);
//  - max_per_user: refused while invoker_events >= max_per_user (retry when the event at
//    QuotaReleaseIndex leaves the window: its creation time + window);
//  - max_per_profile: likewise with profile_events.
// A last event in the future (clock skew between machines) counts as made at `now`, so it
// refuses for a full cooldown rather than less. Never fails.
RateLimitVerdict CheckRateLimit(const policy::RateLimitRule& rule, const RateLimitHistory& history,
                                std::string_view invoker, std::string_view profile, TimePoint now);

// The message for a refused invocation, naming the rule, every broken limit and when to
// retry: "rate limit 'prod-brakes' refuses break-glass for alice on prod: cooldown 30m
// after the event at 2026-12-03T09:00:00Z; retry at 2026-12-03T09:30:00Z". Requires
// !verdict.allowed().
std::string RateLimitRefusal(const policy::RateLimitRule& rule, const RateLimitVerdict& verdict,
                             std::string_view invoker, std::string_view profile);

}  // namespace sentinel

#endif  // SENTINEL_CORE_RATE_LIMIT_H_
