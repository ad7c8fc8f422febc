#include "app/breakglass.h"

#include "core/breakglass_rules.h"
#include "core/duration.h"
#include "core/rate_limit.h"
#include "core/text.h"
#include "core/time_format.h"

namespace sentinel::app {
namespace {

// Reads from the store what `rule` needs to judge `draft` at `now`; only the queries for
// limits the rule has are made.
Result<RateLimitHistory> ReadHistory(store::Store& store, const policy::RateLimitRule& rule,
                                     const EventDraft& draft, TimePoint now) {
  RateLimitHistory history;
  if (rule.cooldown) {
    auto last = store.LastEventTime(draft.invoker, draft.profile);
    if (!last) {
      return std::unexpected(last.error());
    }
    history.last_event = *last;
  }
  if (!rule.window) {
    return history;
  }
  const TimePoint since = WindowSince(*rule.window, now);
  if (rule.max_per_user || rule.escalate_at) {
    auto count = store.CountEventsByInvokerSince(draft.invoker, since);
    if (!count) {
      return std::unexpected(count.error());
    }
    history.invoker_events = *count;
  }
  if (rule.max_per_user) {
    if (auto index = QuotaReleaseIndex(history.invoker_events, *rule.max_per_user)) {
      auto release = store.EventTimeByInvokerSince(draft.invoker, since, *index);
      if (!release) {
        return std::unexpected(release.error());
      }
      history.invoker_release_event = *release;
    }
  }
  if (rule.max_per_profile) {
    auto count = store.CountEventsByProfileSince(draft.profile, since);
    if (!count) {
      return std::unexpected(count.error());
    }
    history.profile_events = *count;
    if (auto index = QuotaReleaseIndex(history.profile_events, *rule.max_per_profile)) {
      auto release = store.EventTimeByProfileSince(draft.profile, since, *index);
      if (!release) {
        return std::unexpected(release.error());
      }
      history.profile_release_event = *release;
    }
  }
  return history;
}

// The refused invocation's fields: there is no record to name.
nlohmann::ordered_json DraftFields(const EventDraft& draft) {
  nlohmann::ordered_json out;
  out["invoker"] = draft.invoker;
  out["profile"] = draft.profile;
  out["reason_code"] = draft.reason_code;
  out["justification"] = draft.justification;
  out["duration_seconds"] = draft.duration_seconds.count();
  return out;
}

// Writes and notifies breakglass.rate_limited, then returns the refusal.
Error RefuseByRateLimit(const OverridePorts& ports, const policy::RateLimitRule& rule,
                        const RateLimitVerdict& verdict, const EventDraft& draft, TimePoint now) {
  LifecycleEntry entry;
  entry.type = LifecycleEventType::kBreakGlassRateLimited;
  entry.time = now;
  entry.actor = draft.invoker;
  entry.changes = DraftFields(draft);
  entry.changes["rate_limit"] = rule.name;
  nlohmann::ordered_json limits = nlohmann::ordered_json::array();
  for (const RateLimitBreach& breach : verdict.breaches) {
    limits.push_back(RateLimitKindName(breach.kind));
  }
  entry.changes["limits"] = limits;
  entry.changes["retry_at"] = FormatTime(verdict.retry_at());

  std::string message = RateLimitRefusal(rule, verdict, draft.invoker, draft.profile);
  if (auto written = Announce(ports, entry, nlohmann::json(entry.changes)); !written) {
    // The refusal stands either way; say that the log missed it.
    message += " (" + written.error().message() + ")";
  }
  return Error(ErrorCode::kDenied, message);
}

LifecycleEntry InvokedEntry(const Event& event) {
  LifecycleEntry entry;
  entry.type = LifecycleEventType::kBreakGlassInvoked;
  entry.time = event.created_at;
  entry.id = event.id;
  entry.actor = event.invoker;
  entry.changes = EventRecord(event);
  entry.changes.erase("id");
  return entry;
}

LifecycleEntry EscalatedEntry(const Event& event, const policy::RateLimitRule& rule,
                              const RateLimitVerdict& verdict) {
  LifecycleEntry entry;
  entry.type = LifecycleEventType::kBreakGlassEscalated;
  entry.time = event.created_at;
  entry.id = event.id;
  entry.actor = event.invoker;
  entry.changes["invoker"] = event.invoker;
  entry.changes["profile"] = event.profile;
  entry.changes["rate_limit"] = rule.name;
  entry.changes["escalate_at"] = rule.escalate_at.value_or(0);
  entry.changes["events_in_window"] = verdict.invoker_events_after;
  entry.changes["window_seconds"] = rule.window ? rule.window->count() : 0;
  return entry;
}

void AnnounceInto(EventOutcome& outcome, const OverridePorts& ports, const LifecycleEntry& entry,
                  nlohmann::json subject) {
  if (auto written = Announce(ports, entry, std::move(subject)); !written && !outcome.unrecorded) {
    outcome.unrecorded = written.error();
  }
}

// The checks before anything is written: the breakglass rule, the one active event, the
// rate limit. Returns the rate-limit rule and its verdict when there is one.
struct Cleared {
  const policy::RateLimitRule* rate_limit = nullptr;
  RateLimitVerdict verdict;
};

Result<Cleared> Clear(const policy::Policy& policy, const EventDraft& draft,
                      const OverridePorts& ports, TimePoint now) {
  if (auto rule = CheckBreakGlass(policy, draft, now); !rule) {
    return std::unexpected(rule.error());
  }
  auto active = ports.store.FindActiveEvent(draft.invoker, draft.profile, now);
  if (!active) {
    return Fail(active.error(), "looking for an active break-glass event (none was declared)");
  }
  if (*active) {
    return std::unexpected(store::OneActiveEventConflict(**active));
  }
  Cleared cleared;
  cleared.rate_limit = policy.FindRateLimitRule(draft.profile);
  if (cleared.rate_limit == nullptr) {
    return cleared;
  }
  auto history = ReadHistory(ports.store, *cleared.rate_limit, draft, now);
  if (!history) {
    return Fail(history.error(), "checking rate limit '" + cleared.rate_limit->name +
                                     "' (no break-glass event was declared)");
  }
  cleared.verdict =
      CheckRateLimit(*cleared.rate_limit, *history, draft.invoker, draft.profile, now);
  if (!cleared.verdict.allowed()) {
    return std::unexpected(
        RefuseByRateLimit(ports, *cleared.rate_limit, cleared.verdict, draft, now));
  }
  return cleared;
}

}  // namespace

Result<EventOutcome> InvokeBreakGlass(const BreakGlassInput& input, const OverridePorts& ports) {
  auto caller = ports.caller.Identify();
  if (!caller) {
    return Fail(caller.error(), "identifying the caller");
  }
  auto loaded = ports.policy.Load();
  if (!loaded) {
    return Fail(loaded.error(), "loading the policy (no break-glass event was declared)");
  }
  const policy::Policy& policy = *loaded->document;
  const TimePoint now = ports.clock.Now();
  EventDraft draft{
      caller->user, input.profile, input.reason_code, input.justification,
      input.duration.value_or(DefaultBreakGlassDuration(policy.FindBreakGlassRule(input.profile)))};
  auto cleared = Clear(policy, draft, ports, now);
  if (!cleared) {
    return std::unexpected(cleared.error());
  }

  auto id = NewRecordId(ports.random);
  if (!id) {
    return std::unexpected(id.error());
  }
  auto event = NewEvent(*id, std::move(draft), now);
  if (!event) {
    return std::unexpected(event.error());
  }
  if (auto stored = ports.store.CreateEvent(*event); !stored) {
    return std::unexpected(stored.error());
  }

  EventOutcome outcome{*event, cleared->verdict.escalate, std::nullopt};
  AnnounceInto(outcome, ports, InvokedEntry(*event), EventSubject(*event));
  if (outcome.escalated) {
    const LifecycleEntry escalated = EscalatedEntry(*event, *cleared->rate_limit, cleared->verdict);
    nlohmann::json subject = EventSubject(*event);
    subject["rate_limit"] = cleared->rate_limit->name;
    subject["escalate_at"] = cleared->rate_limit->escalate_at.value_or(0);
    subject["events_in_window"] = cleared->verdict.invoker_events_after;
    AnnounceInto(outcome, ports, escalated, std::move(subject));
  }
  return outcome;
}

Result<std::vector<Event>> ListEvents(const store::EventFilter& filter,
                                      const OverridePorts& ports) {
  return ports.store.ListEvents(filter, ports.clock.Now());
}

Result<Event> CheckEvent(std::string_view id, const OverridePorts& ports) {
  if (auto checked = CheckRecordId(id, "break-glass event"); !checked) {
    return std::unexpected(checked.error());
  }
  return ports.store.GetEvent(id);
}

Result<EventOutcome> CloseEvent(std::string_view id, std::string_view reason,
                                const OverridePorts& ports) {
  if (auto checked = CheckRecordId(id, "break-glass event"); !checked) {
    return std::unexpected(checked.error());
  }
  if (auto checked = CheckText("reason", reason, 1, kMaxCloseReason); !checked) {
    return Fail(checked.error(), "closing break-glass event " + std::string(id));
  }
  auto caller = ports.caller.Identify();
  if (!caller) {
    return Fail(caller.error(), "identifying the caller");
  }
  auto event = ports.store.GetEvent(id);
  if (!event) {
    return std::unexpected(event.error());
  }
  if (caller->user != event->invoker) {
    auto loaded = ports.policy.Load();
    if (!loaded) {
      return Fail(loaded.error(), "loading the policy to see who may close " + std::string(id));
    }
    if (auto allowed = CheckMayClose(*loaded->document, *event, caller->user); !allowed) {
      return std::unexpected(allowed.error());
    }
  }
  auto closed = Close(*event, caller->user, reason, ports.clock.Now());
  if (!closed) {
    return std::unexpected(closed.error());
  }
  if (auto stored = ports.store.UpdateEventIf(*closed, EventStatus::kActive); !stored) {
    return std::unexpected(stored.error());
  }

  EventOutcome outcome{*closed, false, std::nullopt};
  LifecycleEntry entry;
  entry.type = LifecycleEventType::kBreakGlassClosed;
  entry.time = closed->updated_at;
  entry.id = closed->id;
  entry.actor = caller->user;
  entry.changes["status"] = EventStatusName(closed->status);
  entry.changes["updated_at"] = FormatTime(closed->updated_at);
  entry.changes["closed_by"] = closed->closed_by;
  entry.changes["closed_reason"] = closed->closed_reason;
  AnnounceInto(outcome, ports, entry, EventSubject(*closed));
  return outcome;
}

}  // namespace sentinel::app
