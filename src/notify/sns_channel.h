// The SNS channel: publishing the notification document to a topic (SPEC 10).
#ifndef SENTINEL_NOTIFY_SNS_CHANNEL_H_
#define SENTINEL_NOTIFY_SNS_CHANNEL_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/sns.h"
#include "core/clock.h"
#include "core/error.h"
#include "notify/channel.h"

namespace sentinel::notify {

inline constexpr std::string_view kSnsChannel = "sns";

// Where the channel gets the credentials it signs with, asked once per delivery (so that
// resolving them, which may run a credential process, is only paid when something is
// sent, and a failure is just a failed delivery).
using CredentialsSource = std::function<Result<aws::Credentials>()>;

// Publishes each notification document as the Message of an SNS Publish to one topic,
// with the String message attribute event_type = <type> for subscription filters.
// Failures of the credentials source, transport failures, 5xx, throttling and expired or
// unrecognised credentials are retryable; every other AWS error (an unknown topic,
// AuthorizationError, InvalidParameter, ...) is permanent (aws::IsPermanentSnsError).
// Errors read "sns topic <ARN>: <why>". The ARN is not secret.
// Holds `http` and `clock` by reference; they must outlive the channel. Used from one
// thread at a time.
class SnsChannel final : public Channel {
 public:
  // Fails with kInvalidInput when `topic_arn` is not a topic ARN (aws::TopicArnRegion) or
  // names a FIFO topic (".fifo"), which needs message groups sentinel does not send.
  // `endpoint` should be the endpoint of the topic's region.
  [[nodiscard]] static Result<std::unique_ptr<SnsChannel>> Create(aws::HttpClient& http,
                                                                  aws::SnsEndpoint endpoint,
                                                                  const Clock& clock,
                                                                  std::string topic_arn,
                                                                  CredentialsSource credentials);

  std::string_view name() const override { return kSnsChannel; }

  [[nodiscard]] DeliveryResult Deliver(const Delivery& delivery) override;

 private:
  SnsChannel(aws::HttpClient& http, aws::SnsEndpoint endpoint, const Clock& clock,
             std::string topic_arn, CredentialsSource credentials);

  aws::SnsClient client_;
  std::string topic_arn_;
  CredentialsSource credentials_;
};

}  // namespace sentinel::notify

#endif  // SENTINEL_NOTIFY_SNS_CHANNEL_H_
