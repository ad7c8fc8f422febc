// A scripted HTTP/1.1 server on 127.0.0.1 for tests of code that talks HTTP: it answers
// with canned responses in order and records what it was sent. Compiled into the test
// binary only.
#ifndef SENTINEL_AWS_TEST_SUPPORT_TEST_HTTP_SERVER_H_
#define SENTINEL_AWS_TEST_SUPPORT_TEST_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aws/http.h"
#include "core/error.h"

namespace sentinel::aws::test_support {

// One response the server will send.
struct CannedResponse {
  long status = 200;
  // Sent as given. Content-Length is added unless present; so is "Connection: close"
  // when close_connection is set.
  HttpHeaders headers;
  std::string body;
  // How long the server waits, after reading the request, before it answers; a client
  // whose timeout is shorter sees a timeout. The wait ends early when the server stops.
  std::chrono::milliseconds delay{0};
  // Close the connection after this response instead of keeping it alive.
  bool close_connection = false;
};

// One request as the server received it.
struct RecordedRequest {
  std::string method;
  std::string target;   // the request line's target: path and query, "/a?b=c"
  HttpHeaders headers;  // in arrival order, names as sent, values trimmed
  std::string body;
};

// Serves canned responses, one per request and in the order they were queued, across any
// number of keep-alive connections; each connection runs on its own thread. When the queue
// is empty the server answers 404 with the body "test http server: no canned response",
// a status no client retries, so a test that queued too few responses fails plainly.
// Requests must carry their body with Content-Length (chunked bodies are answered 501);
// "Expect: 100-continue" is honoured. Every request is recorded before its answer is sent.
// All methods are thread-safe. The destructor stops serving, closes every connection and
// joins every thread, even in the middle of a delay.
class TestHttpServer {
 public:
  // Binds 127.0.0.1 on a port the kernel picks and starts serving. Fails with
  // kUnavailable when the socket cannot be created, bound or listened on.
  [[nodiscard]] static Result<std::unique_ptr<TestHttpServer>> Start();

  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  // The bound port.
  int port() const { return port_; }

  // "http://127.0.0.1:<port>", without a trailing slash.
  std::string base_url() const;

  // Appends a response to the queue.
  void Enqueue(CannedResponse response);

  // Returns a copy of every request received so far, in arrival order.
  std::vector<RecordedRequest> requests() const;

  // Returns how many requests were received so far.
  std::size_t request_count() const;

  // Returns how many TCP connections were accepted so far (a client that keeps its
  // connection alive opens one for many requests).
  std::size_t connection_count() const;

 private:
  TestHttpServer(int listen_fd, int port);

  // What reading one request from a connection produced: nothing when the connection
  // ended or the server stops, a rejection to send before closing when the request is
  // unusable, else the request.
  struct ReadOutcome {
    std::optional<RecordedRequest> request;
    std::optional<CannedResponse> rejection;
  };

  void AcceptLoop();
  void ServeConnection(int fd);
  ReadOutcome ReadRequest(int fd, std::string& buffer);
  // Appends whatever arrives next on `fd`; false on end of stream, error or stop.
  bool ReadMore(int fd, std::string& buffer);
  CannedResponse NextResponse();
  // Waits for `delay` or until the server stops; returns false when it stopped.
  bool WaitUnlessStopped(std::chrono::milliseconds delay);

  const int listen_fd_;
  const int port_;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  std::deque<CannedResponse> queue_;
  std::vector<RecordedRequest> requests_;
  std::size_t connections_ = 0;
  std::vector<std::thread> connection_threads_;

  std::thread accept_thread_;  // last: started after every other member exists
};

}  // namespace sentinel::aws::test_support

#endif  // SENTINEL_AWS_TEST_SUPPORT_TEST_HTTP_SERVER_H_
