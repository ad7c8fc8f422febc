#include "audit/lifecycle_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sentinel::audit {
namespace {

namespace fs = std::filesystem;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1796317445));  // 2026-12-03T17:04:05Z

app::LifecycleEntry Approved() {
  app::LifecycleEntry entry;
  entry.type = app::LifecycleEventType::kRequestApproved;
  entry.time = kT0;
  entry.id = "0123456789abcdef";
  entry.actor = "carol";
  entry.changes["status"] = "approved";
  entry.changes["approver"] = "carol";
  entry.changes["decided_at"] = "2026-12-03T17:04:05Z";
  return entry;
}

TEST(LifecycleLogTest, EntryReadsTimeKindIdActorThenTheChanges) {
  EXPECT_EQ(LifecycleEntryToJson(Approved()).dump(),
            R"({"time":"2026-12-03T17:04:05Z","kind":"request.approved","id":"0123456789abcdef",)"
            R"("actor":"carol","status":"approved","approver":"carol",)"
            R"("decided_at":"2026-12-03T17:04:05Z"})");
}

TEST(LifecycleLogTest, AnEntryWithoutARecordHasANullId) {
  app::LifecycleEntry entry;
  entry.type = app::LifecycleEventType::kBreakGlassRateLimited;
  entry.time = kT0;
  entry.actor = "alice";
  entry.changes["retry_at"] = "2026-12-03T17:34:05Z";
  EXPECT_EQ(LifecycleEntryToJson(entry).dump(),
            R"({"time":"2026-12-03T17:04:05Z","kind":"breakglass.rate_limited","id":null,)"
            R"("actor":"alice","retry_at":"2026-12-03T17:34:05Z"})");
}

TEST(LifecycleLogTest, ChangesCannotRewriteWhatTheEntryIs) {
  app::LifecycleEntry entry = Approved();
  entry.changes["kind"] = "decision";
  entry.changes["actor"] = "mallory";
  entry.changes["id"] = "ffffffffffffffff";
  entry.changes["time"] = "1970-01-01T00:00:00Z";
  const nlohmann::ordered_json line = LifecycleEntryToJson(entry);
  EXPECT_EQ(line["kind"], "request.approved");
  EXPECT_EQ(line["actor"], "carol");
  EXPECT_EQ(line["id"], "0123456789abcdef");
  EXPECT_EQ(line["time"], "2026-12-03T17:04:05Z");
  EXPECT_EQ(line.size(), 7u);

  entry.changes = "not an object";
  EXPECT_EQ(LifecycleEntryToJson(entry).size(), 4u);
}

TEST(LifecycleLogTest, WritesOneLinePerEntryIntoAPrivateFile) {
  char pattern[] = "/tmp/sentinel-lifecycle-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const fs::path dir = pattern;
  const fs::path path = dir / "state" / "decisions.jsonl";
  JsonlLifecycleLog log(path.string());
  ASSERT_TRUE(log.Write(Approved()).has_value());
  app::LifecycleEntry closed;
  closed.type = app::LifecycleEventType::kBreakGlassClosed;
  closed.time = kT0;
  closed.id = "fedcba9876543210";
  closed.actor = "alice";
  ASSERT_TRUE(log.Write(closed).has_value());

  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["kind"], "request.approved");
  EXPECT_EQ(lines[1]["kind"], "breakglass.closed");
  EXPECT_EQ(lines[1]["id"], "fedcba9876543210");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  // A log that cannot be written says where.
  JsonlLifecycleLog broken((dir / "decisions.jsonl" / "x").string());
  std::ofstream(dir / "decisions.jsonl") << "a file, not a directory";
  auto failed = broken.Write(Approved());
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(failed.error().message().find("decisions.jsonl/x"), std::string::npos)
      << failed.error().message();
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

}  // namespace
}  // namespace sentinel::audit
