// The moto fixture itself: it starts, answers, resets, stops, and tells a missing moto
// from a broken one.
#include "aws/test_support/moto_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

namespace sentinel::aws::test_support {
namespace {

namespace fs = std::filesystem;

bool Listening(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected =
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return connected;
}

// Puts a directory holding only a fake `python3` script first on PATH for one test.
class FakePython {
 public:
  explicit FakePython(const std::string& script) {
    char pattern[] = "/tmp/sentinel-fake-python-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    const fs::path python = dir_ / "python3";
    std::ofstream(python) << "#!/bin/sh\n" << script << "\n";
    ::chmod(python.c_str(), 0700);
    const char* path = std::getenv("PATH");
    old_path_ = path == nullptr ? "" : path;
    ::setenv("PATH", (dir_.string() + ":" + old_path_).c_str(), 1);
  }
  ~FakePython() {
    ::setenv("PATH", old_path_.c_str(), 1);
    fs::remove_all(dir_);
  }

 private:
  fs::path dir_;
  std::string old_path_;
};

class MotoServerTest : public MotoTest {};

TEST_F(MotoServerTest, AnswersOnItsEndpointAndResets) {
  EXPECT_EQ(endpoint(), "http://127.0.0.1:" + std::to_string(moto().port()));
  EXPECT_TRUE(Listening(moto().port()));
  auto reset = moto().Reset();
  EXPECT_TRUE(reset.has_value()) << reset.error().message();
}

TEST_F(MotoServerTest, TheDestructorStopsTheServer) {
  auto second = MotoServer::Start();
  ASSERT_TRUE(second.has_value()) << second.error().message();
  const int port = (*second)->port();
  EXPECT_NE(port, moto().port());
  EXPECT_TRUE(Listening(port));
  second->reset();
  EXPECT_FALSE(Listening(port));
}

TEST(MotoServerStartTest, AMissingPythonIsNotFound) {
  const char* path = std::getenv("PATH");
  const std::string old_path = path == nullptr ? "" : path;
  ::setenv("PATH", "/nonexistent-sentinel-test-dir", 1);
  auto got = MotoServer::Start();
  ::setenv("PATH", old_path.c_str(), 1);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(got.error().message(), "moto: python3 is not on PATH");
}

TEST(MotoServerStartTest, APythonWithoutMotoIsNotFound) {
  FakePython python("echo \"No module named moto\" >&2; exit 1");
  auto got = MotoServer::Start();
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(got.error().message().find("cannot import moto.server"), std::string::npos)
      << got.error().message();
}

TEST(MotoServerStartTest, AServerThatNeverAnswersTimesOutAndIsStopped) {
  // Imports succeed (exit 0 for -c), but the "server" only sleeps.
  FakePython python(
      "if [ \"$1\" = -c ]; then exit 0; fi\n"
      "echo sleeping-instead-of-serving\nexec sleep 600");
  auto got = MotoServer::Start({.start_deadline = std::chrono::seconds(2)});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(got.error().message().find("no HTTP answer on 127.0.0.1:"), std::string::npos)
      << got.error().message();
  EXPECT_NE(got.error().message().find("sleeping-instead-of-serving"), std::string::npos)
      << got.error().message();
}

TEST(MotoServerStartTest, AServerThatExitsIsUnavailableWithItsOutput) {
  FakePython python(
      "if [ \"$1\" = -c ]; then exit 0; fi\n"
      "echo 'Traceback: something broke' >&2; exit 3");
  auto got = MotoServer::Start();
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(got.error().message().find("exited with status 3: Traceback: something broke"),
            std::string::npos)
      << got.error().message();
}

// Runs one test of this binary in a child with `env` prepended (as "NAME=value ...") and
// returns its exit status and output.
std::pair<int, std::string> RunThisBinary(const std::string& env, const std::string& filter) {
  const fs::path self = fs::read_symlink("/proc/self/exe");
  const std::string command =
      "env " + env + " " + self.string() + " --gtest_filter=" + filter + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (pipe != nullptr && std::fgets(buffer, sizeof(buffer), pipe) != nullptr) {
    output += buffer;
  }
  const int status = pipe == nullptr ? -1 : ::pclose(pipe);
  return {status, output};
}

TEST(MotoTestFixtureTest, SkipsWithoutMotoUnlessRequired) {
  const std::string test = "MotoServerTest.AnswersOnItsEndpointAndResets";
  auto [skipped_status, skipped] =
      RunThisBinary("-u SENTINEL_REQUIRE_MOTO PATH=/nonexistent-sentinel-test-dir", test);
  EXPECT_EQ(skipped_status, 0) << skipped;
  EXPECT_NE(skipped.find("[  SKIPPED ] " + test), std::string::npos) << skipped;

  auto [failed_status, failed] =
      RunThisBinary("SENTINEL_REQUIRE_MOTO=1 PATH=/nonexistent-sentinel-test-dir", test);
  EXPECT_NE(failed_status, 0) << failed;
  EXPECT_NE(failed.find("[  FAILED  ] " + test), std::string::npos) << failed;
  EXPECT_NE(failed.find("moto: python3 is not on PATH (SENTINEL_REQUIRE_MOTO=1)"),
            std::string::npos)
      << failed;
}

}  // namespace
}  // namespace sentinel::aws::test_support
