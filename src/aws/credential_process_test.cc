#include "aws/credential_process.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/time_format.h"

namespace sentinel::aws {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kToken[] = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";

// Returns a runner result without starting a process.
class FakeRunner final : public ProcessRunner {
 public:
  explicit FakeRunner(Result<ProcessOutput> result) : result_(std::move(result)) {}
  Result<ProcessOutput> Run(std::string_view command) override {
    commands.emplace_back(command);
    return result_;
  }
  std::vector<std::string> commands;

 private:
  Result<ProcessOutput> result_;
};

ProcessOutput Exited(int status, std::string output) {
  ProcessOutput result;
  result.exit_status = status;
  result.standard_output = std::move(output);
  return result;
}

std::string Document(std::string_view extra = "") {
  return std::string(R"({"Version": 1, "AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": ")") +
         kSecret + R"(", "SessionToken": ")" + kToken + R"(")" + std::string(extra) + "}";
}

TEST(ParseCredentialProcessOutputTest, ReadsAFullDocument) {
  Result<Credentials> got =
      ParseCredentialProcessOutput(Document(R"(, "Expiration": "2026-12-03T17:04:05Z")"));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->access_key_id, "AKIAEXAMPLE");
  EXPECT_EQ(got->secret_access_key.Reveal(), kSecret);
  EXPECT_EQ(got->session_token.Reveal(), kToken);
  ASSERT_TRUE(got->expiration.has_value());
  EXPECT_EQ(FormatTime(*got->expiration), "2026-12-03T17:04:05Z");
}

TEST(ParseCredentialProcessOutputTest, AcceptsWhatTheCliAccepts) {
  const struct {
    const char* json;
    const char* token;       // expected session token
    const char* expiration;  // expected, or nullptr
  } cases[] = {
      {R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"})", "", nullptr},
      {R"({"Version":1.0,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":null})", "",
       nullptr},
      {R"( {"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":null} )", "", nullptr},
      {R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T",
          "Expiration":"2026-12-03T18:04:05.123+01:00","AccountId":"123456789012","X":[1]})",
       "T", "2026-12-03T17:04:05Z"},
  };
  for (const auto& c : cases) {
    Result<Credentials> got = ParseCredentialProcessOutput(c.json);
    ASSERT_TRUE(got.has_value()) << c.json << ": " << got.error().message();
    EXPECT_EQ(got->access_key_id, "A");
    EXPECT_EQ(got->secret_access_key.Reveal(), "S");
    EXPECT_EQ(got->session_token.Reveal(), c.token);
    if (c.expiration == nullptr) {
      EXPECT_FALSE(got->expiration.has_value()) << c.json;
    } else {
      ASSERT_TRUE(got->expiration.has_value()) << c.json;
      EXPECT_EQ(FormatTime(*got->expiration), c.expiration);
    }
  }
}

TEST(ParseCredentialProcessOutputTest, RejectsBadOutputWithoutQuotingIt) {
  const std::string s = kSecret;
  const struct {
    std::string json;
    std::string message;
  } cases[] = {
      {"", "output is not valid JSON (error at byte 1)"},
      {"Error: " + s, "output is not valid JSON (error at byte 1)"},
      // The offset points just past the first bad byte.
      {Document() + " x",
       "output is not valid JSON (error at byte " + std::to_string(Document().size() + 2) + ")"},
      {Document().substr(0, 60), "output is not valid JSON (error at byte 61)"},
      {R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":")" + s + "\xff\"}",
       "output is not valid JSON (error at byte " + std::to_string(50 + s.size() + 1) + ")"},
      {"[\"" + s + "\"]", "output is not a JSON object"},
      {"\"" + s + "\"", "output is not a JSON object"},
      {R"({"AccessKeyId":"A","SecretAccessKey":")" + s + "\"}",
       "output has no Version; expected 1"},
      {R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":")" + s + "\"}",
       "output has Version '2'; only 1 is supported"},
      {R"({"Version":"1","AccessKeyId":"A","SecretAccessKey":")" + s + "\"}",
       "output has Version '\"1\"'; only 1 is supported"},
      {R"({"Version":true,"AccessKeyId":"A","SecretAccessKey":")" + s + "\"}",
       "output has Version 'true'; only 1 is supported"},
      {R"({"Version":1,"SecretAccessKey":")" + s + "\"}", "output has no AccessKeyId"},
      {R"({"Version":1,"AccessKeyId":"","SecretAccessKey":")" + s + "\"}",
       "output has an empty AccessKeyId"},
      {R"({"Version":1,"AccessKeyId":7,"SecretAccessKey":")" + s + "\"}",
       "output has a AccessKeyId that is not a string"},
      {R"({"Version":1,"AccessKeyId":"A"})", "output has no SecretAccessKey"},
      {R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":null})",
       "output has no SecretAccessKey"},
      {R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":""})",
       "output has an empty SecretAccessKey"},
      {R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":["x"]})",
       "output has a SecretAccessKey that is not a string"},
      {R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":")" + s + R"(","SessionToken":5})",
       "output has a SessionToken that is not a string"},
      {R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":")" + s +
           R"(","Expiration":"tomorrow"})",
       "output has an unusable Expiration: invalid time 'tomorrow'"},
      {R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":")" + s + R"(","Expiration":17})",
       "output has a Expiration that is not a string"},
  };
  for (const auto& c : cases) {
    Result<Credentials> got = ParseCredentialProcessOutput(c.json);
    ASSERT_FALSE(got.has_value()) << c.json;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput) << c.json;
    EXPECT_THAT(got.error().message(), ::testing::StartsWith(c.message)) << c.json;
    EXPECT_THAT(got.error().message(), Not(HasSubstr("wJalr"))) << c.json;
  }
}

TEST(ParseCredentialProcessOutputTest, SurvivesDeepNesting) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  Result<Credentials> got = ParseCredentialProcessOutput(deep);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message(), "output is not a JSON object");
}

TEST(RunCredentialProcessTest, ReturnsTheParsedCredentials) {
  FakeRunner runner(Exited(0, Document()));
  Result<Credentials> got = RunCredentialProcess("base", "fetch --profile base", runner);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->access_key_id, "AKIAEXAMPLE");
  EXPECT_EQ(runner.commands, std::vector<std::string>{"fetch --profile base"});
}

TEST(RunCredentialProcessTest, ReportsHowTheProcessFailed) {
  ProcessOutput killed;
  killed.signal = SIGKILL;
  const struct {
    Result<ProcessOutput> result;
    ErrorCode code;
    std::string message;
  } cases[] = {
      {Exited(3, Document()), ErrorCode::kUnavailable,
       "credential_process for profile 'base': exited with status 3"},
      {killed, ErrorCode::kUnavailable,
       "credential_process for profile 'base': was killed by signal 9 (Killed)"},
      {Fail(ErrorCode::kUnavailable, "timed out after 60s; the process was killed"),
       ErrorCode::kUnavailable,
       "credential_process for profile 'base': timed out after 60s; the process was killed"},
      {Exited(0, "not json " + std::string(kSecret)), ErrorCode::kInvalidInput,
       "credential_process for profile 'base': output is not valid JSON (error at byte 2)"},
      {Exited(0, R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"})"),
       ErrorCode::kInvalidInput,
       "credential_process for profile 'base': output has Version '2'; only 1 is supported"},
  };
  for (const auto& c : cases) {
    FakeRunner runner(c.result);
    Result<Credentials> got = RunCredentialProcess("base", "cmd", runner);
    ASSERT_FALSE(got.has_value()) << c.message;
    EXPECT_EQ(got.error().code(), c.code) << c.message;
    EXPECT_EQ(got.error().message(), c.message);
  }
}

// Real processes: scripts written to a temporary directory and run through /bin/sh.
class ShellProcessRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "sentinel-proc-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes an executable script and returns its path.
  std::string Script(const std::string& name, const std::string& body) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
  }

  std::string dir_;
};

TEST_F(ShellProcessRunnerTest, RunsAScriptThatPrintsCredentials) {
  const std::string script = Script(
      "creds", "printf '%s' '" + Document(R"(, "Expiration": "2026-12-03T17:04:05Z")") + "'\n");
  ShellProcessRunner runner;
  Result<Credentials> got = RunCredentialProcess("base", script + " --profile base", runner);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->access_key_id, "AKIAEXAMPLE");
  EXPECT_EQ(got->secret_access_key.Reveal(), kSecret);
  EXPECT_EQ(got->session_token.Reveal(), kToken);
  EXPECT_EQ(FormatTime(*got->expiration), "2026-12-03T17:04:05Z");
}

TEST_F(ShellProcessRunnerTest, RunsThroughTheShellWithTheEnvironment) {
  ASSERT_EQ(setenv("SENTINEL_TEST_KEY_ID", "AKIAFROMENV", 1), 0);
  const std::string script =
      Script("args", "printf '%s|%s|%s' \"$1\" \"$2\" \"$SENTINEL_TEST_KEY_ID\"\n");
  ShellProcessRunner runner;
  Result<ProcessOutput> got = runner.Run(script + " 'two words' \"$HOME\" | cat");
  unsetenv("SENTINEL_TEST_KEY_ID");
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->exit_status, 0);
  EXPECT_EQ(got->standard_output, "two words|" + std::string(std::getenv("HOME")) + "|AKIAFROMENV");
}

TEST_F(ShellProcessRunnerTest, PassesStderrThroughAndReportsTheExitStatus) {
  const std::string script = Script("fail", "echo 'need MFA: run aws sso login' >&2\nexit 3\n");
  // Point our stderr at a file for the duration of the run to see what the child wrote.
  const std::string captured = dir_ + "/stderr";
  const int saved = dup(STDERR_FILENO);
  const int file = open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(file, 0);
  dup2(file, STDERR_FILENO);
  ShellProcessRunner runner;
  Result<Credentials> got = RunCredentialProcess("base", script, runner);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(file);

  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(), "credential_process for profile 'base': exited with status 3");
  std::ifstream in(captured);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "need MFA: run aws sso login\n");
}

TEST_F(ShellProcessRunnerTest, AMissingCommandIsStatus127) {
  ShellProcessRunner runner;
  Result<Credentials> got =
      RunCredentialProcess("base", dir_ + "/does-not-exist 2>/dev/null", runner);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(), "credential_process for profile 'base': exited with status 127");
}

TEST_F(ShellProcessRunnerTest, KillsAProcessThatRunsTooLong) {
  const std::string script = Script("slow", "sleep 30\n");
  ShellProcessRunner runner(milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  Result<Credentials> got = RunCredentialProcess("slow", script, runner);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(),
            "credential_process for profile 'slow': timed out after 300ms; the process was killed");
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(ShellProcessRunnerTest, TimesOutAProcessThatClosesStdoutButKeepsRunning) {
  const std::string script = Script("lingers", "exec >/dev/null\nsleep 30\n");
  ShellProcessRunner runner(milliseconds(300));
  Result<ProcessOutput> got = runner.Run(script);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message(), "timed out after 300ms; the process was killed");
}

TEST_F(ShellProcessRunnerTest, KillsAProcessThatWritesTooMuch) {
  ShellProcessRunner runner(milliseconds(10000), 1000);
  Result<ProcessOutput> got = runner.Run("yes " + std::string(kSecret));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(got.error().message(), "wrote more than 1000 bytes to stdout; the process was killed");
}

TEST_F(ShellProcessRunnerTest, ReportsBadOutputFromARealScript) {
  const struct {
    const char* body;
    const char* message;
  } cases[] = {
      {"echo 'Error: token expired'\n",
       "credential_process for profile 'base': output is not valid JSON"},
      {"echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n",
       "credential_process for profile 'base': output has Version '2'; only 1 is supported"},
      {"echo '{\"Version\": 1, \"AccessKeyId\": \"A\"}'\n",
       "credential_process for profile 'base': output has no SecretAccessKey"},
      {"true\n", "credential_process for profile 'base': output is not valid JSON"},
  };
  int n = 0;
  for (const auto& c : cases) {
    const std::string script = Script("bad" + std::to_string(n++), c.body);
    ShellProcessRunner runner;
    Result<Credentials> got = RunCredentialProcess("base", script, runner);
    ASSERT_FALSE(got.has_value()) << c.body;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput) << c.body;
    EXPECT_THAT(got.error().message(), ::testing::StartsWith(c.message)) << c.body;
  }
}

TEST_F(ShellProcessRunnerTest, ReportsASignal) {
  ShellProcessRunner runner;
  Result<ProcessOutput> got = runner.Run("kill -9 $$");
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->signal, SIGKILL);
}

TEST_F(ShellProcessRunnerTest, TheChildStartsWithDefaultSignalHandling) {
  // sentinel may ignore or block signals; the child must not inherit that.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGTERM, &ignore, &previous);
  sigset_t block;
  sigset_t old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old_mask);

  ShellProcessRunner runner;
  Result<ProcessOutput> term = runner.Run("kill -TERM $$; sleep 5; echo survived");
  Result<ProcessOutput> usr1 = runner.Run("kill -USR1 $$; sleep 5; echo survived");

  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGTERM, &previous, nullptr);
  ASSERT_TRUE(term.has_value()) << term.error().message();
  EXPECT_EQ(term->signal, SIGTERM);
  EXPECT_EQ(term->standard_output, "");
  ASSERT_TRUE(usr1.has_value()) << usr1.error().message();
  EXPECT_EQ(usr1->signal, SIGUSR1);
}

}  // namespace
}  // namespace sentinel::aws
