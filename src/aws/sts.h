// The AWS Security Token Service client: who the caller is, and temporary credentials.
#ifndef SENTINEL_AWS_STS_H_
#define SENTINEL_AWS_STS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "aws/http.h"
#include "core/clock.h"
#include "core/error.h"

namespace sentinel::aws {

// Where STS requests go and how they are signed.
struct StsEndpoint {
  std::string url;     // "https://sts.eu-west-1.amazonaws.com" or "http://127.0.0.1:5000"
  std::string region;  // the SigV4 signing region, e.g. "eu-west-1"
};

// GetCallerIdentity's answer. None of it is secret.
struct CallerIdentity {
  std::string arn;      // "arn:aws:iam::123456789012:user/alice"
  std::string account;  // "123456789012"
  std::string user_id;  // "AIDA..." or "AROA...:session"

  friend bool operator==(const CallerIdentity&, const CallerIdentity&) = default;
};

// STS's bounds on AssumeRole's DurationSeconds.
inline constexpr std::chrono::seconds kMinSessionDuration{900};
inline constexpr std::chrono::seconds kMaxAssumeRoleDuration{43200};
// GetSessionToken allows up to 36 hours (for IAM users; AWS itself limits root to 1h).
inline constexpr std::chrono::seconds kMaxSessionTokenDuration{129600};

// The parameters of one AssumeRole call.
struct AssumeRoleInput {
  std::string role_arn;                        // "arn:aws:iam::123456789012:role/Admin"
  std::string role_session_name;               // 2..64 of [\w+=,.@-]
  std::chrono::seconds duration{3600};         // 900..43200 seconds
  std::optional<std::string> source_identity;  // 2..64 of [\w+=,.@-], not "aws:..."
  std::optional<std::string> external_id;      // 2..1224 of [\w+=,.@:/-]; not printed
};

// AssumeRole's answer: the temporary credentials (expiration always set) and the
// assumed-role principal they act as.
struct AssumedRole {
  Credentials credentials;
  std::string assumed_role_arn;  // "arn:aws:sts::123456789012:assumed-role/Admin/session"
  std::string assumed_role_id;   // "AROA...:session"
  std::optional<std::string> source_identity;  // as STS echoed it, when it did
};

// Checks `input` against STS's documented constraints before anything is sent, so a bad
// value is a usage error (kInvalidInput) naming the parameter, not an AWS round trip.
// Messages quote RoleSessionName and SourceIdentity but never the ExternalId.
[[nodiscard]] Status ValidateAssumeRoleInput(const AssumeRoleInput& input);

// Calls STS's Query API (POST, form-encoded, Version 2011-06-15) signed with SigV4 for
// service "sts". Every method signs with the Credentials it is given and returns:
//   - kInvalidInput for a parameter that fails validation, incomplete credentials, or an
//     AWS error that means the request itself was wrong (ValidationError,
//     InvalidParameterValue, MalformedPolicyDocument, PackedPolicyTooLarge);
//   - kUnavailable for a transport failure, any other AWS error (AccessDenied,
//     ExpiredToken, InvalidClientTokenId, SignatureDoesNotMatch, throttling, ...) and a
//     response that cannot be read.
// AWS errors read "sts <Action>: <Code>: <AWS message>", e.g.
// "sts AssumeRole: AccessDenied: User ... is not authorized to perform: sts:AssumeRole".
// No error message contains a secret key, session token or signature.
// The client holds references: `http` and `clock` must outlive it. Not thread-safe
// (HttpClient is used from one thread at a time).
class StsClient {
 public:
  StsClient(HttpClient& http, StsEndpoint endpoint, const Clock& clock);

  // Who `credentials` belong to.
  [[nodiscard]] Result<CallerIdentity> GetCallerIdentity(const Credentials& credentials);

  // Temporary credentials for `input.role_arn`, validated with ValidateAssumeRoleInput
  // first.
  [[nodiscard]] Result<AssumedRole> AssumeRole(const Credentials& credentials,
                                               const AssumeRoleInput& input);

  // Temporary credentials for the IAM user that `credentials` belong to, lasting
  // `duration` (900 s to 36 h; kInvalidInput outside).
  [[nodiscard]] Result<Credentials> GetSessionToken(const Credentials& credentials,
                                                    std::chrono::seconds duration);

  const StsEndpoint& endpoint() const { return endpoint_; }

 private:
  using Params = std::vector<std::pair<std::string, std::string>>;

  // Signs and sends one Query API call; returns the raw response for the parser.
  Result<HttpResponse> Call(std::string_view action, const Params& params,
                            const Credentials& credentials);

  HttpClient& http_;
  StsEndpoint endpoint_;
  const Clock& clock_;
};

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_STS_H_
