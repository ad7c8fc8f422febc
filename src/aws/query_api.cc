#include "aws/query_api.h"

#include "aws/sigv4.h"

namespace sentinel::aws {

std::string FormEncode(std::string_view text) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0F];
  }
  return out;
}

std::string QueryBody(std::string_view action, std::string_view version,
                      const QueryParams& params) {
  std::string body = "Action=" + FormEncode(action) + "&Version=" + FormEncode(version);
  for (const auto& [name, value] : params) {
    body += '&';
    body += FormEncode(name);
    body += '=';
    body += FormEncode(value);
  }
  return body;
}

std::string QueryApiUrl(std::string endpoint_url) {
  const std::size_t scheme = endpoint_url.find("://");
  const std::size_t authority = scheme == std::string::npos ? 0 : scheme + 3;
  if (endpoint_url.find_first_of("/?#", authority) == std::string::npos) {
    endpoint_url += '/';
  }
  return endpoint_url;
}

Error WithoutSecrets(const Error& error, const Credentials& credentials) {
  std::string message = error.message();
  for (const Secret* secret : {&credentials.secret_access_key, &credentials.session_token}) {
    const std::string& value = secret->Reveal();
    if (value.empty()) {
      continue;
    }
    // Searching on after the mask, so a secret that "***" contains cannot loop.
    for (std::size_t at = message.find(value); at != std::string::npos;
         at = message.find(value, at + 3)) {
      message.replace(at, value.size(), "***");
    }
  }
  return Error(error.code(), std::move(message), error.hint());
}

Result<HttpResponse> SendSignedCall(HttpClient& http, HttpRequest request, std::string_view call,
                                    std::string_view endpoint_url, const Credentials& credentials,
                                    const SigningParams& signing) {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Fail(
        ErrorCode::kInvalidInput,
        std::string(call) + ": the credentials to sign with lack an access key id or secret key");
  }
  const std::string context = std::string(call) + " " + RedactUrl(endpoint_url);
  if (auto signed_ok = SignRequest(request, credentials, signing); !signed_ok) {
    return Fail(WithoutSecrets(signed_ok.error(), credentials), context);
  }
  auto response = http.Send(request);
  if (!response) {
    return Fail(WithoutSecrets(response.error(), credentials), context);
  }
  return response;
}

Result<HttpResponse> SendQueryApiCall(HttpClient& http, const QueryApiTarget& target,
                                      std::string_view action, const QueryParams& params,
                                      const Credentials& credentials, TimePoint now) {
  HttpRequest request;
  request.method = "POST";
  request.url = QueryApiUrl(std::string(target.url));
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = QueryBody(action, target.api_version, params);
  const SigningParams signing{
      .region = std::string(target.region), .service = std::string(target.service), .time = now};
  return SendSignedCall(http, std::move(request),
                        std::string(target.service) + " " + std::string(action), target.url,
                        credentials, signing);
}

}  // namespace sentinel::aws
