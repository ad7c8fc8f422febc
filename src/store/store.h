// The Store: where requests, break-glass events and undelivered notifications live.
// One interface, several backends (SQLite, DynamoDB), one contract test suite
// (store_contract_test.h) that every backend passes.
#ifndef SENTINEL_STORE_STORE_H_
#define SENTINEL_STORE_STORE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/breakglass.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/request.h"

namespace sentinel::store {

// Bounds on how many records one List call returns.
inline constexpr int kDefaultListLimit = 50;
inline constexpr int kMaxListLimit = 1000;

// Which requests ListRequests returns. Unset fields match everything.
struct RequestFilter {
  std::optional<RequestStatus> status;  // matched against EffectiveStatus at `now`
  std::optional<std::string> profile;
  std::optional<std::string> requester;
  int limit = kDefaultListLimit;  // 1 to kMaxListLimit
};

// Which events ListEvents returns. Unset fields match everything.
struct EventFilter {
  std::optional<EventStatus> status;  // matched against EffectiveStatus at `now`
  std::optional<std::string> profile;
  std::optional<std::string> invoker;
  int limit = kDefaultListLimit;  // 1 to kMaxListLimit
};

// Where a queued notification is: waiting (to be sent, or being sent under a lease),
// delivered, or given up on (a permanent failure such as an HTTP 4xx).
enum class NotificationState { kPending, kDelivered, kAbandoned };

// Returns "pending", "delivered" or "abandoned".
std::string_view NotificationStateName(NotificationState state);

// One message in the outbox (SPEC 10), kept after delivery like every other record.
struct Notification {
  std::string id;       // assigned by the store; opaque to callers
  std::string channel;  // which channel delivers it, e.g. "webhook" or "sns"
  std::string payload;  // the JSON document to send, opaque to the store
  NotificationState state = NotificationState::kPending;
  int attempts = 0;           // how many times it has been claimed for sending
  TimePoint created_at;       // when it was enqueued
  TimePoint updated_at;       // when its state or schedule last changed
  TimePoint next_attempt_at;  // not claimable before this time
  std::string last_error;     // why the last attempt failed; "" if none

  friend bool operator==(const Notification&, const Notification&) = default;
};

// Persistent state shared by every sentinel process of a user or a team.
//
// Every method is one atomic operation on the backing store; concurrent callers in other
// threads or processes (each with its own Store object) see it happen entirely or not at
// all. A Store object itself is thread-compatible: use it from one thread at a time.
// Records are never deleted. Records are returned as stored: read their state through
// EffectiveStatus(record, now), since a store does not rewrite a record when time
// passes. Every failure of the backing store is kUnavailable with a message naming the
// operation and the store; a store that cannot answer never yields an allow, because
// callers treat any error as "no override".
class Store {
 public:
  virtual ~Store() = default;

  // Stores a new request. Fails with kConflict if a request with its id exists (the
  // existing one is left untouched) and kInvalidInput if its id is not a record id.
  [[nodiscard]] virtual Status CreateRequest(const Request& request) = 0;

  // Returns the request with `id`, or kNotFound.
  [[nodiscard]] virtual Result<Request> GetRequest(std::string_view id) = 0;

  // Replaces the request's changeable fields (status, updated_at, approver,
  // approver_comment, decided_at, access_expires_at) with those of `updated`, if and only
  // if its stored status is still `expected_old` and, at updated.updated_at, its pending
  // period has ended when the new status is kExpired, and has not ended otherwise. `updated` is
  // normally the result of Approve, Deny, Cancel or Expire (core/request.h) on a record read
  // earlier. Fails with kNotFound if there is no such request; with kConflict when the condition
  // does not hold, the message saying what happened instead (of two racing approvers,
  // exactly one succeeds and the other reads "already decided: approved by ...");
  // with kInternal when expected_old -> updated.status is not a transition of SPEC 6.
  [[nodiscard]] virtual Status UpdateRequestIf(const Request& updated,
                                               RequestStatus expected_old) = 0;

  // Returns the requests matching `filter`, newest first (created_at descending, then id
  // descending), at most filter.limit of them. Fails with kInvalidInput when the limit is
  // out of bounds.
  [[nodiscard]] virtual Result<std::vector<Request>> ListRequests(const RequestFilter& filter,
                                                                  TimePoint now) = 0;

  // Returns the request that grants `requester` access to `profile` at `now`
  // (IsUsableAt), or nullopt. When several do, returns the one whose access lasts
  // longest (latest access_expires_at, then newest decided_at, then highest id).
  [[nodiscard]] virtual Result<std::optional<Request>> FindUsableRequest(std::string_view requester,
                                                                         std::string_view profile,
                                                                         TimePoint now) = 0;

  // Stores a new active event, enforcing SPEC 7's one-active-event rule inside the store:
  // if the invoker already has an event on the profile that is stored active and has
  // not expired by the store clock's now, fails with kConflict naming that event, even
  // when many processes race. A stored-active event that has expired by then is first
  // marked expired in the same atomic operation, so it does not block. Fails with
  // kConflict if an event with the same id exists, and kInvalidInput if the event is not
  // active or its id is not a record id.
  [[nodiscard]] virtual Status CreateEvent(const Event& event) = 0;

  // Returns the event with `id`, or kNotFound.
  [[nodiscard]] virtual Result<Event> GetEvent(std::string_view id) = 0;

  // Replaces the event's changeable fields (status, updated_at, closed_by, closed_reason)
  // with those of `updated`, if and only if its stored status is still `expected_old` and,
  // at updated.updated_at, it has expired when the new status is kExpired, and has not
  // otherwise. `updated` is normally the
  // result of Close or Expire (core/breakglass.h). Fails with kNotFound, kConflict
  // ("already closed by ...") or kInternal like UpdateRequestIf.
  [[nodiscard]] virtual Status UpdateEventIf(const Event& updated, EventStatus expected_old) = 0;

  // Returns the events matching `filter`, newest first (created_at descending, then id
  // descending), at most filter.limit of them. Fails with kInvalidInput when the limit is
  // out of bounds.
  [[nodiscard]] virtual Result<std::vector<Event>> ListEvents(const EventFilter& filter,
                                                              TimePoint now) = 0;

  // Returns the event of `invoker` on `profile` that is active at `now` (IsActiveAt), or
  // nullopt.
  [[nodiscard]] virtual Result<std::optional<Event>> FindActiveEvent(std::string_view invoker,
                                                                     std::string_view profile,
                                                                     TimePoint now) = 0;

  // Counts the events `invoker` created on any profile at or after `since`, whatever
  // their status (SPEC 7: rate limits count every event created in the window).
  [[nodiscard]] virtual Result<std::int64_t> CountEventsByInvokerSince(std::string_view invoker,
                                                                       TimePoint since) = 0;

  // Counts the events anyone created on `profile` at or after `since`, whatever their
  // status.
  [[nodiscard]] virtual Result<std::int64_t> CountEventsByProfileSince(std::string_view profile,
                                                                       TimePoint since) = 0;

  // Returns when `invoker` last created an event on `profile` (for the cooldown), or
  // nullopt if never.
  [[nodiscard]] virtual Result<std::optional<TimePoint>> LastEventTime(
      std::string_view invoker, std::string_view profile) = 0;

  // Returns the creation time of the event at 0-based position `index`, oldest first, of
  // the events CountEventsByInvokerSince(invoker, since) counts, or nullopt when there are
  // no more than `index` of them. Rate limits use it to say when a full quota frees up
  // (core/rate_limit.h, QuotaReleaseIndex). Fails with kInvalidInput when index < 0.
  [[nodiscard]] virtual Result<std::optional<TimePoint>> EventTimeByInvokerSince(
      std::string_view invoker, TimePoint since, std::int64_t index) = 0;

  // Like EventTimeByInvokerSince, over the events CountEventsByProfileSince counts.
  [[nodiscard]] virtual Result<std::optional<TimePoint>> EventTimeByProfileSince(
      std::string_view profile, TimePoint since, std::int64_t index) = 0;

  // Queues `payload` for delivery on `channel`, due at once (the store clock's now), and
  // returns its id. Fails with kInvalidInput when the channel is empty.
  [[nodiscard]] virtual Result<std::string> EnqueueNotification(std::string_view channel,
                                                                std::string_view payload) = 0;

  // Atomically takes up to `limit` pending notifications whose next_attempt_at <= now,
  // oldest due first (then oldest id), and leases them to the caller: each has its
  // attempts raised by one and next_attempt_at moved to now + lease, so no other process
  // claims it while it is being sent, yet a crashed sender's work is retried once the
  // lease runs out. Returns them as updated. Fails with kInvalidInput when limit < 1 or
  // lease <= 0.
  [[nodiscard]] virtual Result<std::vector<Notification>> ClaimDueNotifications(
      TimePoint now, int limit, std::chrono::seconds lease) = 0;

  // Records that notification `id` was delivered. Delivering twice (after a lease ran out)
  // is not an error. Fails with kNotFound, or kConflict if it was abandoned.
  [[nodiscard]] virtual Status MarkDelivered(std::string_view id) = 0;

  // Records a failed attempt: the notification stays pending, claimable again from
  // `next_attempt_at`, with `error` (which must hold no secret) as its last_error. Fails
  // with kNotFound, or kConflict if it is no longer pending.
  [[nodiscard]] virtual Status MarkFailed(std::string_view id, TimePoint next_attempt_at,
                                          std::string_view error) = 0;

  // Records that delivery is given up for good (kept, never claimed again). Fails with
  // kNotFound, or kConflict if it is no longer pending.
  [[nodiscard]] virtual Status MarkAbandoned(std::string_view id, std::string_view error) = 0;

  // Returns the notification with `id`, or kNotFound.
  [[nodiscard]] virtual Result<Notification> GetNotification(std::string_view id) = 0;
};

// Helpers for Store implementations, so every backend checks and words things alike.

// Succeeds when the limit is within 1 to kMaxListLimit; otherwise kInvalidInput.
[[nodiscard]] Status CheckListLimit(int limit);

// Succeeds when expected_old -> updated.status is an arc of the request state machine;
// otherwise kInternal naming both states.
[[nodiscard]] Status CheckRequestArc(const Request& updated, RequestStatus expected_old);

// Succeeds when expected_old -> updated.status is an arc of the event state machine;
// otherwise kInternal naming both states.
[[nodiscard]] Status CheckEventArc(const Event& updated, EventStatus expected_old);

// The kConflict for a conditional request update that did not apply, given the record as
// it is now stored: what happened instead, as of updated.updated_at.
Error RequestUpdateConflict(const Request& current, const Request& updated,
                            RequestStatus expected_old);

// The kConflict for a conditional event update that did not apply.
Error EventUpdateConflict(const Event& current, const Event& updated, EventStatus expected_old);

// The kConflict for CreateEvent when `existing` is the invoker's active event.
Error OneActiveEventConflict(const Event& existing);

}  // namespace sentinel::store

#endif  // SENTINEL_STORE_STORE_H_
