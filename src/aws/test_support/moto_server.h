// A local AWS emulator for tests: moto's server (python3 -m moto.server) on a free
// 127.0.0.1 port, one process per test suite. Compiled into the test binary only.
//
// Use it by deriving the suite's fixture from MotoTest:
//
//   class SsmMotoTest : public test_support::MotoTest {};
//
//   TEST_F(SsmMotoTest, PutsAndGets) {
//     SsmClient ssm(http, {MotoTest::endpoint(), "us-east-1"}, clock);  // any region works
//     ...
//   }
//
// MotoTest starts moto once before the suite's first test (SetUpTestSuite) and stops it
// after the last (TearDownTestSuite); state persists between the suite's tests unless a
// test calls moto().Reset(). A fixture that defines its own SetUpTestSuite,
// TearDownTestSuite or SetUp must call MotoTest's, and return when
// IsSkipped() || HasFatalFailure() after MotoTest::SetUp().
// When python3 or its moto module is missing the tests are skipped, unless the
// environment has SENTINEL_REQUIRE_MOTO=1, in which case they fail. When moto is present
// but does not come up, they fail.
// moto accepts any credentials and does not check signatures unless started with
// INITIAL_NO_AUTH_ACTION_COUNT (see MotoServerOptions::environment).
#ifndef SENTINEL_AWS_TEST_SUPPORT_MOTO_SERVER_H_
#define SENTINEL_AWS_TEST_SUPPORT_MOTO_SERVER_H_

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace sentinel::aws::test_support {

struct MotoServerOptions {
  // How long to wait for moto to answer HTTP before giving up.
  std::chrono::seconds start_deadline{90};
  // Extra environment variables for the moto process, e.g.
  // {"INITIAL_NO_AUTH_ACTION_COUNT", "4"} to make moto authenticate and authorise every
  // request after the first four against its IAM users and policies.
  std::vector<std::pair<std::string, std::string>> environment = {};
};

// One running moto server. The process is started in its own process group and asked to
// die with the test process; the destructor stops it (SIGTERM, SIGKILL after 5 s) and
// reaps it. Not thread-safe; the endpoint may be used from any number of threads.
class MotoServer {
 public:
  // Starts moto on a free loopback port and waits until it answers HTTP. Fails with
  // kNotFound when python3 or moto is not installed, and with kUnavailable when moto is
  // installed but exits or does not answer within the deadline; the message then ends
  // with the tail of moto's output.
  [[nodiscard]] static Result<std::unique_ptr<MotoServer>> Start(MotoServerOptions options = {});

  ~MotoServer();
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  int port() const { return port_; }

  // "http://127.0.0.1:<port>", without a trailing slash: an endpoint URL for every service.
  std::string endpoint() const;

  // Forgets every resource moto holds (POST /moto-api/reset).
  [[nodiscard]] Status Reset();

  // The last `max_bytes` of moto's stdout and stderr, for failure messages.
  std::string LogTail(std::size_t max_bytes = 2000) const;

 private:
  MotoServer(pid_t pid, int port, std::filesystem::path log_path);

  pid_t pid_;
  int port_;
  std::filesystem::path log_path_;
};

// A gtest fixture base with one MotoServer per test suite. See the file comment.
class MotoTest : public ::testing::Test {
 public:
  // StartMoto({}).
  static void SetUpTestSuite();
  // Stops the suite's server.
  static void TearDownTestSuite();

  // Starts the suite's server with `options`; a fixture that wants other options calls
  // this from its own SetUpTestSuite instead of MotoTest's:
  //   static void SetUpTestSuite() {
  //     StartMoto({.environment = {{"INITIAL_NO_AUTH_ACTION_COUNT", "4"}}});
  //   }
  static void StartMoto(MotoServerOptions options);

 protected:
  // Skips the test (moto missing) or fails it (moto required or broken) when the suite's
  // server did not start.
  void SetUp() override;

  // The suite's server. Valid only in a test that MotoTest::SetUp let run.
  static MotoServer& moto();

  // moto().endpoint().
  static std::string endpoint();
};

}  // namespace sentinel::aws::test_support

#endif  // SENTINEL_AWS_TEST_SUPPORT_MOTO_SERVER_H_
