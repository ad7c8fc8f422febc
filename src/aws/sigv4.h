// AWS Signature Version 4.
#ifndef SENTINEL_AWS_SIGV4_H_
#define SENTINEL_AWS_SIGV4_H_

#include <chrono>
#include <string>

#include "aws/credentials.h"
#include "aws/http.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/secret.h"

namespace sentinel::aws {

struct SigningParams {
  std::string region;          // "us-east-1"
  std::string service;         // "sts", "ssm", "dynamodb", "sns"
  TimePoint time;              // the request time; X-Amz-Date is derived from it
  bool normalize_path = true;  // false only for S3-style services
  // Every service but S3 wants the URL's path URI-encoded once more for the canonical
  // request; with false the path is used exactly as it appears in the URL.
  bool double_encode_path = true;
  // Header signing only: also add and sign X-Amz-Content-Sha256 (the hex SHA-256 of the
  // body). The payload hash in the canonical request is the body's hash either way.
  bool sign_body = false;
  // Add the session token after signing, so that it is sent but not covered by the
  // signature (a few services want it so). Ignored without a session token.
  bool omit_session_token = false;
};

// The intermediate results of one signing, for tests that check them against the AWS test
// vectors. The canonical request and the string to sign carry the session token when one
// is signed: like the signature, none of these may ever be logged.
struct SigningSteps {
  std::string canonical_request;
  std::string string_to_sign;
  Secret signature;  // lower-case hex
};

// Signs `request` in place with an Authorization header: adds X-Amz-Date and, for
// temporary credentials, X-Amz-Security-Token; adds Host (the URL's host[:port]) when
// absent, and X-Amz-Content-Sha256 only when params.sign_body is set (sts, ssm, dynamodb
// and sns do not want it). Headers left over from an earlier signing (Authorization,
// X-Amz-Date, X-Amz-Security-Token, X-Amz-Content-Sha256) are replaced, so a request may
// be signed again before a retry. Every other header is signed, except User-Agent, Expect,
// Connection, Transfer-Encoding and X-Amzn-Trace-Id, which proxies and HTTP stacks rewrite.
// The URL must be absolute http(s) without user info; its path and query are used as they
// appear (percent-escapes in the query are decoded, then encoded canonically).
// Fails with kInvalidInput when the URL cannot be parsed, its query holds a malformed
// percent-escape, or the credentials, region or service are empty; the request is then
// unchanged. Error messages name the method and the URL without its query string.
[[nodiscard]] Status SignRequest(HttpRequest& request, const Credentials& credentials,
                                 const SigningParams& params);

// As SignRequest above; when `steps` is not null it receives the intermediate results.
[[nodiscard]] Status SignRequest(HttpRequest& request, const Credentials& credentials,
                                 const SigningParams& params, SigningSteps* steps);

// Returns `request.url` presigned for query-string authentication: the URL (without any
// fragment) followed by X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders,
// X-Amz-Expires, X-Amz-Security-Token (with temporary credentials) and X-Amz-Signature.
// The signature covers the request's headers (with Host added from the URL when absent;
// the same exclusions as SignRequest) and the SHA-256 of its body, so whoever sends the URL
// must send those headers and that body with it. `expires` must lie in [1 s, 7 days].
// The returned URL is a secret: it grants access until it expires.
// Fails with kInvalidInput as SignRequest does, when `expires` is out of range, or when
// the URL already carries an X-Amz-Signature. When `steps` is not null it receives the
// intermediate results.
[[nodiscard]] Result<std::string> PresignUrl(const HttpRequest& request,
                                             const Credentials& credentials,
                                             const SigningParams& params,
                                             std::chrono::seconds expires,
                                             SigningSteps* steps = nullptr);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_SIGV4_H_
