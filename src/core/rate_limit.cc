#include "core/rate_limit.h"

#include <algorithm>

#include "core/duration.h"
#include "core/time_format.h"

namespace sentinel {
namespace {

using std::chrono::seconds;

std::optional<RateLimitBreach> CheckCooldown(const policy::RateLimitRule& rule,
                                             const RateLimitHistory& history,
                                             std::string_view invoker, std::string_view profile,
                                             TimePoint now) {
  if (!rule.cooldown || !history.last_event) {
    return std::nullopt;
  }
  // A last event dated after `now` (another machine's clock ran ahead) is taken as made
  // now: the cooldown then lasts its full length instead of being cut short.
  const TimePoint last = std::min(*history.last_event, now);
  const TimePoint retry_at = last + *rule.cooldown;
  if (now >= retry_at) {
    return std::nullopt;
  }
  return RateLimitBreach{RateLimitKind::kCooldown, retry_at,
                         "cooldown " + FormatDuration(*rule.cooldown) + " after " +
                             std::string(invoker) + "'s last event on " + std::string(profile) +
                             " at " + FormatTime(*history.last_event)};
}

// One quota (max_per_user or max_per_profile): `count` events of `whose` in the window.
std::optional<RateLimitBreach> CheckQuota(RateLimitKind kind, std::optional<int> max,
                                          const policy::RateLimitRule& rule, std::int64_t count,
                                          std::optional<TimePoint> release_event,
                                          std::string_view whose, TimePoint now) {
  if (!max || count < *max) {
    return std::nullopt;
  }
  const std::string name(RateLimitKindName(kind));
  if (!rule.window) {
    // The parser never builds such a rule; refuse rather than count without a window.
    return RateLimitBreach{kind, now, name + " has no window to count in"};
  }
  // Without the release event's time the latest possible answer is given: every event in
  // the window has left it by now + window.
  const TimePoint retry_at = release_event ? *release_event + *rule.window : now + *rule.window;
  // A release event that has already left the window contradicts the count; it still
  // refuses now, so the retry time is never in the past.
  return RateLimitBreach{kind, std::max(retry_at, now + seconds(1)),
                         name + " " + std::to_string(*max) + ": " + std::string(whose) + " " +
                             std::to_string(count) + (count == 1 ? " event" : " events") +
                             " in the last " + FormatDuration(*rule.window)};
}

}  // namespace

std::string_view RateLimitKindName(RateLimitKind kind) {
  switch (kind) {
    case RateLimitKind::kCooldown:
      return "cooldown";
    case RateLimitKind::kMaxPerUser:
      return "max_per_user";
    case RateLimitKind::kMaxPerProfile:
      return "max_per_profile";
  }
  return "unknown";
}

TimePoint WindowSince(std::chrono::seconds window, TimePoint now) {
  return now - window + seconds(1);
}

std::optional<std::int64_t> QuotaReleaseIndex(std::int64_t count, int max) {
  if (count < max) {
    return std::nullopt;
  }
  return count - max;
}

const RateLimitBreach& RateLimitVerdict::binding() const {
  return *std::max_element(
      breaches.begin(), breaches.end(),
      [](const RateLimitBreach& a, const RateLimitBreach& b) { return a.retry_at < b.retry_at; });
}

RateLimitVerdict CheckRateLimit(const policy::RateLimitRule& rule, const RateLimitHistory& history,
                                std::string_view invoker, std::string_view profile, TimePoint now) {
  RateLimitVerdict verdict;
  const std::optional<RateLimitBreach> checks[] = {
      CheckCooldown(rule, history, invoker, profile, now),
      CheckQuota(RateLimitKind::kMaxPerUser, rule.max_per_user, rule, history.invoker_events,
                 history.invoker_release_event, std::string(invoker) + " has", now),
      CheckQuota(RateLimitKind::kMaxPerProfile, rule.max_per_profile, rule, history.profile_events,
                 history.profile_release_event, "profile " + std::string(profile) + " has", now),
  };
  for (const auto& breach : checks) {
    if (breach) {
      verdict.breaches.push_back(*breach);
    }
  }
  verdict.invoker_events_after = history.invoker_events + 1;
  verdict.escalate = verdict.allowed() && rule.escalate_at.has_value() &&
                     verdict.invoker_events_after >= *rule.escalate_at;
  return verdict;
}

std::string RateLimitRefusal(const policy::RateLimitRule& rule, const RateLimitVerdict& verdict,
                             std::string_view invoker, std::string_view profile) {
  std::string message = "rate limit '" + rule.name + "' refuses break-glass for " +
                        std::string(invoker) + " on profile " + std::string(profile) + ": ";
  for (std::size_t i = 0; i < verdict.breaches.size(); ++i) {
    message += (i == 0 ? "" : "; ") + verdict.breaches[i].detail;
  }
  return message + "; retry at " + FormatTime(verdict.retry_at());
}

}  // namespace sentinel
