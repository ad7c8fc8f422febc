// The HTTP seam: AWS clients send requests through HttpClient so tests can fake it.
#ifndef SENTINEL_AWS_HTTP_H_
#define SENTINEL_AWS_HTTP_H_

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace sentinel::aws {

// Header names keep the case they were given; lookups are case-insensitive.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // "GET", "POST", ...
  std::string url;             // absolute: "https://sts.eu-west-1.amazonaws.com/?a=b"
  HttpHeaders headers;
  std::string body;
};

struct HttpResponse {
  long status = 0;  // HTTP status code
  HttpHeaders headers;
  std::string body;
};

// Returns whether two header names are equal, ignoring ASCII case.
bool HeaderNameEquals(std::string_view a, std::string_view b);

// Returns the value of the first header named `name` (case-insensitive), or "" if absent.
std::string FindHeader(const HttpHeaders& headers, std::string_view name);

// Returns `url` without user info, query string and fragment ("https://h/p?X-Amz-..." ->
// "https://h/p"), for error and debug messages: presigned URLs carry a signature and a
// session token in their query, and user info carries a password.
std::string RedactUrl(std::string_view url);

// Sends HTTP requests. An HTTP response of any status is a success of Send(); only a
// transport failure (DNS, connect, TLS, timeout) is an Error with code kUnavailable.
// Implementations are safe to use from one thread at a time.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  [[nodiscard]] virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_HTTP_H_
