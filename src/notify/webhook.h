// The webhook channel: an HTTP POST of the notification document (SPEC 10).
#ifndef SENTINEL_NOTIFY_WEBHOOK_H_
#define SENTINEL_NOTIFY_WEBHOOK_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/settings.h"
#include "aws/http.h"
#include "core/error.h"
#include "core/secret.h"
#include "notify/channel.h"

namespace sentinel::notify {

inline constexpr std::string_view kWebhookChannel = "webhook";

// Reads the webhook signing secret from the environment variable that config
// `webhook_secret_env` names. Returns nullopt when no variable is configured (webhooks
// go unsigned, as configured). Fails with kInvalidInput, naming the variable but never a
// value, when the variable is configured but unset or empty: a missing secret must be a
// clear error, never an unsigned send.
[[nodiscard]] Result<std::optional<Secret>> LoadWebhookSecret(
    const std::optional<std::string>& secret_env, const app::EnvLookup& env);

// Returns the X-Sentinel-Signature value for `body`: "sha256=" and the lower-case hex
// HMAC-SHA256 of the body's exact bytes keyed with the secret. Fails with kInternal only
// when OpenSSL fails. The result lets anyone who sees it check guesses of the secret
// offline, so it is treated as a secret: never logged.
[[nodiscard]] Result<Secret> WebhookSignature(const Secret& secret, std::string_view body);

// Returns the part of a webhook URL that is safe to show: "https://hooks.example.com:8443".
// Scheme and host[:port] only: user info, path and query are dropped, since webhook URLs
// often carry their access token in the path (".../services/T0/B0/XXXX").
std::string WebhookLabel(std::string_view url);

// POSTs each notification document to one URL with headers
//   Content-Type: application/json
//   User-Agent: sentinel/<version>
//   X-Sentinel-Event: <type>
//   X-Sentinel-Delivery: <outbox id>        (when the notification was queued)
//   X-Sentinel-Signature: sha256=<hex HMAC>  (when a secret is configured)
// A 2xx answer is delivered. A transport failure, 5xx or 429 is retryable; the HttpClient
// does the in-process retries (CurlHttpClient: transport failures, 5xx, 429). Any other
// answer (3xx, since redirects are not followed, and 4xx) is permanent: the receiver
// refused this message and would refuse it again. Errors read
// "webhook <label>: HTTP 404: <start of the answer>" or "webhook <label>: <transport
// failure>", with the URL shown only as WebhookLabel shows it.
// Holds `http` by reference; it must outlive the channel. Used from one thread at a time.
class WebhookChannel final : public Channel {
 public:
  // Fails with kInvalidInput (not quoting the URL, which may hold a token) unless `url`
  // is an absolute http:// or https:// URL with a host.
  [[nodiscard]] static Result<std::unique_ptr<WebhookChannel>> Create(aws::HttpClient& http,
                                                                      std::string url,
                                                                      std::optional<Secret> secret);

  std::string_view name() const override { return kWebhookChannel; }

  [[nodiscard]] DeliveryResult Deliver(const Delivery& delivery) override;

 private:
  WebhookChannel(aws::HttpClient& http, std::string url, std::optional<Secret> secret);

  // The error for a failed delivery, with the URL's path scrubbed from `why`.
  DeliveryFailure Failure(std::string_view why, bool permanent) const;

  aws::HttpClient& http_;
  std::string url_;
  std::string label_;
  std::optional<Secret> secret_;
};

}  // namespace sentinel::notify

#endif  // SENTINEL_NOTIFY_WEBHOOK_H_
