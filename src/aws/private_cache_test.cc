#include "aws/private_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "aws/test_support/files.h"

namespace sentinel::aws {
namespace {

using ::sentinel::aws::test_support::ModeOf;

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class PrivateCacheDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sentinel-private-cache-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    directory_ = root_ / "a" / "b";
  }
  void TearDown() override { fs::remove_all(root_); }

  PrivateCacheDirectory Files(std::size_t max_size = 64) {
    return PrivateCacheDirectory(directory_, "test cache", max_size,
                                 [this](std::string_view line) { (debug_ += line) += '\n'; });
  }

  fs::path root_;
  fs::path directory_;
  std::string debug_;
};

TEST_F(PrivateCacheDirectoryTest, WritesPrivatelyAndReadsBack) {
  const PrivateCacheDirectory files = Files();
  ASSERT_TRUE(files.Write("entry", "hello\n").has_value());
  EXPECT_EQ(ModeOf(root_ / "a"), 0700u);
  EXPECT_EQ(ModeOf(directory_), 0700u);
  EXPECT_EQ(ModeOf(directory_ / "entry"), 0600u);
  EXPECT_EQ(files.Read("entry"), "hello\n");

  // Replaced whole, with no temporary file left behind.
  ASSERT_TRUE(files.Write("entry", "again\n").has_value());
  EXPECT_EQ(files.Read("entry"), "again\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(directory_), fs::directory_iterator()), 1);
}

TEST_F(PrivateCacheDirectoryTest, AMissingEntryIsAMissNamingWhatWasLookedFor) {
  EXPECT_EQ(Files().Read("entry", "AKIDEXAMPLE"), std::nullopt);
  EXPECT_THAT(debug_, HasSubstr("test cache: no entry for AKIDEXAMPLE"));
}

TEST_F(PrivateCacheDirectoryTest, UntrustedEntriesAreMissesThatSayWhy) {
  const PrivateCacheDirectory files = Files();
  ASSERT_TRUE(files.Write("entry", "hello\n").has_value());
  const fs::path entry = directory_ / "entry";

  ASSERT_EQ(::chmod(entry.c_str(), 0640), 0);
  EXPECT_EQ(files.Read("entry"), std::nullopt);
  EXPECT_THAT(debug_, HasSubstr("group- or world-accessible (mode 0640)"));
  ASSERT_EQ(::chmod(entry.c_str(), 0600), 0);

  ASSERT_EQ(::link(entry.c_str(), (root_ / "second").c_str()), 0);
  EXPECT_EQ(files.Read("entry"), std::nullopt);
  EXPECT_THAT(debug_, HasSubstr("has 2 links"));
  fs::remove(root_ / "second");

  fs::create_symlink(entry, directory_ / "link");
  EXPECT_EQ(files.Read("link"), std::nullopt);
  EXPECT_THAT(debug_, HasSubstr("no entry ("));

  ASSERT_TRUE(files.Write("big", std::string(65, 'x')).has_value());
  EXPECT_EQ(files.Read("big"), std::nullopt);
  EXPECT_THAT(debug_, HasSubstr("larger than 64 bytes"));

  ASSERT_EQ(::chmod(directory_.c_str(), 0770), 0);
  EXPECT_EQ(files.Read("entry"), std::nullopt);
  EXPECT_THAT(debug_, HasSubstr("writable only by it (mode 0770)"));
}

TEST_F(PrivateCacheDirectoryTest, WritingTightensALooseDirectoryOfOurs) {
  fs::create_directories(directory_);
  ASSERT_EQ(::chmod(directory_.c_str(), 0755), 0);
  ASSERT_TRUE(Files().Write("entry", "x").has_value());
  EXPECT_EQ(ModeOf(directory_), 0700u);
}

TEST_F(PrivateCacheDirectoryTest, AWriteThatCannotHappenNamesThePath) {
  fs::create_directories(root_ / "a");
  std::ofstream(directory_) << "a file where the directory should be";
  auto written = Files().Write("entry", "x");
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(written.error().message(),
              HasSubstr("test cache: " + directory_.string() + " is not a directory"));
}

}  // namespace
}  // namespace sentinel::aws
