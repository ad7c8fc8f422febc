#include "notify/outbox.h"

#include <exception>
#include <utility>

#include "core/duration.h"
#include "core/time_format.h"
#include "notify/message.h"

namespace sentinel::notify {
namespace {

std::string Describe(const Delivery& delivery) {
  std::string text(app::LifecycleEventTypeName(delivery.type));
  if (!delivery.id.empty()) {
    text += " (outbox " + std::string(delivery.id) + ")";
  }
  return text;
}

}  // namespace

std::chrono::seconds RetryDelay(int attempts, const OutboxOptions& options) {
  std::chrono::seconds delay = options.backoff_base;
  // Doubling stops at the cap, so large attempt counts cannot overflow.
  for (int i = 0; i < attempts && delay < options.backoff_cap; ++i) {
    delay *= 2;
  }
  return std::min(delay, options.backoff_cap);
}

aws::CurlHttpClientOptions DeliveryHttpOptions() {
  aws::CurlHttpClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.attempt_timeout = std::chrono::milliseconds(1500);
  options.max_attempts = 2;
  options.backoff_base = std::chrono::milliseconds(100);
  options.backoff_cap = std::chrono::milliseconds(250);
  return options;
}

OutboxNotifier::OutboxNotifier(store::Store& store, std::vector<std::unique_ptr<Channel>> channels,
                               const Clock& clock, OutboxOptions options)
    : store_(store), channels_(std::move(channels)), clock_(clock), options_(std::move(options)) {}

void OutboxNotifier::Notify(const app::LifecycleEvent& event) {
  // The port promises never to throw: a lifecycle change must not fail because telling
  // someone about it did (allocation failure, a throwing debug hook, a broken channel).
  try {
    NotifyOrReport(event);
  } catch (const std::exception& e) {
    Debug(std::string("notify: internal error while notifying: ") + e.what());
  } catch (...) {
    Debug("notify: internal error while notifying");
  }
}

DeliveryCounts OutboxNotifier::DeliverDue(TimePoint now) {
  DeliveryCounts counts;
  try {
    DeliverDueOrReport(now, counts);
  } catch (const std::exception& e) {
    Debug(std::string("notify: internal error while delivering the outbox: ") + e.what());
  } catch (...) {
    Debug("notify: internal error while delivering the outbox");
  }
  return counts;
}

void OutboxNotifier::NotifyOrReport(const app::LifecycleEvent& event) {
  if (channels_.empty()) {
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  const std::string body = NotificationBody(event);
  const std::vector<std::string> ids = QueueForEveryChannel(body, event.type);

  const TimePoint now = clock_.Now();
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    Channel& channel = *channels_[i];
    const Delivery delivery{ids[i], event.type, body};
    // Everything is queued already, so stopping here delays notifications but does not
    // hold up the lifecycle change (break-glass above all) that is being announced.
    if (std::chrono::steady_clock::now() - started >= options_.notify_budget) {
      Debug("notify: " + std::string(channel.name()) + ": time budget spent; " +
            Describe(delivery) + (ids[i].empty() ? " lost: not queued" : " waits in the outbox"));
      continue;
    }
    if (ids[i].empty()) {
      DeliverUnqueued(channel, delivery, now);
      continue;
    }
    if (const Outage* outage = OutageAt(channel.name(), now)) {
      Debug("notify: " + std::string(channel.name()) + ": " + Describe(delivery) +
            " waits in the outbox; the channel failed at the last try: " + outage->error);
      continue;
    }
    DeliveryCounts unused;
    Record(channel, delivery, 0, channel.Deliver(delivery), now, unused);
  }
}

std::vector<std::string> OutboxNotifier::QueueForEveryChannel(const std::string& body,
                                                              app::LifecycleEventType type) {
  // Every channel's copy is made durable before any is sent, so a process killed while
  // the first channel hangs still leaves the others queued.
  std::vector<std::string> ids(channels_.size());
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    auto id = store_.EnqueueNotification(channels_[i]->name(), body);
    if (id) {
      ids[i] = std::move(*id);
      continue;
    }
    Debug("notify: " + std::string(channels_[i]->name()) + ": could not queue " +
          std::string(app::LifecycleEventTypeName(type)) +
          ", sending it without the outbox: " + id.error().message());
  }
  return ids;
}

void OutboxNotifier::DeliverUnqueued(Channel& channel, const Delivery& delivery, TimePoint now) {
  const std::string prefix = "notify: " + std::string(channel.name()) + ": ";
  if (const Outage* outage = OutageAt(channel.name(), now)) {
    Debug(prefix + Describe(delivery) +
          " lost: not queued, and the channel is down: " + outage->error);
    return;
  }
  const DeliveryResult result = channel.Deliver(delivery);
  if (result) {
    Debug(prefix + "delivered " + Describe(delivery) + " without the outbox");
    return;
  }
  if (!result.error().permanent) {
    outages_[std::string(channel.name())] =
        Outage{now + RetryDelay(0, options_), result.error().error.message()};
  }
  Debug(prefix + Describe(delivery) +
        " lost: not queued, and sending failed: " + result.error().error.message());
}

void OutboxNotifier::DeliverDueOrReport(TimePoint now, DeliveryCounts& counts) {
  if (channels_.empty()) {
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  for (int sent = 0; sent < options_.max_per_pass; ++sent) {
    if (std::chrono::steady_clock::now() - started >= options_.pass_budget) {
      Debug("notify: time budget spent; the rest of the outbox waits for the next command");
      return;
    }
    // One at a time, so that nothing is leased that this pass will not get to.
    auto claimed = store_.ClaimDueNotifications(now, 1, options_.lease);
    if (!claimed) {
      Debug("notify: reading the outbox: " + claimed.error().message());
      return;
    }
    if (claimed->empty()) {
      return;
    }
    DeliverClaimed(claimed->front(), now, counts);
  }
}

void OutboxNotifier::DeliverClaimed(const store::Notification& notification, TimePoint now,
                                    DeliveryCounts& counts) {
  Channel* channel = FindChannel(notification.channel);
  if (channel == nullptr) {
    // Another configuration (another user's, a later one) may still have the channel;
    // keeping it is safer than dropping a team's notifications over a local setting.
    Reschedule(notification.id, now + options_.backoff_cap,
               "no " + notification.channel + " channel is configured where this ran", counts);
    return;
  }
  if (now - notification.created_at >= options_.give_up_after) {
    std::string why = "not delivered within " + FormatDuration(options_.give_up_after);
    if (!notification.last_error.empty()) {
      why += "; last error: " + notification.last_error;
    }
    Abandon(notification.id, why, counts);
    return;
  }
  auto type = NotificationType(notification.payload);
  if (!type) {
    Abandon(notification.id, type.error().message(), counts);
    return;
  }
  const Delivery delivery{notification.id, *type, notification.payload};
  if (const Outage* outage = OutageAt(channel->name(), now)) {
    Reschedule(notification.id, now + RetryDelay(notification.attempts, options_), outage->error,
               counts);
    return;
  }
  Record(*channel, delivery, notification.attempts, channel->Deliver(delivery), now, counts);
}

void OutboxNotifier::Record(Channel& channel, const Delivery& delivery, int attempts,
                            const DeliveryResult& result, TimePoint now, DeliveryCounts& counts) {
  const std::string prefix = "notify: " + std::string(channel.name()) + ": ";
  if (result) {
    ++counts.delivered;
    Debug(prefix + "delivered " + Describe(delivery));
    if (auto marked = store_.MarkDelivered(delivery.id); !marked) {
      Debug(prefix + "recording the delivery: " + marked.error().message());
    }
    return;
  }
  const std::string& error = result.error().error.message();
  if (result.error().permanent) {
    Abandon(delivery.id, error, counts);
    return;
  }
  const TimePoint next = now + RetryDelay(attempts, options_);
  outages_[std::string(channel.name())] = Outage{next, error};
  Reschedule(delivery.id, next, error, counts);
}

void OutboxNotifier::Reschedule(std::string_view id, TimePoint next, std::string_view error,
                                DeliveryCounts& counts) {
  ++counts.retry_later;
  Debug("notify: outbox " + std::string(id) + " will be retried from " + FormatTime(next) + ": " +
        std::string(error));
  if (auto marked = store_.MarkFailed(id, next, error); !marked) {
    Debug("notify: recording the failure of outbox " + std::string(id) + ": " +
          marked.error().message());
  }
}

void OutboxNotifier::Abandon(std::string_view id, std::string_view error, DeliveryCounts& counts) {
  ++counts.abandoned;
  Debug("notify: giving up on outbox " + std::string(id) + ": " + std::string(error));
  if (auto marked = store_.MarkAbandoned(id, error); !marked) {
    Debug("notify: recording that outbox " + std::string(id) +
          " was given up: " + marked.error().message());
  }
}

const OutboxNotifier::Outage* OutboxNotifier::OutageAt(std::string_view name, TimePoint now) const {
  const auto it = outages_.find(name);
  if (it == outages_.end() || now >= it->second.until) {
    return nullptr;
  }
  return &it->second;
}

Channel* OutboxNotifier::FindChannel(std::string_view name) const {
  for (const auto& channel : channels_) {
    if (channel->name() == name) {
      return channel.get();
    }
  }
  return nullptr;
}

void OutboxNotifier::Debug(const std::string& line) const {
  if (!options_.debug) {
    return;
  }
  // Called from the catch handlers too, so a throwing hook must not escape from here.
  try {
    options_.debug(line);
  } catch (...) {
  }
}

}  // namespace sentinel::notify
