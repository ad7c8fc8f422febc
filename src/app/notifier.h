// The notifier port: how the use cases announce lifecycle events (SPEC 10).
#ifndef SENTINEL_APP_NOTIFIER_H_
#define SENTINEL_APP_NOTIFIER_H_

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/breakglass.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/request.h"

namespace sentinel::app {

// What happened. The names (LifecycleEventTypeName) are those of SPEC 9 and 10.
enum class LifecycleEventType {
  kRequestCreated,         // "request.created"
  kRequestApproved,        // "request.approved"
  kRequestDenied,          // "request.denied"
  kRequestCancelled,       // "request.cancelled"
  kBreakGlassInvoked,      // "breakglass.invoked"
  kBreakGlassClosed,       // "breakglass.closed"
  kBreakGlassRateLimited,  // "breakglass.rate_limited"
  kBreakGlassEscalated,    // "breakglass.escalated"
};

// Every type, in declaration order.
inline constexpr std::array<LifecycleEventType, 8> kLifecycleEventTypes = {
    LifecycleEventType::kRequestCreated,        LifecycleEventType::kRequestApproved,
    LifecycleEventType::kRequestDenied,         LifecycleEventType::kRequestCancelled,
    LifecycleEventType::kBreakGlassInvoked,     LifecycleEventType::kBreakGlassClosed,
    LifecycleEventType::kBreakGlassRateLimited, LifecycleEventType::kBreakGlassEscalated,
};

// Returns the type's wire name, e.g. "breakglass.invoked".
std::string_view LifecycleEventTypeName(LifecycleEventType type);

// Parses a name LifecycleEventTypeName returns (exactly, case-sensitive). Fails with
// kInvalidInput quoting the text (made printable and cut short) otherwise.
[[nodiscard]] Result<LifecycleEventType> ParseLifecycleEventType(std::string_view name);

// What kind of record a lifecycle event is about: request.* events are about an approval
// request, breakglass.* events about a break-glass event.
enum class SubjectKind { kRequest, kEvent };

// The kind of record `type` is about.
SubjectKind SubjectKindOf(LifecycleEventType type);

// "request" or "event": the key the record sits under in a notification.
std::string_view SubjectKindName(SubjectKind kind);

// One lifecycle event, as a use case reports it. The subject's kind is not stored but
// follows from the type (SubjectKindOf), so the two cannot disagree.
struct LifecycleEvent {
  LifecycleEventType type = LifecycleEventType::kRequestCreated;
  TimePoint time;     // when it happened
  std::string actor;  // who made it happen: the requester, approver, invoker or closer
  // The record's fields with snake_case keys, as RequestSubject / EventSubject build them.
  // For breakglass.rate_limited, which creates no record, the refused invocation's fields
  // (and whatever explains the refusal, e.g. "rate_limit" and "retry_at") are fine.
  nlohmann::json subject = nlohmann::json::object();
};

// The subject of a request.* event: every field of SPEC 6 under its own name, times as
// RFC 3339 UTC strings, durations in whole seconds ("duration_seconds"), the status by its
// stored name; unset optional times are null.
nlohmann::json RequestSubject(const Request& request);

// The subject of a breakglass.* event: every field of SPEC 7, written as RequestSubject
// writes a request's.
nlohmann::json EventSubject(const Event& event);

// Delivers lifecycle events to whoever wants to know (webhook, SNS, ...).
//
// Notify never fails its caller and never throws: a notification that cannot be sent now
// is kept to be sent later, and failures are reported through the implementation's own
// diagnostics. It returns within a short, bounded time whatever the state of the
// channels, so that no lifecycle change, break-glass least of all, waits on delivery.
// Implementations document their thread safety.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void Notify(const LifecycleEvent& event) = 0;
};

// A Notifier that drops every event: for when no channel is configured, and for tests.
class NullNotifier final : public Notifier {
 public:
  void Notify(const LifecycleEvent&) override {}
};

}  // namespace sentinel::app

#endif  // SENTINEL_APP_NOTIFIER_H_
