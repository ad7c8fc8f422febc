#include "aws/sts.h"

#include <string>
#include <utility>

#include "aws/aws_names.h"
#include "aws/printable.h"
#include "aws/sigv4.h"
#include "aws/sts_xml.h"

namespace sentinel::aws {
namespace {

constexpr std::string_view kApiVersion = "2011-06-15";
constexpr std::string_view kContentType = "application/x-www-form-urlencoded; charset=utf-8";

// Percent-encodes everything but RFC 3986 unreserved characters, so that the body means
// the same to every form parser (no '+' for space, which some read literally).
void AppendFormEncoded(std::string& out, std::string_view text) {
  constexpr char kHex[] = "0123456789ABCDEF";
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
}

// A URL without a path gets "/", the path STS answers on, so the signed and the sent
// request agree.
std::string WithRootPath(std::string url) {
  const std::size_t scheme = url.find("://");
  const std::size_t authority = scheme == std::string::npos ? 0 : scheme + 3;
  if (url.find_first_of("/?#", authority) == std::string::npos) {
    url += '/';
  }
  return url;
}

bool IsExternalIdChar(char c) { return IsAwsNameChar(c) || c == ':' || c == '/'; }

std::unexpected<Error> InvalidParameter(std::string_view action, std::string_view what) {
  return Fail(ErrorCode::kInvalidInput, "sts " + std::string(action) + ": " + std::string(what));
}

Status ValidateDuration(std::string_view action, std::chrono::seconds duration,
                        std::chrono::seconds max) {
  if (duration < kMinSessionDuration || duration > max) {
    return InvalidParameter(action, "DurationSeconds " + std::to_string(duration.count()) +
                                        " is outside " +
                                        std::to_string(kMinSessionDuration.count()) + ".." +
                                        std::to_string(max.count()));
  }
  return {};
}

Status ValidateCredentials(std::string_view action, const Credentials& credentials) {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Fail(ErrorCode::kInvalidInput,
                "sts " + std::string(action) +
                    ": the credentials to sign with lack an access key id or secret key");
  }
  return {};
}

Status ValidateSourceIdentity(const std::string& source_identity) {
  // STS reserves the "aws:" prefix; the character rule already excludes ':', but the
  // reserved prefix deserves its own message.
  if (source_identity.size() >= 4 && (source_identity[0] | 0x20) == 'a' &&
      (source_identity[1] | 0x20) == 'w' && (source_identity[2] | 0x20) == 's' &&
      source_identity[3] == ':') {
    return InvalidParameter("AssumeRole", "SourceIdentity must not start with 'aws:'");
  }
  if (!IsAwsName(source_identity, 2, 64)) {
    return InvalidParameter("AssumeRole", "SourceIdentity '" + Printable(source_identity) +
                                              "' must be 2 to 64 characters of A-Z a-z 0-9 "
                                              "_ + = , . @ -");
  }
  return {};
}

// The ExternalId is quoted nowhere: some teams treat it as a shared secret.
Status ValidateExternalId(const std::string& external_id) {
  bool valid = external_id.size() >= 2 && external_id.size() <= 1224;
  for (char c : external_id) {
    valid = valid && IsExternalIdChar(c);
  }
  if (!valid) {
    return InvalidParameter("AssumeRole",
                            "ExternalId must be 2 to 1224 characters of A-Z a-z 0-9 "
                            "_ + = , . @ : / -");
  }
  return {};
}

// Removes every occurrence of the signing secrets from an error message. STS does not
// echo them, but a misbehaving endpoint could, and a secret must never reach the user's
// terminal or a log through an Error.
Error Redacted(const Error& error, const Credentials& credentials) {
  std::string message = error.message();
  for (const Secret* secret : {&credentials.secret_access_key, &credentials.session_token}) {
    const std::string& value = secret->Reveal();
    if (value.empty()) {
      continue;
    }
    for (std::size_t at = message.find(value); at != std::string::npos;
         at = message.find(value, at)) {
      message.replace(at, value.size(), "***");
    }
  }
  return Error(error.code(), std::move(message), error.hint());
}

template <typename T>
Result<T> Redacted(Result<T> result, const Credentials& credentials) {
  if (!result) {
    return std::unexpected(Redacted(result.error(), credentials));
  }
  return result;
}

}  // namespace

Status ValidateAssumeRoleInput(const AssumeRoleInput& input) {
  if (input.role_arn.size() < 20 || input.role_arn.size() > 2048 ||
      !input.role_arn.starts_with("arn:")) {
    return InvalidParameter("AssumeRole",
                            "RoleArn '" + Printable(input.role_arn) + "' is not a role ARN");
  }
  if (!IsAwsName(input.role_session_name, 2, 64)) {
    return InvalidParameter("AssumeRole", "RoleSessionName '" + Printable(input.role_session_name) +
                                              "' must be 2 to 64 characters of A-Z a-z 0-9 "
                                              "_ + = , . @ -");
  }
  if (auto status = ValidateDuration("AssumeRole", input.duration, kMaxAssumeRoleDuration);
      !status) {
    return status;
  }
  if (input.source_identity) {
    if (auto status = ValidateSourceIdentity(*input.source_identity); !status) {
      return status;
    }
  }
  if (input.external_id) {
    return ValidateExternalId(*input.external_id);
  }
  return {};
}

StsClient::StsClient(HttpClient& http, StsEndpoint endpoint, const Clock& clock)
    : http_(http), endpoint_(std::move(endpoint)), clock_(clock) {}

Result<CallerIdentity> StsClient::GetCallerIdentity(const Credentials& credentials) {
  auto response = Call("GetCallerIdentity", {}, credentials);
  if (!response) {
    return std::unexpected(response.error());
  }
  return Redacted(ParseGetCallerIdentityResponse(response->status, response->body), credentials);
}

Result<AssumedRole> StsClient::AssumeRole(const Credentials& credentials,
                                          const AssumeRoleInput& input) {
  if (auto valid = ValidateAssumeRoleInput(input); !valid) {
    return std::unexpected(valid.error());
  }
  Params params = {{"RoleArn", input.role_arn},
                   {"RoleSessionName", input.role_session_name},
                   {"DurationSeconds", std::to_string(input.duration.count())}};
  if (input.source_identity) {
    params.emplace_back("SourceIdentity", *input.source_identity);
  }
  if (input.external_id) {
    params.emplace_back("ExternalId", *input.external_id);
  }
  auto response = Call("AssumeRole", params, credentials);
  if (!response) {
    return std::unexpected(response.error());
  }
  return Redacted(ParseAssumeRoleResponse(response->status, response->body), credentials);
}

Result<Credentials> StsClient::GetSessionToken(const Credentials& credentials,
                                               std::chrono::seconds duration) {
  if (auto valid = ValidateDuration("GetSessionToken", duration, kMaxSessionTokenDuration);
      !valid) {
    return std::unexpected(valid.error());
  }
  auto response =
      Call("GetSessionToken", {{"DurationSeconds", std::to_string(duration.count())}}, credentials);
  if (!response) {
    return std::unexpected(response.error());
  }
  return Redacted(ParseGetSessionTokenResponse(response->status, response->body), credentials);
}

Result<HttpResponse> StsClient::Call(std::string_view action, const Params& params,
                                     const Credentials& credentials) {
  if (auto valid = ValidateCredentials(action, credentials); !valid) {
    return std::unexpected(valid.error());
  }

  HttpRequest request;
  request.method = "POST";
  request.url = WithRootPath(endpoint_.url);
  request.headers = {{"Content-Type", std::string(kContentType)}};
  request.body = "Action=";
  AppendFormEncoded(request.body, action);
  request.body += "&Version=";
  AppendFormEncoded(request.body, kApiVersion);
  for (const auto& [name, value] : params) {
    request.body += '&';
    AppendFormEncoded(request.body, name);
    request.body += '=';
    AppendFormEncoded(request.body, value);
  }

  const std::string context = "sts " + std::string(action) + " " + RedactUrl(endpoint_.url);
  const SigningParams signing{.region = endpoint_.region, .service = "sts", .time = clock_.Now()};
  if (auto signed_ok = SignRequest(request, credentials, signing); !signed_ok) {
    return Fail(Redacted(signed_ok.error(), credentials), context);
  }
  auto response = http_.Send(request);
  if (!response) {
    return Fail(Redacted(response.error(), credentials), context);
  }
  return response;
}

}  // namespace sentinel::aws
