#include "notify/setup.h"

#include <utility>

#include "notify/webhook.h"

namespace sentinel::notify {
namespace {

Result<std::unique_ptr<Channel>> MakeWebhook(const app::NotifySettings& settings,
                                             const ChannelDeps& deps) {
  auto secret = LoadWebhookSecret(settings.webhook_secret_env, deps.env);
  if (!secret) {
    return std::unexpected(secret.error());
  }
  auto channel = WebhookChannel::Create(deps.http, *settings.webhook, std::move(*secret));
  if (!channel) {
    return std::unexpected(channel.error());
  }
  return std::unique_ptr<Channel>(std::move(*channel));
}

Result<std::unique_ptr<Channel>> MakeSns(const app::NotifySettings& settings,
                                         const ChannelDeps& deps) {
  if (!deps.sns_endpoint) {
    return Fail(ErrorCode::kInvalidInput,
                "notify.sns_topic_arn: no SNS endpoint could be resolved for the topic");
  }
  auto channel = SnsChannel::Create(deps.http, *deps.sns_endpoint, deps.clock,
                                    *settings.sns_topic_arn, deps.sns_credentials);
  if (!channel) {
    return std::unexpected(channel.error());
  }
  return std::unique_ptr<Channel>(std::move(*channel));
}

void Add(Channels& out, std::string_view name, Result<std::unique_ptr<Channel>> channel) {
  if (channel) {
    out.channels.push_back(std::move(*channel));
    return;
  }
  out.problems.push_back(channel.error());
  out.channels.push_back(std::make_unique<UnconfiguredChannel>(std::string(name), channel.error()));
}

}  // namespace

Channels MakeChannels(const app::NotifySettings& settings, ChannelDeps deps) {
  Channels out;
  if (settings.webhook) {
    Add(out, kWebhookChannel, MakeWebhook(settings, deps));
  }
  if (settings.sns_topic_arn) {
    Add(out, kSnsChannel, MakeSns(settings, deps));
  }
  return out;
}

}  // namespace sentinel::notify
