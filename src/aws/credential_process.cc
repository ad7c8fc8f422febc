#include "aws/credential_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "aws/quoted.h"
#include "core/time_format.h"

extern char** environ;

namespace sentinel::aws {
namespace {

using Clock = std::chrono::steady_clock;

// Closes a file descriptor when it goes out of scope.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) {
      close(fd_);
    }
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

// Waits for `pid` to end and returns its wait status.
int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Kills `pid` and reaps it, so that no zombie outlives a failed run.
void KillAndReap(pid_t pid) {
  kill(pid, SIGKILL);
  Reap(pid);
}

std::string Seconds(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms % 1000 == 0) {
    return std::to_string(ms / 1000) + "s";
  }
  return std::to_string(ms) + "ms";
}

// Starts /bin/sh -c `command` with its stdout on `stdout_fd`.
Result<pid_t> Spawn(const std::string& command, int stdout_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);

  // Whatever sentinel does with signals (ignoring SIGPIPE, blocking SIGCHLD), the child
  // starts from the defaults a shell expects.
  sigset_t all;
  sigset_t none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string argument = command;
  char* argv[] = {shell.data(), dash_c.data(), argument.data(), nullptr};
  pid_t pid = 0;
  const int error = posix_spawn(&pid, shell.c_str(), &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    return Fail(ErrorCode::kUnavailable,
                "could not start /bin/sh: " + std::string(std::strerror(error)));
  }
  return pid;
}

// How much of the run's time is left, in whole milliseconds for poll().
int RemainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
}

std::unexpected<Error> TimedOut(std::chrono::milliseconds timeout) {
  return Fail(ErrorCode::kUnavailable,
              "timed out after " + Seconds(timeout) + "; the process was killed");
}

// Reads `fd` to its end into `out`. Fails when `deadline` passes, when more than `limit`
// bytes arrive, or when poll fails; the caller then kills the process.
Status ReadToEnd(int fd, Clock::time_point deadline, std::chrono::milliseconds timeout,
                 std::size_t limit, std::string& out) {
  char buffer[4096];
  while (true) {
    const int wait_ms = RemainingMs(deadline);
    if (wait_ms == 0) {
      return TimedOut(timeout);
    }
    pollfd poll_fd{fd, POLLIN, 0};
    const int ready = poll(&poll_fd, 1, wait_ms);
    if (ready < 0 && errno != EINTR) {
      return Fail(ErrorCode::kUnavailable,
                  "waiting for output: " + std::string(std::strerror(errno)));
    }
    if (ready <= 0) {
      continue;
    }
    const ssize_t got = read(fd, buffer, sizeof(buffer));
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
      continue;
    }
    if (got <= 0) {
      return {};  // end of output (a read error ends it too)
    }
    out.append(buffer, static_cast<std::size_t>(got));
    if (out.size() > limit) {
      return Fail(ErrorCode::kInvalidInput, "wrote more than " + std::to_string(limit) +
                                                " bytes to stdout; the process was killed");
    }
  }
}

// Waits until `deadline` for `pid` to end and returns its wait status; kills it when the
// deadline passes. A process may close stdout long before it exits.
Result<int> WaitForExit(pid_t pid, Clock::time_point deadline, std::chrono::milliseconds timeout) {
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return status;
    }
    if (done < 0 && errno != EINTR) {
      return Fail(ErrorCode::kUnavailable,
                  "waiting for the process: " + std::string(std::strerror(errno)));
    }
    if (RemainingMs(deadline) == 0) {
      KillAndReap(pid);
      return TimedOut(timeout);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

Result<ProcessOutput> ShellProcessRunner::Run(std::string_view command) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Fail(ErrorCode::kUnavailable,
                "could not create a pipe: " + std::string(std::strerror(errno)));
  }
  FdCloser read_closer(pipe_fds[0]);
  Result<pid_t> pid = Spawn(std::string(command), pipe_fds[1]);
  close(pipe_fds[1]);
  if (!pid) {
    return std::unexpected(pid.error());
  }

  const Clock::time_point deadline = Clock::now() + timeout_;
  ProcessOutput output;
  if (Status read =
          ReadToEnd(pipe_fds[0], deadline, timeout_, output_limit_, output.standard_output);
      !read) {
    KillAndReap(*pid);
    return std::unexpected(read.error());
  }

  Result<int> status = WaitForExit(*pid, deadline, timeout_);
  if (!status) {
    return std::unexpected(status.error());
  }
  if (WIFSIGNALED(*status)) {
    output.signal = WTERMSIG(*status);
  } else if (WIFEXITED(*status)) {
    output.exit_status = WEXITSTATUS(*status);
  }
  return output;
}

Result<Credentials> ParseCredentialProcessOutput(std::string_view output) {
  auto invalid = [](std::string what) { return Fail(ErrorCode::kInvalidInput, std::move(what)); };

  nlohmann::json document;
  try {
    document = nlohmann::json::parse(output);
  } catch (const nlohmann::json::parse_error& error) {
    // The library's own message quotes the input, which holds secrets: give the offset.
    return invalid("output is not valid JSON (error at byte " + std::to_string(error.byte) + ")");
  } catch (const nlohmann::json::exception&) {
    return invalid("output is not valid JSON");
  }
  if (!document.is_object()) {
    return invalid("output is not a JSON object");
  }

  const auto version = document.find("Version");
  if (version == document.end()) {
    return invalid("output has no Version; expected 1");
  }
  // Like the CLI, any JSON number equal to 1 will do (1 or 1.0); "1" will not.
  if (!version->is_number() || version->get<double>() != 1.0) {
    return invalid("output has Version " + Quoted(version->dump(), 40) + "; only 1 is supported");
  }

  // Returns the string at `key`; nullopt when absent or null and `required` is false.
  auto text = [&](const char* key, bool required) -> Result<std::optional<std::string>> {
    const auto it = document.find(key);
    if (it == document.end() || it->is_null()) {
      if (required) {
        return invalid(std::string("output has no ") + key);
      }
      return std::optional<std::string>();
    }
    if (!it->is_string()) {
      return invalid(std::string("output has a ") + key + " that is not a string");
    }
    if (required && it->get_ref<const std::string&>().empty()) {
      return invalid(std::string("output has an empty ") + key);
    }
    return std::optional<std::string>(it->get<std::string>());
  };

  Result<std::optional<std::string>> access_key_id = text("AccessKeyId", true);
  Result<std::optional<std::string>> secret_access_key = text("SecretAccessKey", true);
  Result<std::optional<std::string>> session_token = text("SessionToken", false);
  Result<std::optional<std::string>> expiration = text("Expiration", false);
  for (const auto* field : {&access_key_id, &secret_access_key, &session_token, &expiration}) {
    if (!*field) {
      return std::unexpected(field->error());
    }
  }

  Credentials credentials;
  credentials.access_key_id = std::move(**access_key_id);
  credentials.secret_access_key = Secret(std::move(**secret_access_key));
  if (session_token->has_value()) {
    credentials.session_token = Secret(std::move(**session_token));
  }
  if (expiration->has_value()) {
    Result<TimePoint> time = ParseTime(**expiration);
    if (!time) {
      return Fail(time.error(), "output has an unusable Expiration");
    }
    credentials.expiration = *time;
  }
  return credentials;
}

Result<Credentials> RunCredentialProcess(std::string_view profile, std::string_view command,
                                         ProcessRunner& runner) {
  const std::string context = "credential_process for profile " + Quoted(profile);
  Result<ProcessOutput> output = runner.Run(command);
  if (!output) {
    return Fail(output.error(), context);
  }
  if (output->signal != 0) {
    return Fail(ErrorCode::kUnavailable, context + ": was killed by signal " +
                                             std::to_string(output->signal) + " (" +
                                             strsignal(output->signal) + ")");
  }
  if (output->exit_status != 0) {
    return Fail(ErrorCode::kUnavailable,
                context + ": exited with status " + std::to_string(output->exit_status));
  }
  Result<Credentials> credentials = ParseCredentialProcessOutput(output->standard_output);
  if (!credentials) {
    return Fail(credentials.error(), context);
  }
  return credentials;
}

}  // namespace sentinel::aws
