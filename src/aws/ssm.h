// The AWS Systems Manager Parameter Store client: reads one parameter (the policy source).
#ifndef SENTINEL_AWS_SSM_H_
#define SENTINEL_AWS_SSM_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/http.h"
#include "core/clock.h"
#include "core/error.h"

namespace sentinel::aws {

// Where SSM requests go and how they are signed.
struct SsmEndpoint {
  std::string url;     // "https://ssm.eu-west-1.amazonaws.com" or "http://127.0.0.1:5000"
  std::string region;  // the SigV4 signing region
};

// One parameter as GetParameter returns it. `value` is decrypted when it was asked for
// with decryption; it is never logged or put in an error message.
struct SsmParameter {
  std::string name;   // "/sentinel/policies/default"
  std::string type;   // "String", "StringList" or "SecureString"
  std::string value;  // the parameter's text
  std::int64_t version = 0;
};

// Reads a GetParameter response of HTTP status `status`. A 2xx body must be a JSON object
// with Parameter.{Name, Type, Value (a string, may be empty), Version (a positive
// integer)}. An AWS error document ({"__type": "...#Code", "message": "..."}) becomes
// "ssm GetParameter: <Code>: <message>" with code kNotFound for ParameterNotFound and
// ParameterVersionNotFound, kInvalidInput for ValidationException and InvalidKeyId, and
// kUnavailable for every other code (AccessDeniedException, throttling, KMS errors,
// InternalServerError, ...). Anything else fails with kUnavailable "ssm GetParameter:
// unreadable response (HTTP <status>): <why>". Never throws; messages quote no value.
[[nodiscard]] Result<SsmParameter> ParseGetParameterResponse(long status, std::string_view body);

// Calls SSM's JSON 1.1 API (POST to "/", X-Amz-Target AmazonSSM.<Action>) signed with
// SigV4 for service "ssm". Fails with kInvalidInput for incomplete credentials, with
// kUnavailable (prefixed "ssm GetParameter <url>") for a transport failure, and as
// ParseGetParameterResponse says for an answer. No error message contains a secret key,
// session token, signature or parameter value.
// The client holds references: `http` and `clock` must outlive it. Not thread-safe
// (HttpClient is used from one thread at a time).
class SsmClient {
 public:
  SsmClient(HttpClient& http, SsmEndpoint endpoint, const Clock& clock);

  // The parameter `name` (a name starting with '/' or a plain name, up to 2048
  // characters) signed with `credentials`; SecureString values are decrypted when
  // `with_decryption` is set, which needs kms:Decrypt on the parameter's key.
  [[nodiscard]] Result<SsmParameter> GetParameter(const Credentials& credentials,
                                                  std::string_view name, bool with_decryption);

  const SsmEndpoint& endpoint() const { return endpoint_; }

 private:
  HttpClient& http_;
  SsmEndpoint endpoint_;
  const Clock& clock_;
};

// Builds, signs (at `now`) and sends one SSM JSON 1.1 call: POST of `body` to the
// endpoint's "/", with Content-Type application/x-amz-json-1.1 and X-Amz-Target
// "AmazonSSM.<action>". Returns the raw response of any HTTP status. Fails as
// SsmClient::GetParameter does before an answer arrives. Exposed for tests that set up
// parameters (PutParameter).
[[nodiscard]] Result<HttpResponse> SendSsmCall(HttpClient& http, const SsmEndpoint& endpoint,
                                               std::string_view action, std::string body,
                                               const Credentials& credentials, TimePoint now);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_SSM_H_
