// The HttpClient that talks to the network, over libcurl, with retries.
#ifndef SENTINEL_AWS_CURL_HTTP_CLIENT_H_
#define SENTINEL_AWS_CURL_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <random>
#include <string_view>

#include "aws/http.h"
#include "core/error.h"

namespace sentinel::aws {

struct CurlHttpClientOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds attempt_timeout{10000};  // whole transfer, per attempt
  int max_attempts = 3;                              // values below 1 mean 1
  // Before attempt n+1 the client sleeps a random time in
  // [0, min(backoff_cap, backoff_base * 2^(n-1))] ("full jitter"), so that many clients
  // throttled together do not retry together.
  std::chrono::milliseconds backoff_base{100};
  std::chrono::milliseconds backoff_cap{2000};
  // A PEM file of the certificate authorities to trust for https, instead of the system's
  // (AWS_CA_BUNDLE or the profile's ca_bundle, as the AWS CLI reads them). Empty: the
  // system's bundle. Peers and host names are verified either way.
  std::string ca_bundle;
  // A response body larger than this fails the request (kUnavailable, not retried).
  std::size_t max_response_bytes = 16 * 1024 * 1024;
  // How the client waits between attempts; empty means std::this_thread::sleep_for.
  // Tests inject a recorder here.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Called once per attempt with one line naming the method, the URL without its query
  // string, the attempt number and the HTTP status or the kind of transport failure.
  // It never sees headers or bodies, which carry signatures and credentials.
  std::function<void(std::string_view)> debug;
};

// Returns whether `response` is worth sending the request again for: 5xx, 429, and the
// throttling errors AWS reports as 400 with an error code in an XML (<Code>) or JSON
// ("__type") body, such as Throttling, ThrottlingException, RequestLimitExceeded,
// TooManyRequestsException and ProvisionedThroughputExceededException. Other 4xx are
// never retried: the same request would fail the same way.
bool IsRetryableResponse(const HttpResponse& response);

// An HttpClient over one reused libcurl handle, so consecutive requests to one host share a
// kept-alive connection. Only http and https URLs are followed; redirects are not. Proxy
// settings come from libcurl's usual environment variables. Each request is tried up to
// max_attempts times: again after a transport failure that may pass (connect refused,
// timeout, DNS, connection reset) and after a retryable response (IsRetryableResponse).
// Requests are resent as they are, so a signed request keeps its signature time: attempts
// together must fit in SigV4's five-minute window, which the defaults do.
// After the last attempt a retryable response is returned as the response, so the caller
// can read the AWS error; a transport failure becomes kUnavailable with a message like
// "POST http://127.0.0.1:1/: connect failed: Couldn't connect to server (after 3
// attempts)": method and URL without its query string, never headers or bodies.
// A header name or value holding a line break, or a name holding ':' or whitespace, is
// refused with kInvalidInput before anything is sent; so is, after one attempt, a URL
// libcurl cannot parse or whose scheme is not http(s). libcurl is loaded and set up on the
// first request (LoadCurlLibrary in net_library.h); when it cannot be, every request fails
// with that loader's error after "<method> <url>: ", such as kUnavailable "loading
// libcurl.so.4: <dlerror>"; libcurl failing to initialise is kInternal. libcurl's default
// Content-Type and Expect headers are suppressed, so what is sent is what the request says. Not
// thread-safe: use one client per thread.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  [[nodiscard]] Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  struct Handle;  // the libcurl easy handle, kept out of this header

  // Loads libcurl (once per process) and creates the handle, on first use.
  [[nodiscard]] Status EnsureHandle();
  // The full-jitter wait before attempt `attempt` + 1.
  std::chrono::milliseconds Backoff(int attempt);
  // Sleeps for Backoff(attempt) through options_.sleep.
  void Pause(int attempt);
  void Debug(const HttpRequest& request, int attempt, std::string_view outcome) const;

  CurlHttpClientOptions options_;
  std::unique_ptr<Handle> handle_;
  std::mt19937_64 random_;
};

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_CURL_HTTP_CLIENT_H_
