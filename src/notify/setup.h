// Building the configured channels from the settings (SPEC 2 `notify`).
#ifndef SENTINEL_NOTIFY_SETUP_H_
#define SENTINEL_NOTIFY_SETUP_H_

#include <memory>
#include <optional>
#include <vector>

#include "app/settings.h"
#include "aws/http.h"
#include "aws/sns.h"
#include "core/clock.h"
#include "core/error.h"
#include "notify/channel.h"
#include "notify/sns_channel.h"

namespace sentinel::notify {

// What the channels need from the process that builds them. References must outlive the
// channels.
struct ChannelDeps {
  aws::HttpClient& http;  // e.g. a CurlHttpClient with DeliveryHttpOptions()
  const Clock& clock;
  app::EnvLookup env;  // for notify.webhook_secret_env
  // The SNS endpoint for the topic's region (aws::TopicArnRegion), when a topic is set;
  // nullopt when it could not be resolved.
  std::optional<aws::SnsEndpoint> sns_endpoint;
  CredentialsSource sns_credentials;
};

// The configured channels, and why any of them could not be set up.
struct Channels {
  std::vector<std::unique_ptr<Channel>> channels;
  std::vector<Error> problems;
};

// Builds a WebhookChannel when settings.webhook is set and an SnsChannel when
// settings.sns_topic_arn is set, in that order. A channel whose setup fails (a malformed
// URL or ARN, a webhook_secret_env naming an unset variable, no SNS endpoint) is replaced
// by an UnconfiguredChannel of the same name, so that its notifications are still queued
// and a later command with a working setup sends them, and its error (kInvalidInput,
// naming the setting) is added to `problems`. Callers report problems as configuration
// errors where that is safe, and as warnings where a refusal would do harm (break-glass).
Channels MakeChannels(const app::NotifySettings& settings, ChannelDeps deps);

}  // namespace sentinel::notify

#endif  // SENTINEL_NOTIFY_SETUP_H_
