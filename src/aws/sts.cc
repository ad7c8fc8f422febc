#include "aws/sts.h"

#include <string>
#include <utility>

#include "aws/aws_names.h"
#include "aws/printable.h"
#include "aws/query_api.h"
#include "aws/sigv4.h"
#include "aws/sts_xml.h"

namespace sentinel::aws {
namespace {

constexpr std::string_view kApiVersion = "2011-06-15";

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

template <typename T>
Result<T> Redacted(Result<T> result, const Credentials& credentials) {
  if (!result) {
    return std::unexpected(WithoutSecrets(result.error(), credentials));
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
  return SendQueryApiCall(http_, {"sts", kApiVersion, endpoint_.url, endpoint_.region}, action,
                          params, credentials, clock_.Now());
}

}  // namespace sentinel::aws
