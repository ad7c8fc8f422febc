#include "aws/test_support/moto_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

extern char** environ;

namespace sentinel::aws::test_support {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kMaxStartAttempts = 3;
constexpr std::size_t kMaxRawResponse = 1 << 20;

std::string ErrnoText(int error) { return std::strerror(error); }

// Closes a descriptor at scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::optional<std::string> FindOnPath(std::string_view name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path == nullptr ? "/usr/local/bin:/usr/bin:/bin" : path;
  while (!dirs.empty()) {
    const std::size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    const std::string candidate = std::string(dir.empty() ? "." : dir) + "/" + std::string(name);
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Asks the kernel for a free loopback port by binding port 0. Another process could take
// the port before moto binds it; Start() retries when that happens.
Result<int> FreeLoopbackPort() {
  Fd sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) {
    return Fail(ErrorCode::kUnavailable, "moto: socket: " + ErrnoText(errno));
  }
  sockaddr_in address = Loopback(0);
  socklen_t size = sizeof(address);
  if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(sock.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return Fail(ErrorCode::kUnavailable, "moto: finding a free port: " + ErrnoText(errno));
  }
  return ntohs(address.sin_port);
}

// Sends one HTTP/1.0 request (so the server closes when done) and returns the raw
// response. A small client of its own keeps the fixture free of the code under test.
Result<std::string> RawHttp(int port, std::string_view request) {
  Fd sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) {
    return Fail(ErrorCode::kUnavailable, "socket: " + ErrnoText(errno));
  }
  const timeval timeout{5, 0};
  ::setsockopt(sock.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(sock.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  const sockaddr_in address = Loopback(port);
  if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    return Fail(ErrorCode::kUnavailable, "connect: " + ErrnoText(errno));
  }
  while (!request.empty()) {
    const ssize_t n = ::send(sock.get(), request.data(), request.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return Fail(ErrorCode::kUnavailable, "send: " + ErrnoText(errno));
    }
    request.remove_prefix(static_cast<std::size_t>(n));
  }
  std::string response;
  char buffer[4096];
  while (response.size() < kMaxRawResponse) {
    const ssize_t n = ::recv(sock.get(), buffer, sizeof(buffer), 0);
    if (n < 0) {
      return Fail(ErrorCode::kUnavailable, "recv: " + ErrnoText(errno));
    }
    if (n == 0) {
      break;
    }
    response.append(buffer, static_cast<std::size_t>(n));
  }
  return response;
}

// The status code of a raw HTTP response, or 0 when it is not one.
int StatusOf(std::string_view response) {
  if (!response.starts_with("HTTP/1.") || response.size() < 12) {
    return 0;
  }
  return std::atoi(std::string(response.substr(9, 3)).c_str());
}

// "K=V" strings for the child: this process's environment with `extra` added or replaced.
std::vector<std::string> ChildEnvironment(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view item = *entry;
    bool replaced = false;
    for (const auto& [name, value] : extra) {
      replaced = replaced || item.starts_with(name + "=");
    }
    if (!replaced) {
      env.emplace_back(item);
    }
  }
  for (const auto& [name, value] : extra) {
    env.push_back(name + "=" + value);
  }
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) {
    pointers.push_back(s.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

// Runs `program args` with output to `log_fd`, in a new process group, set to be killed if
// this thread's process dies first so that a crashed test run leaves no server behind.
// Everything the child needs is prepared before fork: after it only async-signal-safe
// calls are allowed.
Result<pid_t> Spawn(const std::string& program, std::vector<std::string> args,
                    std::vector<std::string> env, int log_fd) {
  std::vector<char*> argv = Pointers(args);
  std::vector<char*> envp = Pointers(env);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    return Fail(ErrorCode::kUnavailable, "moto: fork: " + ErrnoText(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
      ::_exit(127);
    }
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execve(program.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so the group exists whichever runs first
  return pid;
}

// Returns the exit status when `pid` has exited (and reaps it), else nullopt.
std::optional<int> ExitStatus(pid_t pid) {
  int status = 0;
  const pid_t done = ::waitpid(pid, &status, WNOHANG);
  if (done != pid) {
    return std::nullopt;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// True when `python` can import moto's server module.
bool MotoInstalled(const std::string& python) {
  Fd null_fd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  auto pid =
      Spawn(python, {python, "-c", "import moto.server"}, ChildEnvironment({}), null_fd.get());
  if (!pid) {
    return false;
  }
  int status = 0;
  while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

MotoServer::MotoServer(pid_t pid, int port, fs::path log_path)
    : pid_(pid), port_(port), log_path_(std::move(log_path)) {}

MotoServer::~MotoServer() {
  if (pid_ > 0) {
    // Signal only while the child is unreaped: until then its pid cannot be reused.
    if (::kill(-pid_, SIGTERM) != 0) {
      ::kill(pid_, SIGTERM);
    }
    const auto give_up = Clock::now() + std::chrono::seconds(5);
    bool reaped = ExitStatus(pid_).has_value();
    while (!reaped && Clock::now() < give_up) {
      std::this_thread::sleep_for(milliseconds(50));
      reaped = ExitStatus(pid_).has_value();
    }
    if (!reaped) {
      if (::kill(-pid_, SIGKILL) != 0) {
        ::kill(pid_, SIGKILL);
      }
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::error_code ignored;
  fs::remove(log_path_, ignored);
}

std::string MotoServer::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string MotoServer::LogTail(std::size_t max_bytes) const {
  std::ifstream in(log_path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  return all.size() <= max_bytes ? all : all.substr(all.size() - max_bytes);
}

Status MotoServer::Reset() {
  const std::string request =
      "POST /moto-api/reset HTTP/1.0\r\nHost: 127.0.0.1:" + std::to_string(port_) +
      "\r\nContent-Length: 0\r\n\r\n";
  auto response = RawHttp(port_, request);
  if (!response) {
    return Fail(response.error(), "moto: reset");
  }
  if (StatusOf(*response) != 200) {
    return Fail(ErrorCode::kUnavailable, "moto: reset answered " + response->substr(0, 40));
  }
  return {};
}

Result<std::unique_ptr<MotoServer>> MotoServer::Start(MotoServerOptions options) {
  const std::optional<std::string> python = FindOnPath("python3");
  if (!python) {
    return Fail(ErrorCode::kNotFound, "moto: python3 is not on PATH");
  }
  const auto deadline = Clock::now() + options.start_deadline;
  for (int attempt = 1; attempt <= kMaxStartAttempts; ++attempt) {
    auto port = FreeLoopbackPort();
    if (!port) {
      return std::unexpected(port.error());
    }
    char log_template[] = "/tmp/sentinel-moto-XXXXXX";
    Fd log_fd(::mkstemp(log_template));
    if (log_fd.get() < 0) {
      return Fail(ErrorCode::kUnavailable, "moto: creating a log file: " + ErrnoText(errno));
    }
    auto pid = Spawn(*python,
                     {*python, "-m", "moto.server", "-H", "127.0.0.1", "-p", std::to_string(*port)},
                     ChildEnvironment(options.environment), log_fd.get());
    if (!pid) {
      ::unlink(log_template);
      return std::unexpected(pid.error());
    }
    // Owned from here on, so every return below stops the process and removes the log.
    std::unique_ptr<MotoServer> server(new MotoServer(*pid, *port, log_template));
    const std::string probe =
        "GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1:" + std::to_string(*port) + "\r\n\r\n";
    for (;;) {
      if (const std::optional<int> status = ExitStatus(*pid)) {
        server->pid_ = -1;
        const std::string tail = server->LogTail();
        if (tail.find("Address already in use") != std::string::npos) {
          break;  // lost the port to another process: try another
        }
        if (!MotoInstalled(*python)) {
          return Fail(ErrorCode::kNotFound, "moto: " + *python + " cannot import moto.server");
        }
        return Fail(ErrorCode::kUnavailable,
                    "moto: exited with status " + std::to_string(*status) + ": " + tail);
      }
      auto answer = RawHttp(*port, probe);
      if (answer && StatusOf(*answer) != 0) {
        return server;
      }
      if (Clock::now() >= deadline) {
        return Fail(ErrorCode::kUnavailable,
                    "moto: no HTTP answer on 127.0.0.1:" + std::to_string(*port) + " within " +
                        std::to_string(options.start_deadline.count()) +
                        " s: " + server->LogTail());
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
  }
  return Fail(ErrorCode::kUnavailable, "moto: every free port was taken before moto bound it");
}

namespace {

// The suite's server, or why it is missing.
struct SuiteServer {
  std::unique_ptr<MotoServer> server;
  std::optional<Error> error;
};

SuiteServer& Suite() {
  static SuiteServer suite;
  return suite;
}

}  // namespace

void MotoTest::SetUpTestSuite() { StartMoto({}); }

void MotoTest::StartMoto(MotoServerOptions options) {
  SuiteServer& suite = Suite();
  suite.server.reset();
  suite.error.reset();
  auto started = MotoServer::Start(std::move(options));
  if (started) {
    suite.server = std::move(*started);
  } else {
    suite.error = started.error();
  }
}

void MotoTest::TearDownTestSuite() {
  Suite().server.reset();
  Suite().error.reset();
}

void MotoTest::SetUp() {
  const SuiteServer& suite = Suite();
  if (suite.server) {
    return;
  }
  if (!suite.error) {
    FAIL() << "moto: MotoTest::SetUpTestSuite did not run for this suite";
  }
  const char* require = std::getenv("SENTINEL_REQUIRE_MOTO");
  const bool required = require != nullptr && std::string_view(require) == "1";
  if (suite.error->code() == ErrorCode::kNotFound && !required) {
    GTEST_SKIP() << suite.error->message();
  }
  FAIL() << suite.error->message() << (required ? " (SENTINEL_REQUIRE_MOTO=1)" : "");
}

MotoServer& MotoTest::moto() { return *Suite().server; }

std::string MotoTest::endpoint() { return moto().endpoint(); }

}  // namespace sentinel::aws::test_support
