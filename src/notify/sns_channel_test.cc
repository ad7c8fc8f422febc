#include "notify/sns_channel.h"

#include <gtest/gtest.h>

#include <string>

#include "aws/curl_http_client.h"
#include "aws/sns.h"
#include "aws/test_support/moto_server.h"

namespace sentinel::notify {
namespace {

const aws::Credentials kAnyKeys{
    "AKIAIOSFODNN7EXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"), Secret(), {}};

constexpr std::string_view kBody =
    R"({"type":"breakglass.closed","time":"2026-12-03T17:04:05Z","actor":"bob","event":{}})";

Delivery Closed() { return Delivery{"7", app::LifecycleEventType::kBreakGlassClosed, kBody}; }

CredentialsSource Keys() {
  return []() -> Result<aws::Credentials> { return kAnyKeys; };
}

class SnsChannelMotoTest : public aws::test_support::MotoTest {
 protected:
  std::unique_ptr<SnsChannel> Channel(const std::string& topic_arn) {
    auto channel = SnsChannel::Create(http_, {endpoint(), "us-east-1"}, clock_, topic_arn, Keys());
    EXPECT_TRUE(channel.has_value()) << channel.error().message();
    return channel ? std::move(*channel) : nullptr;
  }

  aws::CurlHttpClient http_;
  SystemClock clock_;
};

TEST_F(SnsChannelMotoTest, DeliversToAnExistingTopic) {
  aws::SnsClient sns(http_, {endpoint(), "us-east-1"}, clock_);
  auto topic = sns.CreateTopic(kAnyKeys, "sentinel-channel");
  ASSERT_TRUE(topic.has_value()) << topic.error().message();
  auto channel = Channel(*topic);
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->name(), "sns");
  auto delivered = channel->Deliver(Closed());
  EXPECT_TRUE(delivered.has_value()) << delivered.error().error.message();
}

TEST_F(SnsChannelMotoTest, UnknownTopicIsPermanent) {
  const std::string topic = "arn:aws:sns:us-east-1:123456789012:never-created";
  auto channel = Channel(topic);
  ASSERT_NE(channel, nullptr);
  auto got = channel->Deliver(Closed());
  ASSERT_FALSE(got.has_value());
  EXPECT_TRUE(got.error().permanent);
  EXPECT_TRUE(
      got.error().error.message().starts_with("sns topic " + topic + ": sns Publish: NotFound: "))
      << got.error().error.message();
}

TEST(SnsChannelTest, CreateRefusesAMalformedArnOrAFifoTopic) {
  aws::CurlHttpClient http;
  SystemClock clock;
  auto channel = SnsChannel::Create(http, {"http://127.0.0.1:1", "us-east-1"}, clock,
                                    "arn:aws:sns:us-east-1:sentinel", Keys());
  ASSERT_FALSE(channel.has_value());
  EXPECT_EQ(channel.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(channel.error().message(),
            "notify.sns_topic_arn: 'arn:aws:sns:us-east-1:sentinel' is not an SNS topic ARN "
            "(arn:aws:sns:REGION:ACCOUNT:NAME)");

  auto fifo = SnsChannel::Create(http, {"http://127.0.0.1:1", "us-east-1"}, clock,
                                 "arn:aws:sns:us-east-1:123456789012:events.fifo", Keys());
  ASSERT_FALSE(fifo.has_value());
  EXPECT_EQ(fifo.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(fifo.error().message(),
            "notify.sns_topic_arn: 'arn:aws:sns:us-east-1:123456789012:events.fifo' is a FIFO "
            "topic; sentinel publishes to standard topics only");
}

// Credentials that cannot be had now are the sender's problem, not the message's: a later
// command may have them, so these failures are retried, and nothing is sent meanwhile.
TEST(SnsChannelTest, MissingCredentialsAreRetryable) {
  aws::CurlHttpClient http;
  SystemClock clock;
  const std::string topic = "arn:aws:sns:us-east-1:123456789012:t";
  struct Case {
    CredentialsSource source;
    std::string error;
  };
  const Case cases[] = {
      {[]() -> Result<aws::Credentials> {
         return Fail(ErrorCode::kUnavailable, "credential_process exited 1");
       },
       "sns topic " + topic + ": getting credentials: credential_process exited 1"},
      {[]() -> Result<aws::Credentials> { return aws::Credentials{}; },
       "sns topic " + topic + ": the credentials lack an access key id or secret key"},
      {nullptr, "sns topic " + topic + ": no credentials source to sign with"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.error);
    // Port 1: were anything sent, it would fail differently.
    auto channel =
        SnsChannel::Create(http, {"http://127.0.0.1:1", "us-east-1"}, clock, topic, c.source);
    ASSERT_TRUE(channel.has_value());
    auto got = (*channel)->Deliver(Closed());
    ASSERT_FALSE(got.has_value());
    EXPECT_FALSE(got.error().permanent);
    EXPECT_EQ(got.error().error.code(), ErrorCode::kUnavailable);
    EXPECT_EQ(got.error().error.message(), c.error);
  }
}

}  // namespace
}  // namespace sentinel::notify
