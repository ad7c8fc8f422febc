#include "notify/sns_channel.h"

#include <utility>

namespace sentinel::notify {
namespace {

DeliveryFailure Retryable(const Error& error, std::string_view context) {
  return DeliveryFailure{error.WithContext(context), false};
}

}  // namespace

Result<std::unique_ptr<SnsChannel>> SnsChannel::Create(aws::HttpClient& http,
                                                       aws::SnsEndpoint endpoint,
                                                       const Clock& clock, std::string topic_arn,
                                                       CredentialsSource credentials) {
  if (auto region = aws::TopicArnRegion(topic_arn); !region) {
    return Fail(region.error(), "notify.sns_topic_arn");
  }
  // A FIFO topic refuses a Publish without a message group, which would make every
  // notification a permanent failure; better said once, at setup.
  if (topic_arn.ends_with(".fifo")) {
    return Fail(ErrorCode::kInvalidInput,
                "notify.sns_topic_arn: '" + topic_arn +
                    "' is a FIFO topic; sentinel publishes to standard topics only");
  }
  return std::unique_ptr<SnsChannel>(new SnsChannel(http, std::move(endpoint), clock,
                                                    std::move(topic_arn), std::move(credentials)));
}

SnsChannel::SnsChannel(aws::HttpClient& http, aws::SnsEndpoint endpoint, const Clock& clock,
                       std::string topic_arn, CredentialsSource credentials)
    : client_(http, std::move(endpoint), clock),
      topic_arn_(std::move(topic_arn)),
      credentials_(std::move(credentials)) {}

DeliveryResult SnsChannel::Deliver(const Delivery& delivery) {
  const std::string context = "sns topic " + topic_arn_;
  if (!credentials_) {
    return std::unexpected(
        Retryable(Error(ErrorCode::kUnavailable, "no credentials source to sign with"), context));
  }
  auto credentials = credentials_();
  if (!credentials) {
    return std::unexpected(Retryable(credentials.error(), context + ": getting credentials"));
  }
  // Credentials that a later command may have complete are not the message's fault.
  if (credentials->access_key_id.empty() || credentials->secret_access_key.empty()) {
    return std::unexpected(Retryable(
        Error(ErrorCode::kUnavailable, "the credentials lack an access key id or secret key"),
        context));
  }

  const aws::SnsStringAttributes attributes = {
      {"event_type", std::string(app::LifecycleEventTypeName(delivery.type))}};
  auto published = client_.Publish(*credentials, topic_arn_, delivery.body, attributes);
  if (!published) {
    return std::unexpected(DeliveryFailure{published.error().WithContext(context),
                                           aws::IsPermanentSnsError(published.error())});
  }
  return {};
}

}  // namespace sentinel::notify
