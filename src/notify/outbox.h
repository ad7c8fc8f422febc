// The outbox notifier: lifecycle notifications that survive a down channel and a
// short-lived process (SPEC 10).
#ifndef SENTINEL_NOTIFY_OUTBOX_H_
#define SENTINEL_NOTIFY_OUTBOX_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/notifier.h"
#include "aws/curl_http_client.h"
#include "core/clock.h"
#include "notify/channel.h"
#include "store/store.h"

namespace sentinel::notify {

// How the outbox schedules and bounds delivery.
struct OutboxOptions {
  // After a failed attempt a notification waits backoff_base * 2^attempts, at most
  // backoff_cap, where attempts is how often it has been claimed (0 for the first,
  // immediate try): 30s, 1m, 2m, 4m, ... 1h, 1h, ...
  std::chrono::seconds backoff_base{30};
  std::chrono::seconds backoff_cap{3600};
  // How long a claimed notification is reserved for the process sending it. It must
  // exceed the longest delivery (see DeliveryHttpOptions); a sender that dies meanwhile
  // leaves it to whoever claims it after the lease.
  std::chrono::seconds lease{120};
  // A notification still pending this long after it was queued is abandoned instead of
  // sent: news that old would mislead more than inform.
  std::chrono::seconds give_up_after{std::chrono::hours(24 * 7)};
  // DeliverDue sends at most this many notifications per call...
  int max_per_pass = 20;
  // ...and claims no more once this much (steady) time has passed since it began.
  std::chrono::milliseconds pass_budget{5000};
  // Notify tries no further channel once this much (steady) time has passed since it
  // began; those notifications wait in the outbox (or, unqueued, are lost and reported).
  std::chrono::milliseconds notify_budget{2000};
  // Receives one line per notable step (queued, delivered, retry scheduled, abandoned,
  // store or channel failure). Lines never hold a secret or a notification's body.
  std::function<void(std::string_view)> debug;
};

// What one DeliverDue call did.
struct DeliveryCounts {
  int delivered = 0;
  int retry_later = 0;  // failed (or skipped, their channel being down) and rescheduled
  int abandoned = 0;    // given up for good: permanent failure, unreadable, too old

  friend bool operator==(const DeliveryCounts&, const DeliveryCounts&) = default;
};

// The delay before the next try of a notification that failed after `attempts` claims:
// min(options.backoff_cap, options.backoff_base * 2^attempts); attempts below 0 count as 0.
std::chrono::seconds RetryDelay(int attempts, const OutboxOptions& options);

// CurlHttpClient options for delivery from a command-line process: connect timeout 1 s,
// 1.5 s per attempt, 2 attempts with a pause of at most 250 ms, so one delivery takes at
// most about 3.3 s even against a server that accepts and never answers, and fails at once
// against a closed port. Adjust the fields to taste; keep OutboxOptions::lease above the
// worst case.
aws::CurlHttpClientOptions DeliveryHttpOptions();

// A Notifier that puts every notification in the store's outbox before trying to send it,
// so that a channel being down, or the process ending, loses nothing: whatever is not
// delivered now is sent by a later DeliverDue, which every sentinel command calls once.
//
// Notify(event), in this order:
//   1. queues NotificationBody(event) in the outbox (Store::EnqueueNotification) for
//      every channel;
//   2. tries each channel once, right away, unless that channel already failed in this
//      process and its retry time has not come, or options.notify_budget is spent (then
//      the notification just waits);
//   3. records the outcome: delivered (MarkDelivered), permanent failure (MarkAbandoned),
//      other failure (MarkFailed, next try after RetryDelay(0)).
// If queueing fails (the store is down), the channel is still tried once directly, budget
// and outage permitting; if that fails too the notification is lost, and the debug hook
// says so.
// Delivery is at least once: a receiver may see a notification twice (a process that dies
// between sending and recording; a concurrent DeliverDue claiming a notification that
// Notify is sending). Webhook receivers can de-duplicate on X-Sentinel-Delivery.
//
// Neither Notify nor DeliverDue ever throws or fails; every failure is recorded in the
// outbox and reported through options.debug. Each is bounded in time: Notify by
// notify_budget plus one delivery (a store that waits on another process's lock aside),
// DeliverDue by pass_budget plus one delivery, where one delivery is bounded by the
// channel's HTTP options (DeliveryHttpOptions: about 3.3 s at worst) and a channel that
// failed is not tried again in the same process before its retry time.
//
// Holds `store` and `clock` by reference; they must outlive it. Not thread-safe: use one
// notifier per thread, like the Store.
class OutboxNotifier final : public app::Notifier {
 public:
  // `channels` are tried in the given order; their names must differ. With no channels,
  // Notify and DeliverDue do nothing at all.
  OutboxNotifier(store::Store& store, std::vector<std::unique_ptr<Channel>> channels,
                 const Clock& clock, OutboxOptions options = {});

  void Notify(const app::LifecycleEvent& event) override;

  // Claims due notifications one at a time (ClaimDueNotifications(now, 1, options.lease))
  // and delivers each through its channel, recording the outcome as Notify does (the next
  // try after RetryDelay(attempts)). A notification whose channel is not configured in
  // this process is rescheduled after backoff_cap and left for a process that has it; one
  // that is not a readable notification document, or is older than give_up_after, is
  // abandoned; one whose channel failed earlier in this process and is not yet due again is
  // rescheduled without being sent.
  DeliveryCounts DeliverDue(TimePoint now);

 private:
  // Why a channel should not be tried before a time, after it failed in this process.
  struct Outage {
    TimePoint until;
    std::string error;
  };

  void NotifyOrReport(const app::LifecycleEvent& event);
  // Queues `body` for every channel; returns the outbox ids, "" where queueing failed.
  std::vector<std::string> QueueForEveryChannel(const std::string& body,
                                                app::LifecycleEventType type);
  void DeliverDueOrReport(TimePoint now, DeliveryCounts& counts);
  void DeliverClaimed(const store::Notification& notification, TimePoint now,
                      DeliveryCounts& counts);
  // Tries `channel` once for a notification the store could not queue.
  void DeliverUnqueued(Channel& channel, const Delivery& delivery, TimePoint now);
  // Records a delivery attempt of queued notification `id` (claimed `attempts` times).
  void Record(Channel& channel, const Delivery& delivery, int attempts,
              const DeliveryResult& result, TimePoint now, DeliveryCounts& counts);
  void Reschedule(std::string_view id, TimePoint next, std::string_view error,
                  DeliveryCounts& counts);
  void Abandon(std::string_view id, std::string_view error, DeliveryCounts& counts);
  // The outage of the channel named `name` still in force at `now`, if any.
  const Outage* OutageAt(std::string_view name, TimePoint now) const;
  Channel* FindChannel(std::string_view name) const;
  void Debug(const std::string& line) const;

  store::Store& store_;
  std::vector<std::unique_ptr<Channel>> channels_;
  const Clock& clock_;
  OutboxOptions options_;
  std::map<std::string, Outage, std::less<>> outages_;
};

}  // namespace sentinel::notify

#endif  // SENTINEL_NOTIFY_OUTBOX_H_
