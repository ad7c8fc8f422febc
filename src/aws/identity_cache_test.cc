#include "aws/identity_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "aws/test_support/files.h"
#include "core/time_format.h"

namespace sentinel::aws {
namespace {

using ::sentinel::aws::test_support::ModeOf;
using ::sentinel::aws::test_support::ReadFile;

namespace fs = std::filesystem;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

const std::string kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const std::string kToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";

Credentials Keys() { return Credentials{"AKIDEXAMPLE", Secret(kSecret), Secret(kToken), {}}; }

const CallerIdentity kAlice{"arn:aws:iam::123456789012:user/alice", "123456789012",
                            "AIDAEXAMPLEUSERID"};

// Writes `text` as a private file, as the cache would.
void WritePrivate(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
}

class IdentityCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sentinel-identity-cache-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    directory_ = root_ / "cache" / "sentinel";
  }
  void TearDown() override { fs::remove_all(root_); }

  IdentityCache Cache() {
    return IdentityCache(directory_, clock_,
                         [this](std::string_view line) { debug_.emplace_back(line); });
  }

  std::string DebugText() const {
    std::string text;
    for (const std::string& line : debug_) {
      text += line + "\n";
    }
    return text;
  }

  // Stores kAlice now and checks that it reads back, so a later miss is the test's doing.
  fs::path StoreAlice() {
    IdentityCache cache = Cache();
    EXPECT_TRUE(cache.Store(Keys(), kAlice).has_value());
    EXPECT_EQ(cache.Lookup(Keys()), kAlice);
    debug_.clear();
    return cache.EntryPath(Keys());
  }

  fs::path root_;
  fs::path directory_;
  FakeClock clock_{*ParseTime("2026-12-03T17:04:05Z")};
  std::vector<std::string> debug_;
};

TEST_F(IdentityCacheTest, StoresPrivatelyAndReadsBack) {
  IdentityCache cache = Cache();
  EXPECT_EQ(cache.Lookup(Keys()), std::nullopt);
  ASSERT_TRUE(cache.Store(Keys(), kAlice).has_value());
  EXPECT_EQ(cache.Lookup(Keys()), kAlice);

  const fs::path entry = cache.EntryPath(Keys());
  EXPECT_EQ(entry, directory_ /
                       "6b3e89a6946ecf14aecf699c20029b3a9ae508d2b50d17793210b14398f8f7c0"
                       ".json");
  EXPECT_EQ(ModeOf(directory_), 0700u);
  EXPECT_EQ(ModeOf(root_ / "cache"), 0700u);
  EXPECT_EQ(ModeOf(entry), 0600u);

  const std::string text = ReadFile(entry);
  const nlohmann::json json = nlohmann::json::parse(text);
  EXPECT_EQ(json, nlohmann::json({{"arn", kAlice.arn},
                                  {"account", kAlice.account},
                                  {"user_id", kAlice.user_id},
                                  {"cached_at", "2026-12-03T17:04:05Z"}}));
  EXPECT_THAT(text, ::testing::Not(HasSubstr(kSecret)));
  EXPECT_THAT(text, ::testing::Not(HasSubstr(kToken)));
  EXPECT_THAT(DebugText(), ::testing::Not(HasSubstr(kSecret)));
}

TEST_F(IdentityCacheTest, LeavesNoTemporaryFilesBehind) {
  IdentityCache cache = Cache();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(cache.Store(Keys(), kAlice).has_value());
  }
  std::vector<fs::path> files;
  for (const auto& item : fs::directory_iterator(directory_)) {
    files.push_back(item.path());
  }
  EXPECT_EQ(files, std::vector<fs::path>{cache.EntryPath(Keys())});
}

TEST_F(IdentityCacheTest, ARotatedSecretOrAnotherKeyMisses) {
  StoreAlice();
  IdentityCache cache = Cache();
  Credentials rotated = Keys();
  rotated.secret_access_key = Secret("anotherSecretKeyValue0000000000000000000");
  Credentials other = Keys();
  other.access_key_id = "AKIDOTHER";
  EXPECT_EQ(cache.Lookup(rotated), std::nullopt);
  EXPECT_EQ(cache.Lookup(other), std::nullopt);
  // The session token is not part of the key: same long-lived pair, same entry.
  Credentials new_token = Keys();
  new_token.session_token = Secret("other-token");
  EXPECT_EQ(cache.Lookup(new_token), kAlice);
}

TEST_F(IdentityCacheTest, EntriesLastLessThanFifteenMinutes) {
  StoreAlice();
  IdentityCache cache = Cache();
  clock_.Advance(minutes(15) - seconds(1));
  EXPECT_EQ(cache.Lookup(Keys()), kAlice);
  clock_.Advance(seconds(1));
  EXPECT_EQ(cache.Lookup(Keys()), std::nullopt);
  EXPECT_THAT(DebugText(), HasSubstr("expired (cached_at 2026-12-03T17:04:05Z)"));
}

TEST_F(IdentityCacheTest, AnEntryFromTheFutureMisses) {
  StoreAlice();
  IdentityCache cache = Cache();
  clock_.Advance(seconds(-1));
  EXPECT_EQ(cache.Lookup(Keys()), std::nullopt);
  EXPECT_THAT(DebugText(), HasSubstr("cached_at 2026-12-03T17:04:05Z is in the future"));
}

TEST_F(IdentityCacheTest, MalformedEntriesMiss) {
  const fs::path entry = StoreAlice();
  const struct {
    std::string text;
    std::string_view why;
  } cases[] = {
      {"", "not a JSON object"},
      {"garbage", "not a JSON object"},
      {"[1,2]", "not a JSON object"},
      {R"({"arn":"a","account":"1","user_id":"u"})", R"(missing or empty "cached_at")"},
      {R"({"arn":"","account":"1","user_id":"u","cached_at":"2026-12-03T17:04:05Z"})",
       R"(missing or empty "arn")"},
      {R"({"arn":"a","account":1,"user_id":"u","cached_at":"2026-12-03T17:04:05Z"})",
       R"(missing or empty "account")"},
      {R"({"arn":"a","account":"1","user_id":null,"cached_at":"2026-12-03T17:04:05Z"})",
       R"(missing or empty "user_id")"},
      {R"({"arn":"a","account":"1","user_id":"u","cached_at":"yesterday"})",
       "cached_at is not an RFC 3339 time"},
      {std::string(70 * 1024, ' '), "larger than 65536 bytes"},
  };
  IdentityCache cache = Cache();
  for (const auto& c : cases) {
    WritePrivate(entry, c.text);
    debug_.clear();
    EXPECT_EQ(cache.Lookup(Keys()), std::nullopt) << c.text;
    EXPECT_THAT(DebugText(), HasSubstr(c.why)) << c.text;
  }
}

TEST_F(IdentityCacheTest, EveryTruncatedEntryMisses) {
  const fs::path entry = StoreAlice();
  const std::string text = ReadFile(entry);
  ASSERT_TRUE(text.ends_with("}\n"));
  IdentityCache cache = Cache();
  for (std::size_t n = 0; n + 1 < text.size(); ++n) {
    WritePrivate(entry, text.substr(0, n));
    EXPECT_EQ(cache.Lookup(Keys()), std::nullopt) << n;
  }
  WritePrivate(entry, text.substr(0, text.size() - 1));
  EXPECT_EQ(cache.Lookup(Keys()), kAlice) << "only the newline is optional";
}

TEST_F(IdentityCacheTest, FilesOthersCanAccessMiss) {
  const fs::path entry = StoreAlice();
  IdentityCache cache = Cache();
  for (mode_t mode : {0644, 0640, 0604, 0620, 0660, 0601}) {
    ASSERT_EQ(::chmod(entry.c_str(), mode), 0);
    debug_.clear();
    EXPECT_EQ(cache.Lookup(Keys()), std::nullopt) << std::oct << mode;
    EXPECT_THAT(DebugText(), HasSubstr("group- or world-accessible (mode 0"));
  }
}

TEST_F(IdentityCacheTest, FilesOwnedBySomeoneElseMiss) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "giving a file away needs root";
  }
  const fs::path entry = StoreAlice();
  ASSERT_EQ(::chown(entry.c_str(), 54321, 54321), 0);
  EXPECT_EQ(Cache().Lookup(Keys()), std::nullopt);
  EXPECT_THAT(DebugText(), HasSubstr("owned by uid 54321, not by this user"));
}

TEST_F(IdentityCacheTest, LinksAndSpecialFilesMiss) {
  const fs::path entry = StoreAlice();
  IdentityCache cache = Cache();

  // A second hard link could be a swap of entries between keys.
  const fs::path other = directory_ / "other.json";
  ASSERT_EQ(::link(entry.c_str(), other.c_str()), 0);
  EXPECT_EQ(cache.Lookup(Keys()), std::nullopt);
  EXPECT_THAT(DebugText(), HasSubstr("has 2 links"));
  fs::remove(other);

  // A symbolic link is not followed.
  const fs::path target = root_ / "target.json";
  fs::rename(entry, target);
  fs::create_symlink(target, entry);
  debug_.clear();
  EXPECT_EQ(cache.Lookup(Keys()), std::nullopt);
  EXPECT_THAT(DebugText(), HasSubstr("no entry for AKIDEXAMPLE ("));
  fs::remove(entry);

  // A FIFO must not block the lookup.
  ASSERT_EQ(::mkfifo(entry.c_str(), 0600), 0);
  debug_.clear();
  EXPECT_EQ(cache.Lookup(Keys()), std::nullopt);
  EXPECT_THAT(DebugText(), HasSubstr("not a regular file"));
}

TEST_F(IdentityCacheTest, ADirectoryOthersCanWriteIsNotTrustedUntilTightened) {
  StoreAlice();
  ASSERT_EQ(::chmod(directory_.c_str(), 0777), 0);
  IdentityCache cache = Cache();
  EXPECT_EQ(cache.Lookup(Keys()), std::nullopt);
  EXPECT_THAT(DebugText(), HasSubstr("writable only by it (mode 0777)"));

  ASSERT_TRUE(cache.Store(Keys(), kAlice).has_value());
  EXPECT_EQ(ModeOf(directory_), 0700u);
  EXPECT_EQ(cache.Lookup(Keys()), kAlice);
}

TEST_F(IdentityCacheTest, StoreFailsWhenTheDirectoryCannotBeMade) {
  fs::create_directories(root_ / "cache");
  std::ofstream(directory_) << "a file where the directory should be";
  auto stored = Cache().Store(Keys(), kAlice);
  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(stored.error().message(), HasSubstr("is not a directory owned by this user"));
}

TEST_F(IdentityCacheTest, GetOrFetchFetchesOnceThenUsesTheCache) {
  IdentityCache cache = Cache();
  int fetches = 0;
  auto fetch = [&]() -> Result<CallerIdentity> {
    ++fetches;
    return kAlice;
  };
  EXPECT_EQ(cache.GetOrFetch(Keys(), fetch), kAlice);
  EXPECT_EQ(cache.GetOrFetch(Keys(), fetch), kAlice);
  EXPECT_EQ(fetches, 1);
  clock_.Advance(minutes(15));
  EXPECT_EQ(cache.GetOrFetch(Keys(), fetch), kAlice);
  EXPECT_EQ(fetches, 2);
}

TEST_F(IdentityCacheTest, GetOrFetchPassesFetchErrorsThroughAndCachesNothing) {
  IdentityCache cache = Cache();
  auto got = cache.GetOrFetch(Keys(), []() -> Result<CallerIdentity> {
    return Fail(ErrorCode::kUnavailable, "sts GetCallerIdentity: ExpiredToken: expired");
  });
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(), "sts GetCallerIdentity: ExpiredToken: expired");
  EXPECT_FALSE(fs::exists(cache.EntryPath(Keys())));
}

TEST_F(IdentityCacheTest, GetOrFetchSurvivesACacheThatCannotBeWritten) {
  fs::create_directories(root_ / "cache");
  std::ofstream(directory_) << "not a directory";
  IdentityCache cache = Cache();
  int fetches = 0;
  auto fetch = [&]() -> Result<CallerIdentity> {
    ++fetches;
    return kAlice;
  };
  EXPECT_EQ(cache.GetOrFetch(Keys(), fetch), kAlice);
  EXPECT_EQ(cache.GetOrFetch(Keys(), fetch), kAlice);
  EXPECT_EQ(fetches, 2);
  EXPECT_THAT(DebugText(), HasSubstr("is not a directory owned by this user"));
}

TEST_F(IdentityCacheTest, ConcurrentWritersNeverExposeAPartialEntry) {
  StoreAlice();
  const CallerIdentity bob{"arn:aws:sts::123456789012:assumed-role/R/bob", "123456789012",
                           "AROAEXAMPLE:bob"};
  IdentityCache cache(directory_, clock_);
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 200; ++i) {
        if (!cache.Store(Keys(), w == 0 ? kAlice : bob).has_value()) {
          ++bad;
        }
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      while (!stop) {
        auto got = cache.Lookup(Keys());
        if (!got || (*got != kAlice && *got != bob)) {
          ++bad;
        }
      }
    });
  }
  threads[0].join();
  threads[1].join();
  stop = true;
  threads[2].join();
  threads[3].join();
  EXPECT_EQ(bad, 0);
}

TEST(IdentityCacheDirectoryTest, FollowsXdgThenHome) {
  const struct {
    std::string_view xdg;
    std::string_view home;
    std::string_view want;
  } cases[] = {
      {"/x/cache", "/home/a", "/x/cache/sentinel"},
      {"", "/home/a", "/home/a/.cache/sentinel"},
      {"relative/cache", "/home/a", "/home/a/.cache/sentinel"},
  };
  for (const auto& c : cases) {
    auto got = IdentityCacheDirectory(c.xdg, c.home);
    ASSERT_TRUE(got.has_value()) << c.xdg;
    EXPECT_EQ(got->string(), c.want);
  }
  for (std::string_view home : {"", "home"}) {
    auto got = IdentityCacheDirectory("", home);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
    EXPECT_EQ(got.error().message(),
              "identity cache: neither XDG_CACHE_HOME nor HOME is an absolute path");
  }
}

}  // namespace
}  // namespace sentinel::aws
