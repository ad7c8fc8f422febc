// Test doubles for the notify tests: a scripted channel, a store that fails on demand, a
// private temporary directory and an independent HMAC. Compiled into the test binary only.
#ifndef SENTINEL_NOTIFY_TEST_SUPPORT_OUTBOX_FIXTURES_H_
#define SENTINEL_NOTIFY_TEST_SUPPORT_OUTBOX_FIXTURES_H_

#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdlib.h>

#include <array>
#include <deque>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "notify/channel.h"
#include "store/store.h"

namespace sentinel::notify::test_support {

// HMAC-SHA256 in lower-case hex, computed here with OpenSSL's EVP_MAC interface rather
// than the one-shot HMAC() the channel uses, so the two are independent.
inline std::string HexHmacSha256(std::string_view key, std::string_view data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* context = EVP_MAC_CTX_new(mac);
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string("digest", digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  std::array<unsigned char, 32> out{};
  std::size_t size = 0;
  const bool ok = EVP_MAC_init(context, reinterpret_cast<const unsigned char*>(key.data()),
                               key.size(), params) == 1 &&
                  EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(data.data()),
                                 data.size()) == 1 &&
                  EVP_MAC_final(context, out.data(), &size, out.size()) == 1;
  EVP_MAC_CTX_free(context);
  EVP_MAC_free(mac);
  if (!ok) {
    return "(OpenSSL HMAC failed)";
  }
  std::string hex;
  for (std::size_t i = 0; i < size; ++i) {
    constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 0x0F];
  }
  return hex;
}

// A private temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "sentinel-notify-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// What a ScriptedChannel was asked to deliver.
struct SentDelivery {
  std::string id;
  app::LifecycleEventType type;
  std::string body;
};

// A channel that answers from a script (success once the script runs out) and records
// every delivery. `during` runs inside Deliver, before the answer, to look at the world
// while a delivery is under way.
class ScriptedChannel final : public Channel {
 public:
  explicit ScriptedChannel(std::string name) : name_(std::move(name)) {}

  std::string_view name() const override { return name_; }

  DeliveryResult Deliver(const Delivery& delivery) override {
    sent.push_back({std::string(delivery.id), delivery.type, std::string(delivery.body)});
    if (during) {
      during(delivery);
    }
    if (throws) {
      throw std::runtime_error("scripted channel blew up");
    }
    if (script.empty()) {
      return {};
    }
    DeliveryResult next = std::move(script.front());
    script.pop_front();
    return next;
  }

  // Queues `count` answers that fail with `message`.
  void FailNext(std::string message, bool permanent, int count = 1) {
    for (int i = 0; i < count; ++i) {
      script.push_back(std::unexpected(DeliveryFailure{
          Error(permanent ? ErrorCode::kInvalidInput : ErrorCode::kUnavailable, message),
          permanent}));
    }
  }

  std::deque<DeliveryResult> script;
  std::vector<SentDelivery> sent;
  std::function<void(const Delivery&)> during;
  bool throws = false;

 private:
  std::string name_;
};

// Forwards to a real store, but fails the outbox operations a test switches off, as a
// store that has gone away would.
class FlakyStore final : public store::Store {
 public:
  explicit FlakyStore(store::Store& real) : real_(real) {}

  bool fail_enqueue = false;
  bool fail_claim = false;
  bool fail_marks = false;

  Status CreateRequest(const Request& request) override { return real_.CreateRequest(request); }
  Result<Request> GetRequest(std::string_view id) override { return real_.GetRequest(id); }
  Status UpdateRequestIf(const Request& updated, RequestStatus expected_old) override {
    return real_.UpdateRequestIf(updated, expected_old);
  }
  Result<std::vector<Request>> ListRequests(const store::RequestFilter& filter,
                                            TimePoint now) override {
    return real_.ListRequests(filter, now);
  }
  Result<std::optional<Request>> FindUsableRequest(std::string_view requester,
                                                   std::string_view profile,
                                                   TimePoint now) override {
    return real_.FindUsableRequest(requester, profile, now);
  }
  Status CreateEvent(const Event& event) override { return real_.CreateEvent(event); }
  Result<Event> GetEvent(std::string_view id) override { return real_.GetEvent(id); }
  Status UpdateEventIf(const Event& updated, EventStatus expected_old) override {
    return real_.UpdateEventIf(updated, expected_old);
  }
  Result<std::vector<Event>> ListEvents(const store::EventFilter& filter, TimePoint now) override {
    return real_.ListEvents(filter, now);
  }
  Result<std::optional<Event>> FindActiveEvent(std::string_view invoker, std::string_view profile,
                                               TimePoint now) override {
    return real_.FindActiveEvent(invoker, profile, now);
  }
  Result<std::int64_t> CountEventsByInvokerSince(std::string_view invoker,
                                                 TimePoint since) override {
    return real_.CountEventsByInvokerSince(invoker, since);
  }
  Result<std::int64_t> CountEventsByProfileSince(std::string_view profile,
                                                 TimePoint since) override {
    return real_.CountEventsByProfileSince(profile, since);
  }
  Result<std::optional<TimePoint>> LastEventTime(std::string_view invoker,
                                                 std::string_view profile) override {
    return real_.LastEventTime(invoker, profile);
  }
  Result<std::optional<TimePoint>> EventTimeByInvokerSince(std::string_view invoker,
                                                           TimePoint since,
                                                           std::int64_t index) override {
    return real_.EventTimeByInvokerSince(invoker, since, index);
  }
  Result<std::optional<TimePoint>> EventTimeByProfileSince(std::string_view profile,
                                                           TimePoint since,
                                                           std::int64_t index) override {
    return real_.EventTimeByProfileSince(profile, since, index);
  }

  Result<std::string> EnqueueNotification(std::string_view channel,
                                          std::string_view payload) override {
    if (fail_enqueue) {
      return Down("queueing a notification for " + std::string(channel));
    }
    return real_.EnqueueNotification(channel, payload);
  }
  Result<std::vector<store::Notification>> ClaimDueNotifications(
      TimePoint now, int limit, std::chrono::seconds lease) override {
    if (fail_claim) {
      return Down("claiming due notifications");
    }
    return real_.ClaimDueNotifications(now, limit, lease);
  }
  Status MarkDelivered(std::string_view id) override {
    return fail_marks ? Down("marking " + std::string(id)) : real_.MarkDelivered(id);
  }
  Status MarkFailed(std::string_view id, TimePoint next_attempt_at,
                    std::string_view error) override {
    return fail_marks ? Down("marking " + std::string(id))
                      : real_.MarkFailed(id, next_attempt_at, error);
  }
  Status MarkAbandoned(std::string_view id, std::string_view error) override {
    return fail_marks ? Down("marking " + std::string(id)) : real_.MarkAbandoned(id, error);
  }
  Result<store::Notification> GetNotification(std::string_view id) override {
    return real_.GetNotification(id);
  }

 private:
  static std::unexpected<Error> Down(const std::string& operation) {
    return Fail(ErrorCode::kUnavailable, operation + ": database is locked");
  }

  store::Store& real_;
};

}  // namespace sentinel::notify::test_support

#endif  // SENTINEL_NOTIFY_TEST_SUPPORT_OUTBOX_FIXTURES_H_
