// OutboxNotifier on a real SqliteStore with scripted channels: ordering, durability,
// leases, backoff and every failure path.
#include "notify/outbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "notify/message.h"
#include "notify/test_support/outbox_fixtures.h"
#include "store/sqlite_store.h"

namespace sentinel::notify {
namespace {

using namespace std::chrono;
using store::NotificationState;
using test_support::FlakyStore;
using test_support::ScriptedChannel;
using test_support::TempDir;
using ::testing::HasSubstr;

const TimePoint kT0 = sys_days(2026y / December / 3) + hours(17);

DeliveryCounts Counts(int delivered, int retry_later = 0, int abandoned = 0) {
  DeliveryCounts counts;
  counts.delivered = delivered;
  counts.retry_later = retry_later;
  counts.abandoned = abandoned;
  return counts;
}

app::LifecycleEvent Invoked(std::string actor = "alice") {
  return {app::LifecycleEventType::kBreakGlassInvoked,
          kT0,
          std::move(actor),
          {{"id", "fedcba9876543210"}, {"profile", "prod"}}};
}

TEST(RetryDelayTest, DoublesFromTheBaseUpToTheCap) {
  const OutboxOptions options;
  const std::pair<int, int> cases[] = {{-1, 30},   {0, 30},        {1, 60},   {2, 120},
                                       {3, 240},   {6, 1920},      {7, 3600}, {8, 3600},
                                       {62, 3600}, {1000000, 3600}};
  for (auto [attempts, seconds_wanted] : cases) {
    EXPECT_EQ(RetryDelay(attempts, options), seconds(seconds_wanted)) << attempts;
  }
  OutboxOptions custom;
  custom.backoff_base = seconds(5);
  custom.backoff_cap = seconds(12);
  EXPECT_EQ(RetryDelay(0, custom), seconds(5));
  EXPECT_EQ(RetryDelay(1, custom), seconds(10));
  EXPECT_EQ(RetryDelay(2, custom), seconds(12));
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = OpenStore(); }

  // Another handle on the same database file, as another process would have.
  std::unique_ptr<store::SqliteStore> OpenStore() {
    auto store = store::SqliteStore::Open(dir_.path() / "sentinel.db", clock_);
    EXPECT_TRUE(store.has_value()) << store.error().message();
    return store ? std::move(*store) : nullptr;
  }

  // A notifier over `store` with the given channels, its debug lines kept in debug_.
  std::unique_ptr<OutboxNotifier> Notifier(store::Store& store,
                                           std::vector<ScriptedChannel*> channels,
                                           OutboxOptions options = {}) {
    std::vector<std::unique_ptr<Channel>> owned;
    for (ScriptedChannel* channel : channels) {
      owned.emplace_back(channel);
    }
    options.debug = [this](std::string_view line) { debug_.emplace_back(line); };
    return std::make_unique<OutboxNotifier>(store, std::move(owned), clock_, std::move(options));
  }

  store::Notification Get(const std::string& id) {
    auto got = store_->GetNotification(id);
    EXPECT_TRUE(got.has_value()) << id << ": " << got.error().message();
    return got ? *got : store::Notification{};
  }

  std::string Queue(std::string_view channel, const std::string& payload) {
    auto id = store_->EnqueueNotification(channel, payload);
    EXPECT_TRUE(id.has_value()) << id.error().message();
    return id ? *id : "";
  }

  TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<store::SqliteStore> store_;
  std::vector<std::string> debug_;
};

TEST_F(OutboxTest, NotifyQueuesEveryChannelBeforeSendingAny) {
  auto* webhook = new ScriptedChannel("webhook");
  auto* sns = new ScriptedChannel("sns");
  // While the first channel sends, both copies must already be in the outbox.
  std::vector<store::Notification> seen;
  webhook->during = [&](const Delivery&) {
    for (const char* id : {"1", "2"}) {
      auto got = store_->GetNotification(id);
      ASSERT_TRUE(got.has_value()) << id;
      seen.push_back(*got);
    }
  };
  auto notifier = Notifier(*store_, {webhook, sns});
  notifier->Notify(Invoked());

  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].channel, "webhook");
  EXPECT_EQ(seen[1].channel, "sns");
  EXPECT_EQ(seen[0].state, NotificationState::kPending);
  EXPECT_EQ(seen[1].state, NotificationState::kPending);

  const std::string body = NotificationBody(Invoked());
  ASSERT_EQ(webhook->sent.size(), 1u);
  ASSERT_EQ(sns->sent.size(), 1u);
  EXPECT_EQ(webhook->sent[0].id, "1");
  EXPECT_EQ(webhook->sent[0].body, body);
  EXPECT_EQ(webhook->sent[0].type, app::LifecycleEventType::kBreakGlassInvoked);
  EXPECT_EQ(sns->sent[0].id, "2");
  for (const char* id : {"1", "2"}) {
    const store::Notification stored = Get(id);
    EXPECT_EQ(stored.state, NotificationState::kDelivered) << id;
    EXPECT_EQ(stored.payload, body);
    EXPECT_EQ(stored.attempts, 0);
  }
}

TEST_F(OutboxTest, PermanentFailureIsAbandonedAndNeverRetried) {
  auto* webhook = new ScriptedChannel("webhook");
  webhook->FailNext("webhook http://h: HTTP 404: no such hook", true);
  auto notifier = Notifier(*store_, {webhook});
  notifier->Notify(Invoked());

  const store::Notification stored = Get("1");
  EXPECT_EQ(stored.state, NotificationState::kAbandoned);
  EXPECT_EQ(stored.last_error, "webhook http://h: HTTP 404: no such hook");
  EXPECT_EQ(notifier->DeliverDue(kT0 + hours(2)), DeliveryCounts{});
  EXPECT_EQ(webhook->sent.size(), 1u);
  EXPECT_THAT(debug_, ::testing::Contains(HasSubstr("giving up on outbox 1: webhook http://h")));
}

TEST_F(OutboxTest, RetriesBackOffExponentiallyUpToTheCap) {
  auto* webhook = new ScriptedChannel("webhook");
  webhook->FailNext("webhook http://h: HTTP 503", false, 100);
  auto notifier = Notifier(*store_, {webhook});
  notifier->Notify(Invoked());

  store::Notification stored = Get("1");
  EXPECT_EQ(stored.state, NotificationState::kPending);
  EXPECT_EQ(stored.next_attempt_at, kT0 + seconds(30));
  EXPECT_EQ(stored.last_error, "webhook http://h: HTTP 503");

  // Each retry comes due exactly when scheduled, and not a second earlier.
  const int wanted_delays[] = {60, 120, 240, 480, 960, 1920, 3600, 3600, 3600};
  for (int delay : wanted_delays) {
    const TimePoint due = stored.next_attempt_at;
    const std::size_t calls = webhook->sent.size();
    EXPECT_EQ(notifier->DeliverDue(due - seconds(1)), DeliveryCounts{});
    EXPECT_EQ(webhook->sent.size(), calls);

    clock_.Set(due);
    EXPECT_EQ(notifier->DeliverDue(due), Counts(0, 1));
    EXPECT_EQ(webhook->sent.size(), calls + 1);
    stored = Get("1");
    EXPECT_EQ(stored.next_attempt_at, due + seconds(delay)) << "attempt " << stored.attempts;
  }
  EXPECT_EQ(stored.attempts, 9);
  EXPECT_EQ(stored.state, NotificationState::kPending);
}

// A process that could not deliver leaves the notification behind; the next process,
// with its own store handle and notifier, delivers it once it is due.
TEST_F(OutboxTest, UndeliveredNotificationsSurviveTheProcess) {
  {
    auto first_store = OpenStore();
    auto* down = new ScriptedChannel("webhook");
    down->FailNext("webhook http://h: connect failed", false);
    Notifier(*first_store, {down})->Notify(Invoked("bob"));
  }
  EXPECT_EQ(Get("1").state, NotificationState::kPending);

  auto second_store = OpenStore();
  auto* up = new ScriptedChannel("webhook");
  auto next_command = Notifier(*second_store, {up});
  EXPECT_EQ(next_command->DeliverDue(kT0 + seconds(29)), DeliveryCounts{});
  EXPECT_EQ(next_command->DeliverDue(kT0 + seconds(30)), Counts(1));
  ASSERT_EQ(up->sent.size(), 1u);
  EXPECT_EQ(up->sent[0].body, NotificationBody(Invoked("bob")));
  EXPECT_EQ(up->sent[0].id, "1");
  EXPECT_EQ(Get("1").state, NotificationState::kDelivered);
  EXPECT_EQ(Get("1").attempts, 1);
}

TEST_F(OutboxTest, ALeaseKeepsOtherProcessesOffUntilItRunsOut) {
  const std::string id = Queue("webhook", NotificationBody(Invoked()));
  auto other_store = OpenStore();
  auto* other_channel = new ScriptedChannel("webhook");
  auto other = Notifier(*other_store, {other_channel});

  // While this process is sending, another process finds nothing to do.
  auto* channel = new ScriptedChannel("webhook");
  DeliveryCounts while_leased = Counts(-1);
  channel->during = [&](const Delivery&) { while_leased = other->DeliverDue(kT0); };
  EXPECT_EQ(Notifier(*store_, {channel})->DeliverDue(kT0), Counts(1));
  EXPECT_EQ(while_leased, DeliveryCounts{});
  EXPECT_TRUE(other_channel->sent.empty());
  EXPECT_EQ(Get(id).state, NotificationState::kDelivered);

  // A sender that died holding the lease: the work waits for the lease to run out.
  const std::string orphan = Queue("webhook", NotificationBody(Invoked("carol")));
  auto claimed = store_->ClaimDueNotifications(kT0, 10, OutboxOptions{}.lease);
  ASSERT_TRUE(claimed.has_value());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(other->DeliverDue(kT0 + seconds(119)), DeliveryCounts{});
  EXPECT_EQ(other->DeliverDue(kT0 + seconds(120)), Counts(1));
  ASSERT_EQ(other_channel->sent.size(), 1u);
  EXPECT_EQ(other_channel->sent[0].id, orphan);
  EXPECT_EQ(Get(orphan).attempts, 2);
}

// Once a channel fails, this process does not wait on it again before its retry time:
// queued notifications for it are rescheduled unsent, new ones just wait; other channels
// carry on.
TEST_F(OutboxTest, AFailedChannelIsTriedOncePerRetryPeriod) {
  for (const char* actor : {"a", "b", "c"}) {
    Queue("webhook", NotificationBody(Invoked(actor)));
  }
  const std::string sns_id = Queue("sns", NotificationBody(Invoked("d")));
  auto* webhook = new ScriptedChannel("webhook");
  webhook->FailNext("webhook http://h: connect failed", false);
  auto* sns = new ScriptedChannel("sns");
  auto notifier = Notifier(*store_, {webhook, sns});

  EXPECT_EQ(notifier->DeliverDue(kT0), Counts(1, 3));
  EXPECT_EQ(webhook->sent.size(), 1u);
  EXPECT_EQ(sns->sent.size(), 1u);
  EXPECT_EQ(Get(sns_id).state, NotificationState::kDelivered);
  for (const char* id : {"1", "2", "3"}) {
    const store::Notification stored = Get(id);
    EXPECT_EQ(stored.state, NotificationState::kPending);
    EXPECT_EQ(stored.last_error, "webhook http://h: connect failed");
    EXPECT_EQ(stored.next_attempt_at, kT0 + seconds(60));  // claimed once: 30s * 2
  }

  notifier->Notify(Invoked("e"));
  EXPECT_EQ(webhook->sent.size(), 1u);  // not tried: the channel is down until kT0 + 60s
  EXPECT_EQ(sns->sent.size(), 2u);
  EXPECT_EQ(Get("5").channel, "webhook");
  EXPECT_EQ(Get("5").state, NotificationState::kPending);
  EXPECT_EQ(Get("5").next_attempt_at, kT0);
  EXPECT_THAT(debug_, ::testing::Contains(HasSubstr("waits in the outbox")));

  // After the retry time the channel is tried again, and all four go out.
  EXPECT_EQ(notifier->DeliverDue(kT0 + seconds(60)), Counts(4));
  EXPECT_EQ(webhook->sent.size(), 5u);
}

TEST_F(OutboxTest, NotificationsForAnUnconfiguredChannelAreKept) {
  const std::string id = Queue("pager", NotificationBody(Invoked()));
  auto notifier = Notifier(*store_, {new ScriptedChannel("webhook")});
  EXPECT_EQ(notifier->DeliverDue(kT0), Counts(0, 1));
  const store::Notification stored = Get(id);
  EXPECT_EQ(stored.state, NotificationState::kPending);
  EXPECT_EQ(stored.next_attempt_at, kT0 + hours(1));
  EXPECT_EQ(stored.last_error, "no pager channel is configured where this ran");
}

TEST_F(OutboxTest, UnreadableAndStaleNotificationsAreAbandoned) {
  const std::string garbage = Queue("webhook", "{\"type\":\"request.exploded\"}");
  const std::string stale = Queue("webhook", NotificationBody(Invoked()));
  ASSERT_TRUE(
      store_->MarkFailed(stale, kT0 + hours(24 * 7), "webhook http://h: HTTP 503").has_value());
  auto* webhook = new ScriptedChannel("webhook");
  auto notifier = Notifier(*store_, {webhook});

  EXPECT_EQ(notifier->DeliverDue(kT0), Counts(0, 0, 1));
  EXPECT_EQ(Get(garbage).state, NotificationState::kAbandoned);
  EXPECT_EQ(Get(garbage).last_error,
            "notification document: unknown lifecycle event type 'request.exploded'");

  EXPECT_EQ(notifier->DeliverDue(kT0 + hours(24 * 7)), Counts(0, 0, 1));
  EXPECT_EQ(Get(stale).state, NotificationState::kAbandoned);
  EXPECT_EQ(Get(stale).last_error,
            "not delivered within 168h; last error: webhook http://h: HTTP 503");
  EXPECT_TRUE(webhook->sent.empty());
}

TEST_F(OutboxTest, OnePassIsBoundedByMaxPerPass) {
  for (int i = 0; i < 5; ++i) {
    Queue("webhook", NotificationBody(Invoked("u" + std::to_string(i))));
  }
  auto* webhook = new ScriptedChannel("webhook");
  OutboxOptions options;
  options.max_per_pass = 2;
  auto notifier = Notifier(*store_, {webhook}, options);
  EXPECT_EQ(notifier->DeliverDue(kT0), Counts(2));
  EXPECT_EQ(notifier->DeliverDue(kT0), Counts(2));
  EXPECT_EQ(notifier->DeliverDue(kT0), Counts(1));
  EXPECT_EQ(notifier->DeliverDue(kT0), DeliveryCounts{});
  ASSERT_EQ(webhook->sent.size(), 5u);
  EXPECT_EQ(webhook->sent[0].id, "1");  // oldest first
  EXPECT_EQ(webhook->sent[4].id, "5");
}

TEST_F(OutboxTest, ASpentTimeBudgetStopsThePass) {
  Queue("webhook", NotificationBody(Invoked()));
  auto* webhook = new ScriptedChannel("webhook");
  OutboxOptions options;
  options.pass_budget = milliseconds(0);
  auto notifier = Notifier(*store_, {webhook}, options);
  EXPECT_EQ(notifier->DeliverDue(kT0), DeliveryCounts{});
  EXPECT_TRUE(webhook->sent.empty());
  EXPECT_EQ(Get("1").attempts, 0);  // nothing was claimed that the pass would not send
  EXPECT_THAT(debug_, ::testing::Contains(HasSubstr("time budget spent")));
}

TEST_F(OutboxTest, ASpentNotifyBudgetLeavesTheRestQueued) {
  auto* webhook = new ScriptedChannel("webhook");
  auto* sns = new ScriptedChannel("sns");
  OutboxOptions options;
  options.notify_budget = milliseconds(0);
  auto notifier = Notifier(*store_, {webhook, sns}, options);
  notifier->Notify(Invoked());
  EXPECT_TRUE(webhook->sent.empty());
  EXPECT_TRUE(sns->sent.empty());
  EXPECT_EQ(Get("1").state, NotificationState::kPending);
  EXPECT_EQ(Get("2").state, NotificationState::kPending);
  EXPECT_THAT(debug_, ::testing::Contains("notify: sns: time budget spent; breakglass.invoked "
                                          "(outbox 2) waits in the outbox"));
  EXPECT_EQ(notifier->DeliverDue(kT0), Counts(2));
}

TEST_F(OutboxTest, WithNoChannelsNothingIsQueuedOrClaimed) {
  const std::string queued = Queue("webhook", NotificationBody(Invoked()));
  auto notifier = Notifier(*store_, {});
  notifier->Notify(Invoked("bob"));
  EXPECT_EQ(notifier->DeliverDue(kT0), DeliveryCounts{});
  EXPECT_EQ(Get(queued).attempts, 0);
  auto none = store_->GetNotification("2");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
}

// The store being unavailable must not cost the notification when the channel is up, and
// must be reported when both are down.
TEST_F(OutboxTest, WhenTheStoreIsDownNotifySendsDirectlyOnce) {
  FlakyStore flaky(*store_);
  flaky.fail_enqueue = true;
  auto* webhook = new ScriptedChannel("webhook");
  auto* sns = new ScriptedChannel("sns");
  sns->FailNext("sns topic arn:aws:sns:eu-west-1:123456789012:t: connect failed", false);
  auto notifier = Notifier(flaky, {webhook, sns});
  notifier->Notify(Invoked());

  ASSERT_EQ(webhook->sent.size(), 1u);
  EXPECT_EQ(webhook->sent[0].id, "");
  EXPECT_EQ(webhook->sent[0].body, NotificationBody(Invoked()));
  ASSERT_EQ(sns->sent.size(), 1u);
  EXPECT_THAT(debug_, ::testing::Contains(
                          "notify: webhook: could not queue breakglass.invoked, sending it "
                          "without the outbox: queueing a notification for webhook: database "
                          "is locked"));
  EXPECT_THAT(debug_, ::testing::Contains(
                          "notify: webhook: delivered breakglass.invoked without the outbox"));
  EXPECT_THAT(debug_, ::testing::Contains(
                          "notify: sns: breakglass.invoked lost: not queued, and sending failed: "
                          "sns topic arn:aws:sns:eu-west-1:123456789012:t: connect failed"));

  // A second event in this process does not wait on the channel that just failed.
  notifier->Notify(Invoked("bob"));
  EXPECT_EQ(sns->sent.size(), 1u);
  EXPECT_EQ(webhook->sent.size(), 2u);
}

TEST_F(OutboxTest, StoreFailuresWhileDeliveringAreReportedNotThrown) {
  Queue("webhook", NotificationBody(Invoked()));
  FlakyStore flaky(*store_);
  auto* webhook = new ScriptedChannel("webhook");
  auto notifier = Notifier(flaky, {webhook});

  flaky.fail_claim = true;
  EXPECT_EQ(notifier->DeliverDue(kT0), DeliveryCounts{});
  EXPECT_THAT(debug_, ::testing::Contains("notify: reading the outbox: claiming due "
                                          "notifications: database is locked"));

  flaky.fail_claim = false;
  flaky.fail_marks = true;
  EXPECT_EQ(notifier->DeliverDue(kT0), Counts(1));
  EXPECT_THAT(debug_,
              ::testing::Contains(
                  "notify: webhook: recording the delivery: marking 1: database is locked"));
  // Unrecorded, it stays leased and is sent again after the lease: at least once.
  EXPECT_EQ(Get("1").state, NotificationState::kPending);
}

TEST_F(OutboxTest, NeverThrowsEvenWhenAChannelOrTheDebugHookDoes) {
  auto* webhook = new ScriptedChannel("webhook");
  webhook->throws = true;
  auto notifier = Notifier(*store_, {webhook});
  EXPECT_NO_THROW(notifier->Notify(Invoked()));
  EXPECT_THAT(debug_, ::testing::Contains(
                          "notify: internal error while notifying: scripted channel blew up"));
  EXPECT_EQ(Get("1").state, NotificationState::kPending);  // queued before the send blew up
  EXPECT_NO_THROW(notifier->DeliverDue(kT0));
  EXPECT_THAT(debug_, ::testing::Contains("notify: internal error while delivering the outbox: "
                                          "scripted channel blew up"));

  std::vector<std::unique_ptr<Channel>> channels;
  auto* also_throws = new ScriptedChannel("webhook");
  also_throws->throws = true;
  channels.emplace_back(also_throws);
  OutboxOptions options;
  options.debug = [](std::string_view) { throw std::logic_error("debug hook"); };
  OutboxNotifier loud(*store_, std::move(channels), clock_, options);
  EXPECT_NO_THROW(loud.Notify(Invoked()));
  EXPECT_NO_THROW(loud.DeliverDue(kT0 + hours(1)));
  EXPECT_EQ(also_throws->sent.size(), 2u);
}

TEST_F(OutboxTest, DebugLinesNeverCarryTheBody) {
  auto* webhook = new ScriptedChannel("webhook");
  webhook->FailNext("webhook http://h: HTTP 500", false);
  auto notifier = Notifier(*store_, {webhook});
  app::LifecycleEvent event = Invoked();
  event.subject["justification"] = "a distinctive justification text";
  notifier->Notify(event);
  notifier->DeliverDue(kT0 + hours(1));
  ASSERT_FALSE(debug_.empty());
  for (const std::string& line : debug_) {
    EXPECT_EQ(line.find("distinctive"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace sentinel::notify
