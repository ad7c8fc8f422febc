#include "aws/curl_http_client.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <thread>
#include <utility>

#include "aws/net_library.h"
#include "version.h"

namespace sentinel::aws {
namespace {

// The AWS error codes that mean "slow down" rather than "this request is wrong".
constexpr std::array<std::string_view, 9> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "RequestThrottled",
    "SlowDown",
};

std::string_view TrimWhitespace(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// Returns the AWS error code in an error body: the first <Code> element of XML, or what
// follows the last '#' of JSON's "__type" ("com.amazonaws.dynamodb.v20120810#Throttling
// Exception"). Returns "" for anything else, malformed bodies included.
std::string AwsErrorCode(std::string_view body) {
  body = TrimWhitespace(body);
  if (body.starts_with('{')) {
    const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) {
      return {};
    }
    const auto type = json.find("__type");
    if (type == json.end() || !type->is_string()) {
      return {};
    }
    const std::string& text = type->get_ref<const std::string&>();
    return text.substr(text.rfind('#') + 1);
  }
  if (body.starts_with('<')) {
    pugi::xml_document document;
    if (!document.load_buffer(body.data(), body.size())) {
      return {};
    }
    const pugi::xml_node code = document.find_node(
        [](const pugi::xml_node& node) { return std::strcmp(node.name(), "Code") == 0; });
    return std::string(TrimWhitespace(code.child_value()));
  }
  return {};
}

// How a failed curl_easy_perform is reported and whether trying again may help.
struct TransportFailure {
  std::string_view what;
  bool retryable;
  ErrorCode code = ErrorCode::kUnavailable;
  // Whether libcurl's error buffer says more than curl_easy_strerror: for TLS it names what
  // was wrong with the peer (an unknown issuer, a host name the certificate does not cover).
  bool detailed = false;
};

TransportFailure ClassifyFailure(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return {"connect failed", true};
    case CURLE_OPERATION_TIMEDOUT:
      return {"timed out", true};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {"name resolution failed", true};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return {"connection broken", true};
    case CURLE_SSL_CONNECT_ERROR:
      return {"TLS handshake failed", true, ErrorCode::kUnavailable, true};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return {"TLS verification failed", false, ErrorCode::kUnavailable, true};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {"invalid URL", false, ErrorCode::kInvalidInput};
    default:
      return {"transfer failed", false};
  }
}

// What the callbacks fill during one attempt.
struct Transfer {
  HttpResponse response;
  std::size_t max_body_bytes = 0;
  bool body_too_large = false;
  char error_text[CURL_ERROR_SIZE] = {};  // libcurl's own account of a failure
};

// libcurl calls these from C: nothing may throw through them, so an allocation failure
// becomes a short count, which aborts the transfer.
std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (transfer->response.body.size() + bytes > transfer->max_body_bytes) {
    transfer->body_too_large = true;
    return 0;
  }
  try {
    transfer->response.body.append(data, bytes);
  } catch (...) {
    return 0;
  }
  return bytes;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  const std::string_view line = TrimWhitespace(std::string_view(data, bytes));
  try {
    HttpHeaders& headers = transfer->response.headers;
    if (line.starts_with("HTTP/")) {
      // A new status line: what came before belonged to an interim (100) response.
      headers.clear();
    } else if ((data[0] == ' ' || data[0] == '\t') && !headers.empty()) {
      headers.back().second.append(" ").append(line);
    } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
      headers.emplace_back(std::string(TrimWhitespace(line.substr(0, colon))),
                           std::string(TrimWhitespace(line.substr(colon + 1))));
    }
  } catch (...) {
    return 0;
  }
  return bytes;
}

Status ValidateHeaders(const HttpHeaders& headers) {
  for (const auto& [name, value] : headers) {
    if (name.empty() || name.find_first_of(":\r\n \t") != std::string::npos) {
      return Fail(ErrorCode::kInvalidInput, "invalid header name '" + name + "'");
    }
    // The value is not quoted: it may be a signature or a token.
    if (value.find_first_of("\r\n") != std::string::npos) {
      return Fail(ErrorCode::kInvalidInput, "header '" + name + "' has a line break in its value");
    }
  }
  return {};
}

using HeaderList = std::unique_ptr<curl_slist, void (*)(curl_slist*)>;

Result<HeaderList> BuildHeaderList(const CurlLibrary& curl, const HttpRequest& request) {
  std::vector<std::string> lines;
  for (const auto& [name, value] : request.headers) {
    // "Name;" is how libcurl is told to send a header with an empty value.
    lines.push_back(value.empty() ? name + ";" : name + ": " + value);
  }
  // A lone "Name:" removes a header libcurl would add by itself.
  if (FindHeader(request.headers, "Expect").empty()) {
    lines.emplace_back("Expect:");
  }
  if (FindHeader(request.headers, "Content-Type").empty()) {
    lines.emplace_back("Content-Type:");
  }

  curl_slist* list = nullptr;
  for (const std::string& line : lines) {
    curl_slist* appended = curl.slist_append(list, line.c_str());
    if (appended == nullptr) {
      curl.slist_free_all(list);
      return Fail(ErrorCode::kInternal, "building the header list: out of memory");
    }
    list = appended;
  }
  return HeaderList(list, curl.slist_free_all);
}

// Sets every option of one request on a freshly reset handle. The request, the header
// list and the transfer must outlive the transfer.
Status Configure(const CurlLibrary& curl, CURL* easy, const HttpRequest& request,
                 curl_slist* headers, Transfer* transfer, const CurlHttpClientOptions& options) {
  curl.easy_reset(easy);  // keeps the connection cache, so keep-alive survives
  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) {
      code = curl.easy_setopt(easy, option, value);
    }
  };
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_NOSIGNAL, 1L);  // timeouts must not use SIGALRM in a threaded program
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(options.attempt_timeout.count()));
  set(CURLOPT_USERAGENT, "sentinel/" SENTINEL_VERSION);
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_bundle.empty()) {
    set(CURLOPT_CAINFO, options.ca_bundle.c_str());
  }
  set(CURLOPT_HTTPHEADER, headers);
  set(CURLOPT_WRITEFUNCTION, &OnBody);
  set(CURLOPT_WRITEDATA, static_cast<void*>(transfer));
  set(CURLOPT_HEADERFUNCTION, &OnHeader);
  set(CURLOPT_HEADERDATA, static_cast<void*>(transfer));
  set(CURLOPT_ERRORBUFFER, transfer->error_text);
  if (request.method == "GET" && request.body.empty()) {
    set(CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else {
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    set(CURLOPT_POSTFIELDS, request.body.data());
    if (request.method != "POST") {
      set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }
  if (code != CURLE_OK) {
    return Fail(ErrorCode::kInternal,
                std::string("configuring libcurl: ") + curl.easy_strerror(code));
  }
  return {};
}

std::string Attempts(int count) {
  return count == 1 ? "1 attempt" : std::to_string(count) + " attempts";
}

}  // namespace

struct CurlHttpClient::Handle {
  const CurlLibrary* curl = nullptr;  // set together with easy
  CURL* easy = nullptr;
  ~Handle() {
    if (easy != nullptr) {
      curl->easy_cleanup(easy);
    }
  }
};

bool IsRetryableResponse(const HttpResponse& response) {
  if (response.status >= 500 || response.status == 429) {
    return true;
  }
  if (response.status != 400) {
    return false;
  }
  const std::string code = AwsErrorCode(response.body);
  return std::ranges::find(kThrottlingCodes, code) != kThrottlingCodes.end();
}

CurlHttpClient::CurlHttpClient(CurlHttpClientOptions options)
    : options_(std::move(options)), handle_(std::make_unique<Handle>()) {
  std::uint64_t seed =
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  try {
    seed ^= std::random_device()();
  } catch (...) {
    // Jitter only spreads retries out; a clock seed is good enough for that.
  }
  random_.seed(seed);
}

CurlHttpClient::~CurlHttpClient() = default;

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  const std::string target = request.method + " " + RedactUrl(request.url);
  if (auto valid = ValidateHeaders(request.headers); !valid) {
    return Fail(valid.error(), target);
  }
  if (auto ready = EnsureHandle(); !ready) {
    return Fail(ready.error(), target);
  }
  const CurlLibrary& curl = *handle_->curl;
  auto headers = BuildHeaderList(curl, request);
  if (!headers) {
    return Fail(headers.error(), target);
  }
  Transfer transfer;
  transfer.max_body_bytes = options_.max_response_bytes;
  if (auto configured =
          Configure(curl, handle_->easy, request, headers->get(), &transfer, options_);
      !configured) {
    return Fail(configured.error(), target);
  }

  const int max_attempts = std::max(1, options_.max_attempts);
  for (int attempt = 1;; ++attempt) {
    transfer.response = HttpResponse{};
    transfer.body_too_large = false;
    const CURLcode code = curl.easy_perform(handle_->easy);

    if (code == CURLE_OK) {
      curl.easy_getinfo(handle_->easy, CURLINFO_RESPONSE_CODE, &transfer.response.status);
      Debug(request, attempt, "status " + std::to_string(transfer.response.status));
      if (!IsRetryableResponse(transfer.response) || attempt == max_attempts) {
        return std::move(transfer.response);
      }
    } else {
      TransportFailure failure = ClassifyFailure(code);
      std::string reason = curl.easy_strerror(code);
      if (failure.detailed && transfer.error_text[0] != '\0') {
        reason = transfer.error_text;
      }
      if (transfer.body_too_large) {
        failure = {"response too large", false};
        reason = "body over " + std::to_string(options_.max_response_bytes) + " bytes";
      }
      Debug(request, attempt, failure.what);
      if (!failure.retryable || attempt == max_attempts) {
        return Fail(failure.code, target + ": " + std::string(failure.what) + ": " + reason +
                                      " (after " + Attempts(attempt) + ")");
      }
    }

    Pause(attempt);
  }
}

Status CurlHttpClient::EnsureHandle() {
  if (handle_->easy != nullptr) {
    return {};
  }
  auto curl = LoadCurlLibrary();
  if (!curl) {
    return std::unexpected(curl.error());
  }
  handle_->curl = *curl;
  handle_->easy = (*curl)->easy_init();
  if (handle_->easy == nullptr) {
    return Fail(ErrorCode::kInternal, "creating a libcurl handle failed");
  }
  return {};
}

void CurlHttpClient::Pause(int attempt) {
  const std::chrono::milliseconds pause = Backoff(attempt);
  if (options_.sleep) {
    options_.sleep(pause);
  } else {
    std::this_thread::sleep_for(pause);
  }
}

std::chrono::milliseconds CurlHttpClient::Backoff(int attempt) {
  // Doubling stops once the cap is reached, so many attempts cannot overflow it.
  std::chrono::milliseconds ceiling = std::max(options_.backoff_base, std::chrono::milliseconds(0));
  for (int i = 1; i < attempt && ceiling < options_.backoff_cap; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, options_.backoff_cap);
  if (ceiling.count() <= 0) {
    return std::chrono::milliseconds(0);
  }
  std::uniform_int_distribution<std::chrono::milliseconds::rep> jitter(0, ceiling.count());
  return std::chrono::milliseconds(jitter(random_));
}

void CurlHttpClient::Debug(const HttpRequest& request, int attempt,
                           std::string_view outcome) const {
  if (!options_.debug) {
    return;
  }
  options_.debug(request.method + " " + RedactUrl(request.url) + " attempt " +
                 std::to_string(attempt) + "/" +
                 std::to_string(std::max(1, options_.max_attempts)) + ": " + std::string(outcome));
}

}  // namespace sentinel::aws
