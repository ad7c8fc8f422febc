#include "aws/test_support/test_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

namespace sentinel::aws::test_support {
namespace {

// How often blocked loops look at the stop flag; short, so destructors return quickly.
constexpr int kPollMillis = 20;

std::string_view ReasonPhrase(long status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// Writes all of `data`; false when the peer is gone. MSG_NOSIGNAL keeps a client that
// hung up (after its timeout, say) from killing the test binary with SIGPIPE.
bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) {
      continue;
    }
    if (sent <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// Parses the request line and headers of `head` (which excludes the blank line).
std::optional<RecordedRequest> ParseHead(std::string_view head) {
  RecordedRequest request;
  std::size_t line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const std::size_t first_space = request_line.find(' ');
  const std::size_t last_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return std::nullopt;
  }
  request.method = request_line.substr(0, first_space);
  request.target = request_line.substr(first_space + 1, last_space - first_space - 1);

  while (line_end != std::string_view::npos) {
    const std::size_t begin = line_end + 2;
    line_end = head.find("\r\n", begin);
    const std::string_view line = head.substr(begin, line_end - begin);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return std::nullopt;
    }
    request.headers.emplace_back(line.substr(0, colon), Trim(line.substr(colon + 1)));
  }
  return request;
}

// A response that refuses an unusable request and closes the connection.
CannedResponse Rejection(long status, std::string body) {
  return {.status = status,
          .headers = {},
          .body = std::move(body),
          .delay = {},
          .close_connection = true};
}

std::string FormatResponse(const CannedResponse& response) {
  std::string text = "HTTP/1.1 " + std::to_string(response.status) + " " +
                     std::string(ReasonPhrase(response.status)) + "\r\n";
  for (const auto& [name, value] : response.headers) {
    text.append(name).append(": ").append(value).append("\r\n");
  }
  if (FindHeader(response.headers, "Content-Length").empty()) {
    text.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n");
  }
  if (response.close_connection) {
    text.append("Connection: close\r\n");
  }
  text.append("\r\n").append(response.body);
  return text;
}

}  // namespace

Result<std::unique_ptr<TestHttpServer>> TestHttpServer::Start() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Fail(ErrorCode::kUnavailable,
                std::string("test http server: socket: ") + std::strerror(errno));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    ::close(fd);
    return Fail(ErrorCode::kUnavailable,
                std::string("test http server: binding 127.0.0.1: ") + std::strerror(error));
  }
  return std::unique_ptr<TestHttpServer>(new TestHttpServer(fd, ntohs(address.sin_port)));
}

TestHttpServer::TestHttpServer(int listen_fd, int port)
    : listen_fd_(listen_fd), port_(port), accept_thread_([this] { AcceptLoop(); }) {}

TestHttpServer::~TestHttpServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopped_.notify_all();
  accept_thread_.join();
  // The accept thread is gone, so no connection thread can be added any more.
  for (std::thread& thread : connection_threads_) {
    thread.join();
  }
  ::close(listen_fd_);
}

std::string TestHttpServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void TestHttpServer::Enqueue(CannedResponse response) {
  std::lock_guard lock(mutex_);
  queue_.push_back(std::move(response));
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t TestHttpServer::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

std::size_t TestHttpServer::connection_count() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

void TestHttpServer::AcceptLoop() {
  while (!stopping_) {
    pollfd ready{.fd = listen_fd_, .events = POLLIN, .revents = 0};
    if (::poll(&ready, 1, kPollMillis) <= 0) {
      continue;
    }
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    std::lock_guard lock(mutex_);
    ++connections_;
    connection_threads_.emplace_back([this, fd] { ServeConnection(fd); });
  }
}

CannedResponse TestHttpServer::NextResponse() {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) {
    return CannedResponse{.status = 404,
                          .headers = {},
                          .body = "test http server: no canned response",
                          .delay = {},
                          .close_connection = false};
  }
  CannedResponse response = std::move(queue_.front());
  queue_.pop_front();
  return response;
}

bool TestHttpServer::WaitUnlessStopped(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !stopped_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

bool TestHttpServer::ReadMore(int fd, std::string& buffer) {
  char chunk[4096];
  while (!stopping_) {
    pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
    if (::poll(&ready, 1, kPollMillis) <= 0) {
      continue;
    }
    const ssize_t got = ::recv(fd, chunk, sizeof(chunk), 0);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return false;
    }
    buffer.append(chunk, static_cast<std::size_t>(got));
    return true;
  }
  return false;
}

TestHttpServer::ReadOutcome TestHttpServer::ReadRequest(int fd, std::string& buffer) {
  std::size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadMore(fd, buffer)) {
      return {};
    }
  }
  std::optional<RecordedRequest> request = ParseHead(std::string_view(buffer).substr(0, head_end));
  buffer.erase(0, head_end + 4);
  if (!request) {
    return {.request = std::nullopt, .rejection = Rejection(400, "malformed request")};
  }
  if (!FindHeader(request->headers, "Transfer-Encoding").empty()) {
    return {.request = std::nullopt,
            .rejection = Rejection(501, "chunked bodies are not supported")};
  }
  const std::string length_text = FindHeader(request->headers, "Content-Length");
  std::size_t length = 0;
  if (!length_text.empty() &&
      std::from_chars(length_text.data(), length_text.data() + length_text.size(), length).ec !=
          std::errc()) {
    return {.request = std::nullopt, .rejection = Rejection(400, "bad Content-Length")};
  }

  if (HeaderNameEquals(FindHeader(request->headers, "Expect"), "100-continue")) {
    SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n");
  }
  while (buffer.size() < length) {
    if (!ReadMore(fd, buffer)) {
      return {};
    }
  }
  request->body = buffer.substr(0, length);
  buffer.erase(0, length);
  return {.request = std::move(request), .rejection = std::nullopt};
}

void TestHttpServer::ServeConnection(int fd) {
  std::string buffer;  // bytes received but not yet consumed: requests may be pipelined
  while (true) {
    ReadOutcome outcome = ReadRequest(fd, buffer);
    if (outcome.rejection) {
      SendAll(fd, FormatResponse(*outcome.rejection));
    }
    if (!outcome.request) {
      break;
    }
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(*outcome.request));
    }
    const CannedResponse response = NextResponse();
    if (response.delay.count() > 0 && !WaitUnlessStopped(response.delay)) {
      break;
    }
    if (!SendAll(fd, FormatResponse(response)) || response.close_connection) {
      break;
    }
  }
  ::close(fd);
}

}  // namespace sentinel::aws::test_support
