// The notification document every channel sends (SPEC 10).
#ifndef SENTINEL_NOTIFY_MESSAGE_H_
#define SENTINEL_NOTIFY_MESSAGE_H_

#include <string>
#include <string_view>

#include "app/notifier.h"
#include "core/error.h"

namespace sentinel::notify {

// Returns the document for `event`: one line of compact JSON with the keys in this order,
//   {"type":"breakglass.invoked","time":"2026-12-03T17:04:05Z","actor":"alice",
//    "event":{...the subject...}}
// where the subject sits under "request" or "event" (app::SubjectKindOf). Invalid UTF-8
// in any string is replaced by U+FFFD, so the result is always valid JSON. These bytes
// are stored in the outbox and sent unchanged, so a webhook signature made over them
// holds on every retry. Never throws for any event.
std::string NotificationBody(const app::LifecycleEvent& event);

// Reads the event type back from a stored document. Fails with kInvalidInput when `body`
// is not a JSON object whose "type" is a known lifecycle event type: such a document
// cannot be delivered, now or later.
[[nodiscard]] Result<app::LifecycleEventType> NotificationType(std::string_view body);

}  // namespace sentinel::notify

#endif  // SENTINEL_NOTIFY_MESSAGE_H_
