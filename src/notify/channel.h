// A notification channel: one way of telling the world about a lifecycle event.
#ifndef SENTINEL_NOTIFY_CHANNEL_H_
#define SENTINEL_NOTIFY_CHANNEL_H_

#include <expected>
#include <string>
#include <string_view>
#include <utility>

#include "app/notifier.h"
#include "core/error.h"

namespace sentinel::notify {

// One message to deliver: the notification document (NotificationBody) and what a channel
// needs to know about it without parsing it again.
struct Delivery {
  std::string_view id;  // the outbox id, for receivers that de-duplicate; "" if unqueued
  app::LifecycleEventType type = app::LifecycleEventType::kRequestCreated;
  std::string_view body;  // the exact bytes to send
};

// Why a delivery failed, and whether trying again later could help. Permanent failures
// (the receiver refused this message as it is: an HTTP 4xx, an unknown SNS topic) are
// given up on; every other failure is retried with backoff.
struct DeliveryFailure {
  Error error;  // what failed and why; never holds a secret
  bool permanent = false;
};

using DeliveryResult = std::expected<void, DeliveryFailure>;

// Sends notifications to one destination. Implementations are used from one thread at a
// time and never throw; a delivery may block for as long as the channel's own HTTP
// timeouts and retries allow, which the caller bounds when it builds the channel.
class Channel {
 public:
  virtual ~Channel() = default;

  // The channel's name as stored in the outbox ("webhook", "sns"). Constant.
  virtual std::string_view name() const = 0;

  // Sends `delivery` once (with whatever in-process retries the channel's HTTP client
  // makes). Success means the receiver accepted it.
  [[nodiscard]] virtual DeliveryResult Deliver(const Delivery& delivery) = 0;
};

// A channel whose setup failed, such as a webhook whose secret variable is unset: it
// keeps the channel's place, so notifications for it are still queued, and fails every
// delivery as retryable with the setup error. A later sentinel command whose setup
// works then delivers them; nothing is sent unsigned or lost meanwhile.
class UnconfiguredChannel final : public Channel {
 public:
  UnconfiguredChannel(std::string name, Error setup_error)
      : name_(std::move(name)), setup_error_(std::move(setup_error)) {}

  std::string_view name() const override { return name_; }

  [[nodiscard]] DeliveryResult Deliver(const Delivery&) override {
    return std::unexpected(DeliveryFailure{setup_error_, false});
  }

 private:
  std::string name_;
  Error setup_error_;
};

}  // namespace sentinel::notify

#endif  // SENTINEL_NOTIFY_CHANNEL_H_
