#include "notify/webhook.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "aws/crypto.h"
#include "aws/printable.h"
#include "version.h"

namespace sentinel::notify {
namespace {

constexpr std::size_t kMaxAnswerInError = 200;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The authority of an absolute URL ("user@host:1" in "http://user@host:1/p"), or "" when
// there is no "://".
std::string_view Authority(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return {};
  }
  const std::size_t begin = scheme_end + 3;
  const std::size_t end = std::min(url.find_first_of("/?#", begin), url.size());
  return url.substr(begin, end - begin);
}

bool IsUsableUrl(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return false;
  }
  const std::string scheme = Lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return false;
  }
  std::string_view host = Authority(url);
  if (const std::size_t at = host.rfind('@'); at != std::string_view::npos) {
    host.remove_prefix(at + 1);
  }
  if (host.empty() || host.front() == ':') {
    return false;
  }
  return std::ranges::none_of(url, [](unsigned char c) { return c <= 0x20 || c == 0x7F; });
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  if (from.empty()) {
    return;
  }
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The path (when longer than "/") and the query of `url`, either of which may carry an
// access token.
std::array<std::string_view, 2> UrlSecretParts(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return {};
  }
  url = url.substr(0, url.find('#'));
  const std::size_t path_begin = std::min(url.find_first_of("/?", scheme_end + 3), url.size());
  const std::size_t query_begin = std::min(url.find('?', path_begin), url.size());
  std::string_view path = url.substr(path_begin, query_begin - path_begin);
  std::string_view query = url.substr(std::min(query_begin + 1, url.size()));
  return {path.size() > 1 ? path : std::string_view(), query};
}

}  // namespace

Result<std::optional<Secret>> LoadWebhookSecret(const std::optional<std::string>& secret_env,
                                                const app::EnvLookup& env) {
  if (!secret_env) {
    return std::optional<Secret>();
  }
  std::optional<std::string> value = env(*secret_env);
  if (!value || value->empty()) {
    return Fail(ErrorCode::kInvalidInput,
                "notify.webhook_secret_env names " + *secret_env +
                    ", which is not set: refusing to send webhooks unsigned",
                "export " + *secret_env +
                    " with the webhook's signing secret, or remove "
                    "webhook_secret_env from the configuration");
  }
  return std::optional<Secret>(Secret(std::move(*value)));
}

Result<Secret> WebhookSignature(const Secret& secret, std::string_view body) {
  auto mac = aws::HmacSha256(secret.Reveal(), body);
  if (!mac) {
    return Fail(mac.error(), "signing a webhook body");
  }
  return Secret("sha256=" + aws::LowerHex(*mac));
}

std::string WebhookLabel(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return "(not a URL)";
  }
  std::string_view host = Authority(url);
  if (const std::size_t at = host.rfind('@'); at != std::string_view::npos) {
    host.remove_prefix(at + 1);
  }
  return aws::Printable(url.substr(0, scheme_end + 3), 16) + aws::Printable(host, 256);
}

Result<std::unique_ptr<WebhookChannel>> WebhookChannel::Create(aws::HttpClient& http,
                                                               std::string url,
                                                               std::optional<Secret> secret) {
  if (!IsUsableUrl(url)) {
    return Fail(ErrorCode::kInvalidInput,
                "notify.webhook must be an absolute http:// or https:// URL with a host");
  }
  return std::unique_ptr<WebhookChannel>(
      new WebhookChannel(http, std::move(url), std::move(secret)));
}

WebhookChannel::WebhookChannel(aws::HttpClient& http, std::string url, std::optional<Secret> secret)
    : http_(http), url_(std::move(url)), label_(WebhookLabel(url_)), secret_(std::move(secret)) {}

DeliveryResult WebhookChannel::Deliver(const Delivery& delivery) {
  aws::HttpRequest request;
  request.method = "POST";
  request.url = url_;
  request.body = std::string(delivery.body);
  request.headers = {
      {"Content-Type", "application/json"},
      {"User-Agent", "sentinel/" SENTINEL_VERSION},
      {"X-Sentinel-Event", std::string(app::LifecycleEventTypeName(delivery.type))},
  };
  if (!delivery.id.empty()) {
    request.headers.emplace_back("X-Sentinel-Delivery", std::string(delivery.id));
  }
  if (secret_) {
    auto signature = WebhookSignature(*secret_, request.body);
    if (!signature) {
      return std::unexpected(Failure(signature.error().message(), false));
    }
    request.headers.emplace_back("X-Sentinel-Signature", signature->Reveal());
  }

  auto response = http_.Send(request);
  if (!response) {
    // A URL the HTTP client refuses outright will be refused every time.
    return std::unexpected(
        Failure(response.error().message(), response.error().code() == ErrorCode::kInvalidInput));
  }
  const long status = response->status;
  if (status >= 200 && status <= 299) {
    return {};
  }
  std::string why = "HTTP " + std::to_string(status);
  if (!response->body.empty()) {
    why += ": " + aws::Printable(response->body, kMaxAnswerInError);
  }
  const bool retryable = status >= 500 || status == 429;
  return std::unexpected(Failure(why, !retryable));
}

DeliveryFailure WebhookChannel::Failure(std::string_view why, bool permanent) const {
  // The HTTP client names the URL without its query but with its path, and a receiver
  // may echo either; both may hold the webhook's token.
  std::string text(why);
  ReplaceAll(text, aws::RedactUrl(url_), label_);
  for (std::string_view secret_part : UrlSecretParts(url_)) {
    ReplaceAll(text, secret_part, "***");
  }
  const std::string prefix = "POST " + label_ + ": ";
  if (text.starts_with(prefix)) {
    text.erase(0, prefix.size());
  }
  return DeliveryFailure{Error(permanent ? ErrorCode::kInvalidInput : ErrorCode::kUnavailable,
                               "webhook " + label_ + ": " + text),
                         permanent};
}

}  // namespace sentinel::notify
