// Running a profile's credential_process and reading the credentials it prints.
#ifndef SENTINEL_AWS_CREDENTIAL_PROCESS_H_
#define SENTINEL_AWS_CREDENTIAL_PROCESS_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "core/error.h"

namespace sentinel::aws {

// What a child process did: how it ended and what it wrote to stdout. For a credential
// process stdout holds secrets: never log or print it.
struct ProcessOutput {
  int exit_status = 0;  // the exit status when the process exited, else 0
  int signal = 0;       // the signal that ended the process, or 0 when it exited
  std::string standard_output;
};

// The seam for running commands, so tests can use fakes as well as real scripts.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;

  // Runs `command` with `/bin/sh -c`, with sentinel's environment, stdin and stderr (so
  // a prompt or a diagnostic reaches the user), and stdout captured. Returns how the
  // process ended, whatever its status. Fails with kUnavailable when the process cannot
  // be started or runs past the runner's timeout (it is then killed), and with
  // kInvalidInput when it writes more than the runner's output limit (it is then
  // killed). Messages never include the command or its output.
  [[nodiscard]] virtual Result<ProcessOutput> Run(std::string_view command) = 0;
};

// Runs commands as real child processes (posix_spawn of /bin/sh). The child gets default
// signal dispositions and an empty signal mask. The timeout covers the whole run,
// including waiting for stdout to close: a background child that keeps stdout open
// holds the run up. On timeout only the shell itself is killed (it stays in sentinel's
// process group so that it can still prompt on the terminal). Safe to use from one
// thread at a time.
class ShellProcessRunner final : public ProcessRunner {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{60'000};
  static constexpr std::size_t kDefaultOutputLimit = 1 << 20;

  explicit ShellProcessRunner(std::chrono::milliseconds timeout = kDefaultTimeout,
                              std::size_t output_limit = kDefaultOutputLimit)
      : timeout_(timeout), output_limit_(output_limit) {}

  [[nodiscard]] Result<ProcessOutput> Run(std::string_view command) override;

 private:
  std::chrono::milliseconds timeout_;
  std::size_t output_limit_;
};

// Parses the document a credential process prints:
//   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
//    "SessionToken": "...", "Expiration": "2026-12-03T17:04:05Z"}
// Version must be a number equal to 1; AccessKeyId and SecretAccessKey non-empty strings;
// SessionToken and Expiration (RFC 3339) may be absent or null. Other keys are ignored.
// Fails with kInvalidInput saying what is wrong; the message never quotes the output.
[[nodiscard]] Result<Credentials> ParseCredentialProcessOutput(std::string_view output);

// Runs `command`, the credential_process of `profile`, through `runner` and parses what
// it prints. Every error starts "credential_process for profile '<profile>': " and is
// kUnavailable when the process failed (could not start, timed out, exited non-zero,
// was killed) or kInvalidInput when its output is unusable.
[[nodiscard]] Result<Credentials> RunCredentialProcess(std::string_view profile,
                                                       std::string_view command,
                                                       ProcessRunner& runner);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_CREDENTIAL_PROCESS_H_
