// Pieces of the AWS Query API (form-encoded POST in, XML out) that its clients share.
#ifndef SENTINEL_AWS_QUERY_API_H_
#define SENTINEL_AWS_QUERY_API_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "core/clock.h"
#include "core/error.h"

namespace sentinel::aws {

// A call's parameters, in the order they are sent.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Returns `text` with every byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~)
// percent-encoded with upper-case hex, so that every form parser reads the same value ('+'
// is never used for a space, since some parsers keep it literally).
std::string FormEncode(std::string_view text);

// Returns the form body "Action=<action>&Version=<version>&<name>=<value>...", every name
// and value FormEncode'd.
std::string QueryBody(std::string_view action, std::string_view version, const QueryParams& params);

// Returns `endpoint_url` with "/" appended when it has no path ("http://h:1" -> "http://h:1/"),
// the path Query APIs answer on, so that the signed and the sent request agree.
std::string QueryApiUrl(std::string endpoint_url);

// Returns `error` with every occurrence of the credentials' secret key and session token
// replaced by "***". AWS does not echo them, but a misbehaving endpoint could, and a
// secret must never reach a terminal or a log through an Error.
Error WithoutSecrets(const Error& error, const Credentials& credentials);

// Signs `request` with `credentials` and `signing` and sends it; shared by the Query API
// and the JSON API clients. Returns the raw response of any HTTP status. Fails with
// kInvalidInput when the credentials lack a key id or secret key, and with the signer's or
// HTTP client's error, prefixed "<call> <endpoint_url>" (`call` is e.g. "sts AssumeRole";
// the URL without its query) and with any secret removed (WithoutSecrets).
Result<HttpResponse> SendSignedCall(HttpClient& http, HttpRequest request, std::string_view call,
                                    std::string_view endpoint_url, const Credentials& credentials,
                                    const SigningParams& signing);

// Where and how a Query API client sends its calls.
struct QueryApiTarget {
  std::string_view service;      // "sts", "sns": the SigV4 service and the message prefix
  std::string_view api_version;  // "2011-06-15"
  std::string_view url;          // the endpoint URL
  std::string_view region;       // the SigV4 signing region
};

// Builds, signs (at `now`) and sends one call: POST of QueryBody(action, ...) to
// QueryApiUrl(target.url). Returns the raw response of any HTTP status for the caller's
// parser. Fails with kInvalidInput when the credentials lack a key id or secret key, and
// with the signer's or HTTP client's error, prefixed "<service> <action> <url>" (the URL
// without its query) and with any secret removed (WithoutSecrets).
Result<HttpResponse> SendQueryApiCall(HttpClient& http, const QueryApiTarget& target,
                                      std::string_view action, const QueryParams& params,
                                      const Credentials& credentials, TimePoint now);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_QUERY_API_H_
