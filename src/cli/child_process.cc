#include "cli/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace sentinel::cli {
namespace {

constexpr std::array<int, 7> kRelayedSignals = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,
                                                SIGUSR1, SIGUSR2, SIGWINCH};

volatile sig_atomic_t child_pid = 0;

void Relay(int signal, siginfo_t* info, void*) {
  // Signals the kernel raised for the terminal went to the whole process group, the child
  // included; only those sent to sentinel alone need passing on.
  const bool sent_by_a_process =
      info != nullptr && (info->si_code == SI_USER || info->si_code == SI_QUEUE);
  if (child_pid > 0 && sent_by_a_process) {
    ::kill(child_pid, signal);
  }
}

std::vector<char*> Pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) {
    out.push_back(const_cast<char*>(s.c_str()));
  }
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<int> RunChild(const std::vector<std::string>& argv, const std::vector<std::string>& envp) {
  if (argv.empty()) {
    return Fail(ErrorCode::kInvalidInput, "exec: no command to run");
  }
  std::vector<char*> child_argv = Pointers(argv);
  std::vector<char*> child_envp = Pointers(envp);

  // A close-on-exec pipe tells the parent whether execvpe itself failed, and why.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    return Fail(ErrorCode::kInternal, std::string("exec: pipe: ") + std::strerror(errno));
  }

  struct sigaction relay {};
  relay.sa_sigaction = Relay;
  relay.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&relay.sa_mask);
  std::array<struct sigaction, kRelayedSignals.size()> previous{};
  for (std::size_t i = 0; i < kRelayedSignals.size(); ++i) {
    ::sigaction(kRelayedSignals[i], &relay, &previous[i]);
  }

  const pid_t pid = ::fork();
  if (pid == 0) {
    for (std::size_t i = 0; i < kRelayedSignals.size(); ++i) {
      ::sigaction(kRelayedSignals[i], &previous[i], nullptr);
    }
    ::close(report[0]);
    ::execvpe(child_argv[0], child_argv.data(), child_envp.data());
    const int error = errno;
    [[maybe_unused]] ssize_t ignored = ::write(report[1], &error, sizeof(error));
    ::_exit(127);
  }
  ::close(report[1]);
  if (pid < 0) {
    ::close(report[0]);
    return Fail(ErrorCode::kInternal, std::string("exec: fork: ") + std::strerror(errno));
  }
  child_pid = pid;

  int exec_error = 0;
  ssize_t got = 0;
  do {
    got = ::read(report[0], &exec_error, sizeof(exec_error));
  } while (got < 0 && errno == EINTR);
  ::close(report[0]);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  child_pid = 0;
  for (std::size_t i = 0; i < kRelayedSignals.size(); ++i) {
    ::sigaction(kRelayedSignals[i], &previous[i], nullptr);
  }

  if (got == static_cast<ssize_t>(sizeof(exec_error))) {
    return Fail(ErrorCode::kInvalidInput,
                "exec: running '" + argv[0] + "': " + std::strerror(exec_error));
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return WEXITSTATUS(status);
}

}  // namespace sentinel::cli
