#include "notify/setup.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "aws/curl_http_client.h"
#include "aws/test_support/test_http_server.h"
#include "notify/outbox.h"
#include "notify/test_support/outbox_fixtures.h"
#include "store/sqlite_store.h"

namespace sentinel::notify {
namespace {

using namespace std::chrono;
using aws::test_support::TestHttpServer;

const TimePoint kT0 = sys_days(2026y / December / 3) + hours(17);
const std::string kTopic = "arn:aws:sns:eu-west-1:123456789012:sentinel";

app::EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

class MakeChannelsTest : public ::testing::Test {
 protected:
  ChannelDeps Deps(app::EnvLookup env, std::optional<aws::SnsEndpoint> sns_endpoint = {}) {
    return ChannelDeps{http_, clock_, std::move(env), std::move(sns_endpoint),
                       []() -> Result<aws::Credentials> { return aws::Credentials{}; }};
  }

  static std::vector<std::string> Names(const Channels& built) {
    std::vector<std::string> names;
    for (const auto& channel : built.channels) {
      names.emplace_back(channel->name());
    }
    return names;
  }

  aws::CurlHttpClient http_;
  FakeClock clock_{kT0};
};

TEST_F(MakeChannelsTest, NothingConfiguredMeansNoChannels) {
  const Channels built = MakeChannels({}, Deps(Env({})));
  EXPECT_TRUE(built.channels.empty());
  EXPECT_TRUE(built.problems.empty());
}

TEST_F(MakeChannelsTest, BuildsEachConfiguredChannelInOrder) {
  app::NotifySettings settings;
  settings.webhook = "https://hooks.example.com/sentinel";
  settings.webhook_secret_env = "HOOK_KEY";
  settings.sns_topic_arn = kTopic;
  const Channels built = MakeChannels(
      settings, Deps(Env({{"HOOK_KEY", "k"}}),
                     aws::SnsEndpoint{"https://sns.eu-west-1.amazonaws.com", "eu-west-1"}));
  EXPECT_EQ(Names(built), (std::vector<std::string>{"webhook", "sns"}));
  EXPECT_TRUE(built.problems.empty());
}

// A channel that cannot be set up keeps its name, so its notifications are queued, and
// every delivery fails, retryably, with the setup error: nothing is sent, nothing lost.
TEST_F(MakeChannelsTest, AFailedSetupIsReportedAndKeepsItsPlace) {
  struct Case {
    app::NotifySettings settings;
    std::optional<aws::SnsEndpoint> endpoint;
    std::string problem;
  };
  app::NotifySettings unset_secret;
  unset_secret.webhook = "https://hooks.example.com/x";
  unset_secret.webhook_secret_env = "HOOK_KEY";
  app::NotifySettings bad_url;
  bad_url.webhook = "hooks.example.com";
  app::NotifySettings bad_arn;
  bad_arn.sns_topic_arn = "arn:aws:sns:eu-west-1:sentinel";
  app::NotifySettings no_endpoint;
  no_endpoint.sns_topic_arn = kTopic;
  const Case cases[] = {
      {unset_secret, std::nullopt,
       "notify.webhook_secret_env names HOOK_KEY, which is not set: refusing to send webhooks "
       "unsigned"},
      {bad_url, std::nullopt,
       "notify.webhook must be an absolute http:// or https:// URL with a host"},
      {bad_arn, aws::SnsEndpoint{"http://127.0.0.1:1", "eu-west-1"},
       "notify.sns_topic_arn: 'arn:aws:sns:eu-west-1:sentinel' is not an SNS topic ARN "
       "(arn:aws:sns:REGION:ACCOUNT:NAME)"},
      {no_endpoint, std::nullopt,
       "notify.sns_topic_arn: no SNS endpoint could be resolved for the topic"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.problem);
    Channels built = MakeChannels(c.settings, Deps(Env({}), c.endpoint));
    ASSERT_EQ(built.problems.size(), 1u);
    EXPECT_EQ(built.problems[0].code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(built.problems[0].message(), c.problem);
    ASSERT_EQ(built.channels.size(), 1u);
    EXPECT_EQ(built.channels[0]->name(), c.settings.webhook ? "webhook" : "sns");
    auto delivered =
        built.channels[0]->Deliver(Delivery{"1", app::LifecycleEventType::kRequestCreated, "{}"});
    ASSERT_FALSE(delivered.has_value());
    EXPECT_FALSE(delivered.error().permanent);
    EXPECT_EQ(delivered.error().error.message(), c.problem);
  }
}

// The on-call engineer's shell lacks the secret: the notification is queued, not sent
// unsigned; the next command with the secret sends it, signed.
TEST_F(MakeChannelsTest, AnUnsetSecretHoldsNotificationsUntilItIsSet) {
  auto server = TestHttpServer::Start();
  ASSERT_TRUE(server.has_value());
  test_support::TempDir dir;
  auto store = store::SqliteStore::Open(dir.path() / "sentinel.db", clock_);
  ASSERT_TRUE(store.has_value());
  app::NotifySettings settings;
  settings.webhook = (*server)->base_url() + "/hook";
  settings.webhook_secret_env = "HOOK_KEY";

  Channels without = MakeChannels(settings, Deps(Env({})));
  ASSERT_EQ(without.problems.size(), 1u);
  OutboxNotifier(**store, std::move(without.channels), clock_)
      .Notify({app::LifecycleEventType::kBreakGlassInvoked, kT0, "alice", {{"id", "e1"}}});
  EXPECT_EQ((*server)->request_count(), 0u);
  auto held = (*store)->GetNotification("1");
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->state, store::NotificationState::kPending);
  EXPECT_EQ(held->last_error, without.problems[0].message());

  Channels with = MakeChannels(settings, Deps(Env({{"HOOK_KEY", "k3y"}})));
  ASSERT_TRUE(with.problems.empty());
  (*server)->Enqueue({});
  OutboxNotifier later(**store, std::move(with.channels), clock_);
  EXPECT_EQ(later.DeliverDue(kT0 + seconds(30)).delivered, 1);
  const auto requests = (*server)->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(aws::FindHeader(requests[0].headers, "X-Sentinel-Signature"),
            "sha256=" + test_support::HexHmacSha256("k3y", requests[0].body));
}

}  // namespace
}  // namespace sentinel::notify
