#include "audit/jsonl_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sentinel::audit {
namespace {

namespace fs = std::filesystem;

class JsonlLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sentinel-jsonl-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }

  std::vector<nlohmann::json> ReadLines(const fs::path& path) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      lines.push_back(nlohmann::json::parse(line));
    }
    return lines;
  }

  fs::path dir_;
};

app::DecisionEntry IssuedEntry() {
  app::DecisionEntry entry;
  entry.time = TimePoint(std::chrono::seconds(1796317445));
  entry.user = "alice";
  entry.profile = "dev";
  entry.effect = "allow";
  entry.outcome = "issued";
  entry.rule = "developers";
  entry.rule_index = 2;
  entry.reason = "rule 'developers' allows";
  entry.policy = "file:/p.yaml";
  entry.request_id = "0123abcd";
  entry.source_identity = "sentinel.alice.0123abcd";
  entry.role_arn = "arn:aws:iam::123456789012:role/Dev";
  entry.session_duration_seconds = 900;
  entry.expiration = entry.time + std::chrono::seconds(600);
  return entry;
}

TEST_F(JsonlLogTest, CreatesFileAndDirectoriesPrivately) {
  const fs::path path = dir_ / "state" / "sentinel" / "decisions.jsonl";
  JsonlLog log(path.string());
  ASSERT_TRUE(log.Record(IssuedEntry()).has_value());

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(path.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(JsonlLogTest, WritesEveryIssuedFieldAndOmitsUnsetOnes) {
  const fs::path path = dir_ / "d.jsonl";
  JsonlLog log(path.string());
  ASSERT_TRUE(log.Record(IssuedEntry()).has_value());
  app::DecisionEntry denied;
  denied.time = TimePoint(std::chrono::seconds(0));
  denied.user = "eve";
  denied.profile = "prod";
  denied.effect = "deny";
  denied.outcome = "denied";
  denied.reason = "no rule matched";
  ASSERT_TRUE(log.Record(denied).has_value());

  const auto lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["kind"], "decision");
  EXPECT_EQ(lines[0]["time"], "2026-12-03T17:04:05Z");
  EXPECT_EQ(lines[0]["rule_index"], 2);
  EXPECT_EQ(lines[0]["source_identity"], "sentinel.alice.0123abcd");
  EXPECT_EQ(lines[0]["session_duration_seconds"], 900);
  EXPECT_EQ(lines[0]["expiration"], "2026-12-03T17:14:05Z");
  EXPECT_FALSE(lines[0].contains("break_glass_event_id"));
  EXPECT_EQ(lines[1]["outcome"], "denied");
  EXPECT_EQ(lines[1]["rule"], "");
  EXPECT_EQ(lines[1]["rule_index"], -1);
  EXPECT_FALSE(lines[1].contains("request_id"));
  EXPECT_FALSE(lines[1].contains("expiration"));
}

TEST_F(JsonlLogTest, UnwritableFileIsAnErrorNamingThePath) {
  if (::geteuid() == 0) {
    // root ignores permission bits; use a path below a regular file instead.
    const fs::path blocker = dir_ / "not-a-dir";
    std::ofstream(blocker) << "x";
    JsonlLog log((blocker / "d.jsonl").string());
    auto status = log.Record(IssuedEntry());
    ASSERT_FALSE(status.has_value());
    EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
    EXPECT_NE(status.error().message().find((blocker / "d.jsonl").string()), std::string::npos);
    return;
  }
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  JsonlLog log((dir_ / "d.jsonl").string());
  auto status = log.Record(IssuedEntry());
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(status.error().message().find("d.jsonl"), std::string::npos);
}

TEST_F(JsonlLogTest, ConcurrentProcessesNeverInterleaveLines) {
  const fs::path path = dir_ / "d.jsonl";
  constexpr int kProcesses = 8;
  constexpr int kLinesEach = 200;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      JsonlLog log(path.string());
      app::DecisionEntry entry = IssuedEntry();
      entry.reason = std::string(300, static_cast<char>('a' + p));
      for (int i = 0; i < kLinesEach; ++i) {
        if (!log.Record(entry).has_value()) {
          ::_exit(1);
        }
      }
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const auto lines = ReadLines(path);  // throws on a torn line
  EXPECT_EQ(lines.size(), static_cast<std::size_t>(kProcesses * kLinesEach));
}

}  // namespace
}  // namespace sentinel::audit
