// OutboxNotifier with its real channels: a webhook on a real HTTP listener, SNS on moto,
// and both pointed at closed ports, over CurlHttpClient and a real SqliteStore.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>

#include "aws/curl_http_client.h"
#include "aws/sns.h"
#include "aws/test_support/moto_server.h"
#include "aws/test_support/test_http_server.h"
#include "notify/message.h"
#include "notify/outbox.h"
#include "notify/sns_channel.h"
#include "notify/test_support/outbox_fixtures.h"
#include "notify/webhook.h"
#include "store/sqlite_store.h"

namespace sentinel::notify {
namespace {

using namespace std::chrono;
using aws::test_support::CannedResponse;
using aws::test_support::TestHttpServer;
using store::NotificationState;
using test_support::HexHmacSha256;
using test_support::TempDir;

const TimePoint kT0 = sys_days(2026y / December / 3) + hours(17);

const aws::Credentials kAnyKeys{
    "AKIAIOSFODNN7EXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"), Secret(), {}};

app::LifecycleEvent Invoked() {
  return {app::LifecycleEventType::kBreakGlassInvoked,
          kT0,
          "alice",
          {{"id", "fedcba9876543210"},
           {"profile", "prod"},
           {"justification", "primary database unreachable, paging"}}};
}

CannedResponse Answer(long status) {
  CannedResponse answer;
  answer.status = status;
  return answer;
}

// Returns a loopback port nothing listens on: bound once by the kernel's choice, then freed.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  EXPECT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

// Delivery options with the retry pause recorded instead of slept, so tests stay fast.
aws::CurlHttpClientOptions QuickOptions() {
  aws::CurlHttpClientOptions options = DeliveryHttpOptions();
  options.sleep = [](milliseconds) {};
  return options;
}

class OutboxWebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::SqliteStore::Open(dir_.path() / "sentinel.db", clock_);
    ASSERT_TRUE(store.has_value()) << store.error().message();
    store_ = std::move(*store);
  }

  // A notifier with one webhook channel to `url`, as one sentinel command would build it.
  std::unique_ptr<OutboxNotifier> Notifier(const std::string& url) {
    auto webhook = WebhookChannel::Create(http_, url, Secret("hook-secret"));
    EXPECT_TRUE(webhook.has_value()) << webhook.error().message();
    std::vector<std::unique_ptr<Channel>> channels;
    channels.push_back(std::move(*webhook));
    return std::make_unique<OutboxNotifier>(*store_, std::move(channels), clock_);
  }

  std::unique_ptr<TestHttpServer> Server() {
    auto server = TestHttpServer::Start();
    EXPECT_TRUE(server.has_value()) << server.error().message();
    return server ? std::move(*server) : nullptr;
  }

  store::Notification Get(const std::string& id) {
    auto got = store_->GetNotification(id);
    EXPECT_TRUE(got.has_value()) << got.error().message();
    return got ? *got : store::Notification{};
  }

  TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<store::SqliteStore> store_;
  aws::CurlHttpClient http_{QuickOptions()};
};

TEST_F(OutboxWebhookTest, SendsTheStoredBytesSignedAndMarksThemDelivered) {
  auto server = Server();
  ASSERT_NE(server, nullptr);
  server->Enqueue(Answer(200));
  Notifier(server->base_url() + "/sentinel")->Notify(Invoked());

  const store::Notification stored = Get("1");
  EXPECT_EQ(stored.state, NotificationState::kDelivered);
  EXPECT_EQ(stored.channel, "webhook");
  const auto requests = server->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body, stored.payload);
  EXPECT_EQ(requests[0].body, NotificationBody(Invoked()));
  EXPECT_EQ(aws::FindHeader(requests[0].headers, "X-Sentinel-Event"), "breakglass.invoked");
  EXPECT_EQ(aws::FindHeader(requests[0].headers, "X-Sentinel-Delivery"), "1");
  EXPECT_EQ(aws::FindHeader(requests[0].headers, "X-Sentinel-Signature"),
            "sha256=" + HexHmacSha256("hook-secret", requests[0].body));
}

TEST_F(OutboxWebhookTest, AServerErrorIsRetriedAtOnceThenDelivered) {
  auto server = Server();
  ASSERT_NE(server, nullptr);
  server->Enqueue(Answer(503));
  server->Enqueue(Answer(200));
  Notifier(server->base_url())->Notify(Invoked());
  EXPECT_EQ(server->request_count(), 2u);
  EXPECT_EQ(Get("1").state, NotificationState::kDelivered);
}

TEST_F(OutboxWebhookTest, AClientErrorIsAbandonedAndNeverRetried) {
  auto server = Server();
  ASSERT_NE(server, nullptr);
  server->Enqueue(Answer(410));
  auto notifier = Notifier(server->base_url());
  notifier->Notify(Invoked());
  EXPECT_EQ(server->request_count(), 1u);
  const store::Notification stored = Get("1");
  EXPECT_EQ(stored.state, NotificationState::kAbandoned);
  EXPECT_EQ(stored.last_error, "webhook " + server->base_url() + ": HTTP 410");

  server->Enqueue(Answer(200));
  EXPECT_EQ(notifier->DeliverDue(kT0 + hours(24)), DeliveryCounts{});
  EXPECT_EQ(Notifier(server->base_url())->DeliverDue(kT0 + hours(24)), DeliveryCounts{});
  EXPECT_EQ(server->request_count(), 1u);
}

// The webhook is down while one command runs; a later command, with the webhook back,
// sends what the first one left in the outbox.
TEST_F(OutboxWebhookTest, WhileTheServerIsDownItWaitsForALaterCommand) {
  const int port = ClosedPort();
  Notifier("http://127.0.0.1:" + std::to_string(port) + "/hook")->Notify(Invoked());
  store::Notification stored = Get("1");
  EXPECT_EQ(stored.state, NotificationState::kPending);
  EXPECT_EQ(stored.next_attempt_at, kT0 + seconds(30));
  EXPECT_TRUE(
      stored.last_error.starts_with("webhook http://127.0.0.1:" + std::to_string(port) + ": "))
      << stored.last_error;

  auto server = Server();
  ASSERT_NE(server, nullptr);
  server->Enqueue(Answer(202));
  auto later = Notifier(server->base_url() + "/hook");
  EXPECT_EQ(later->DeliverDue(kT0 + seconds(29)), DeliveryCounts{});
  EXPECT_EQ(server->request_count(), 0u);
  clock_.Set(kT0 + seconds(30));
  DeliveryCounts delivered;
  delivered.delivered = 1;
  EXPECT_EQ(later->DeliverDue(kT0 + seconds(30)), delivered);

  const auto requests = server->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body, NotificationBody(Invoked()));
  EXPECT_EQ(aws::FindHeader(requests[0].headers, "X-Sentinel-Signature"),
            "sha256=" + HexHmacSha256("hook-secret", requests[0].body));
  EXPECT_EQ(Get("1").state, NotificationState::kDelivered);
}

// SPEC 10: break-glass succeeds even when every channel is down. Notify must come back
// promptly; the bound is generous so a loaded machine does not make it flaky.
TEST_F(OutboxWebhookTest, NotifyReturnsPromptlyWhenEveryChannelIsDown) {
  aws::CurlHttpClient http(DeliveryHttpOptions());  // real pauses between attempts
  const std::string closed = "http://127.0.0.1:" + std::to_string(ClosedPort());
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(std::move(*WebhookChannel::Create(http, closed + "/hook", std::nullopt)));
  auto sns = SnsChannel::Create(http, {closed, "us-east-1"}, clock_,
                                "arn:aws:sns:us-east-1:123456789012:sentinel",
                                []() -> Result<aws::Credentials> { return kAnyKeys; });
  ASSERT_TRUE(sns.has_value());
  channels.push_back(std::move(*sns));
  OutboxNotifier notifier(*store_, std::move(channels), clock_);

  const auto started = steady_clock::now();
  notifier.Notify(Invoked());
  const auto took = duration_cast<milliseconds>(steady_clock::now() - started);
  std::cout << "Notify with every channel down took " << took.count() << " ms\n";
  EXPECT_LT(took, seconds(5));

  for (const char* id : {"1", "2"}) {
    const store::Notification stored = Get(id);
    EXPECT_EQ(stored.state, NotificationState::kPending) << id;
    EXPECT_FALSE(stored.last_error.empty()) << id;
  }
}

// A server that accepts and never answers is the slowest way down: the first channel
// costs its HTTP timeouts, and Notify's budget keeps the second from adding its own.
TEST_F(OutboxWebhookTest, NotifyStaysBoundedWhenChannelsHang) {
  auto server = Server();
  ASSERT_NE(server, nullptr);
  for (int i = 0; i < 4; ++i) {
    CannedResponse hang = Answer(200);
    hang.delay = seconds(30);
    server->Enqueue(hang);
  }
  aws::CurlHttpClient http(DeliveryHttpOptions());
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(
      std::move(*WebhookChannel::Create(http, server->base_url() + "/hook", std::nullopt)));
  auto sns = SnsChannel::Create(http, {server->base_url(), "us-east-1"}, clock_,
                                "arn:aws:sns:us-east-1:123456789012:sentinel",
                                []() -> Result<aws::Credentials> { return kAnyKeys; });
  ASSERT_TRUE(sns.has_value());
  channels.push_back(std::move(*sns));
  OutboxNotifier notifier(*store_, std::move(channels), clock_);

  const auto started = steady_clock::now();
  notifier.Notify(Invoked());
  const auto took = duration_cast<milliseconds>(steady_clock::now() - started);
  std::cout << "Notify with a hung webhook and SNS took " << took.count() << " ms\n";
  EXPECT_LT(took, seconds(8));
  EXPECT_EQ(server->request_count(), 2u);  // the webhook's two attempts; SNS not tried
  for (const char* id : {"1", "2"}) {
    EXPECT_EQ(Get(id).state, NotificationState::kPending) << id;
  }
  EXPECT_EQ(Get("2").attempts, 0);
  EXPECT_EQ(Get("2").last_error, "");
}

class OutboxSnsMotoTest : public aws::test_support::MotoTest {};

TEST_F(OutboxSnsMotoTest, PublishesThroughTheOutboxAndAbandonsAnUnknownTopic) {
  TempDir dir;
  SystemClock clock;
  auto store = store::SqliteStore::Open(dir.path() / "sentinel.db", clock);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  aws::CurlHttpClient http(QuickOptions());
  aws::SnsClient sns(http, {endpoint(), "us-east-1"}, clock);
  auto topic = sns.CreateTopic(kAnyKeys, "sentinel-outbox");
  ASSERT_TRUE(topic.has_value()) << topic.error().message();

  auto notify_to = [&](const std::string& arn) {
    auto channel = SnsChannel::Create(http, {endpoint(), "us-east-1"}, clock, arn,
                                      []() -> Result<aws::Credentials> { return kAnyKeys; });
    ASSERT_TRUE(channel.has_value());
    std::vector<std::unique_ptr<Channel>> channels;
    channels.push_back(std::move(*channel));
    OutboxNotifier(**store, std::move(channels), clock).Notify(Invoked());
  };
  notify_to(*topic);
  notify_to("arn:aws:sns:us-east-1:123456789012:missing-topic");

  auto published = (*store)->GetNotification("1");
  ASSERT_TRUE(published.has_value());
  EXPECT_EQ(published->channel, "sns");
  EXPECT_EQ(published->state, NotificationState::kDelivered) << published->last_error;
  auto missing = (*store)->GetNotification("2");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->state, NotificationState::kAbandoned);
  EXPECT_TRUE(missing->last_error.starts_with(
      "sns topic arn:aws:sns:us-east-1:123456789012:missing-topic: sns Publish: NotFound: "))
      << missing->last_error;
}

}  // namespace
}  // namespace sentinel::notify
