#include "core/time_zone_db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace sentinel {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;
using ::testing::StartsWith;

TEST(TimeZoneNameTest, AcceptsZoneNamesOnly) {
  for (const char* good : {"UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5",
                           "Etc/GMT-14", "EST5EDT", "America/Port-au-Prince", "localtime"}) {
    EXPECT_TRUE(IsValidTimeZoneName(good)) << good;
  }
  const std::string too_long(256, 'A');
  for (const std::string& bad : {std::string(),
                                 std::string("../../etc/passwd"),
                                 std::string("/etc/passwd"),
                                 std::string("Europe/"),
                                 std::string("Europe//Berlin"),
                                 std::string("./Europe/Berlin"),
                                 std::string("Europe/./Berlin"),
                                 std::string("Europe/.."),
                                 std::string(".."),
                                 std::string("Europe/Berlin "),
                                 std::string("Europe\\Berlin"),
                                 std::string("Europe/Berlin\n"),
                                 std::string("Europe/Ber\0lin", 14),
                                 std::string("Europe/Zürich"),
                                 std::string("a:b"),
                                 std::string("posixrules"),
                                 std::string("Factory"),
                                 std::string("posix/Europe/Berlin"),
                                 std::string("right/Europe/Berlin"),
                                 too_long}) {
    EXPECT_FALSE(IsValidTimeZoneName(bad)) << bad;
  }
  EXPECT_TRUE(IsValidTimeZoneName(std::string(255, 'A')));
}

// A scratch zoneinfo directory, with TZDIR pointing at it while a test wants that.
class TimeZoneDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sentinel-tzdb-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    if (const char* old = std::getenv("TZDIR")) {
      old_tzdir_ = old;
    }
  }
  void TearDown() override {
    if (old_tzdir_) {
      ::setenv("TZDIR", old_tzdir_->c_str(), 1);
    } else {
      ::unsetenv("TZDIR");
    }
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }

  void Write(const std::string& name, const std::string& data) {
    const fs::path path = fs::path(dir_) / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << data;
  }

  void CopySystemZone(const std::string& from, const std::string& to) {
    std::ifstream in("/usr/share/zoneinfo/" + from, std::ios::binary);
    ASSERT_TRUE(in.good()) << from;
    Write(to, std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  }

  std::string dir_;
  std::optional<std::string> old_tzdir_;
};

TEST_F(TimeZoneDbTest, ReadsAZoneFromTheGivenDirectory) {
  CopySystemZone("Europe/Berlin", "Test/Berlin");
  auto zone = ReadTimeZone(dir_, "Test/Berlin");
  ASSERT_TRUE(zone.has_value()) << zone.error().message();
  EXPECT_EQ(zone->name(), "Test/Berlin");
  EXPECT_EQ(zone->OffsetAt(TimePoint(std::chrono::seconds(1782864000))),  // 2026-07-01
            std::chrono::hours(2));
}

TEST_F(TimeZoneDbTest, ReadErrorsSayWhatAndWhy) {
  Write("Test/NotTzif", "# a comment, not a zone\n");
  Write("Test/Big", std::string((1 << 20) + 1, 'x'));
  fs::create_directories(fs::path(dir_) / "Test/Dir");
  const struct {
    const char* name;
    ErrorCode code;
    std::string message;
  } cases[] = {
      {"Test/Missing", ErrorCode::kNotFound, "no time zone 'Test/Missing'"},
      {"Test/Dir", ErrorCode::kNotFound, "no time zone 'Test/Dir'"},
      {"Test/NotTzif/x", ErrorCode::kNotFound, "no time zone 'Test/NotTzif/x'"},
      {"../etc/passwd", ErrorCode::kNotFound, "no time zone '../etc/passwd'"},
      {"Test/NotTzif", ErrorCode::kInvalidInput,
       "time zone 'Test/NotTzif' (" + dir_ +
           "/Test/NotTzif): TZif data: truncated in the header (want 44 bytes at offset 0, have "
           "24)"},
      {"Test/Big", ErrorCode::kInvalidInput,
       "time zone 'Test/Big' (" + dir_ + "/Test/Big): larger than 1048576 bytes"},
  };
  for (const auto& c : cases) {
    auto zone = ReadTimeZone(dir_, c.name);
    ASSERT_FALSE(zone.has_value()) << c.name;
    EXPECT_EQ(zone.error().code(), c.code) << c.name;
    EXPECT_EQ(zone.error().message(), c.message) << c.name;
  }
}

TEST_F(TimeZoneDbTest, UnreadableFileIsUnavailable) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads any file";
  }
  CopySystemZone("UTC", "Test/Locked");
  ::chmod((dir_ + "/Test/Locked").c_str(), 0);
  auto zone = ReadTimeZone(dir_, "Test/Locked");
  ASSERT_FALSE(zone.has_value());
  EXPECT_EQ(zone.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(zone.error().message(), StartsWith("reading time zone 'Test/Locked' ("));
}

TEST_F(TimeZoneDbTest, DirectoryComesFromTzdirOrTheSystem) {
  ::unsetenv("TZDIR");
  EXPECT_EQ(TimeZoneDirectory(), "/usr/share/zoneinfo");
  ::setenv("TZDIR", "", 1);
  EXPECT_EQ(TimeZoneDirectory(), "/usr/share/zoneinfo");
  ::setenv("TZDIR", dir_.c_str(), 1);
  EXPECT_EQ(TimeZoneDirectory(), dir_);
}

TEST_F(TimeZoneDbTest, LoadsEachZoneOncePerProcess) {
  // A name no other test loads, since the cache lives as long as the process.
  CopySystemZone("Asia/Kolkata", "Sentinel_Test/Kolkata");
  ::setenv("TZDIR", dir_.c_str(), 1);
  auto first = LoadTimeZone("Sentinel_Test/Kolkata");
  ASSERT_TRUE(first.has_value()) << first.error().message();
  EXPECT_EQ((*first)->OffsetAt(TimePoint{}), std::chrono::minutes(330));

  // The file is gone, and TZDIR points elsewhere: the cached zone is still handed out.
  fs::remove(fs::path(dir_) / "Sentinel_Test/Kolkata");
  ::unsetenv("TZDIR");
  auto second = LoadTimeZone("Sentinel_Test/Kolkata");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*first, *second);

  // Failures are not cached: a zone that appears later is found.
  ::setenv("TZDIR", dir_.c_str(), 1);
  auto missing = LoadTimeZone("Sentinel_Test/Later");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  CopySystemZone("UTC", "Sentinel_Test/Later");
  EXPECT_TRUE(LoadTimeZone("Sentinel_Test/Later").has_value());
}

TEST_F(TimeZoneDbTest, ListsValidTzifFilesSorted) {
  CopySystemZone("Europe/Berlin", "Europe/Berlin");
  CopySystemZone("UTC", "UTC");
  CopySystemZone("America/Argentina/Salta", "America/Argentina/Salta");
  CopySystemZone("UTC", "posixrules");
  CopySystemZone("UTC", "Factory");
  CopySystemZone("UTC", "right/UTC");
  CopySystemZone("UTC", "posix/UTC");
  CopySystemZone("UTC", "Bad Name");
  Write("zone.tab", "# not a zone\n");
  EXPECT_THAT(ListTimeZones(dir_), ElementsAre("America/Argentina/Salta", "Europe/Berlin", "UTC"));
  EXPECT_TRUE(ListTimeZones(dir_ + "/does-not-exist").empty());
}

TEST(TimeZoneDbSystemTest, ListsTheSystemDatabase) {
  const std::vector<std::string> zones = ListTimeZones("/usr/share/zoneinfo");
  EXPECT_GT(zones.size(), 400u);
  EXPECT_THAT(zones, Contains("Europe/Berlin"));
  EXPECT_THAT(zones, Contains("America/New_York"));
  EXPECT_THAT(zones, Contains("UTC"));
  EXPECT_THAT(zones, Not(Contains("zone.tab")));
  EXPECT_THAT(zones, Not(Contains("tzdata.zi")));
  for (const std::string& name : zones) {
    EXPECT_TRUE(ReadTimeZone("/usr/share/zoneinfo", name).has_value()) << name;
  }
}

}  // namespace
}  // namespace sentinel
