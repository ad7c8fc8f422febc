#include "app/ssm_policy.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/policy_cache.h"
#include "aws/test_support/files.h"
#include "core/time_format.h"

namespace sentinel::app {
namespace {

using ::sentinel::aws::test_support::ModeOf;
using ::sentinel::aws::test_support::ReadFile;

namespace fs = std::filesystem;
using std::chrono::seconds;

const char kPolicyV1[] = R"(version: "1"
rules:
  - name: developers
    effect: allow
    conditions: {profiles: [dev], users: [alice]}
)";

const char kPolicyV2[] = R"(version: "1"
rules:
  - name: nobody
    effect: deny
    conditions: {profiles: [dev]}
)";

class SsmPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sentinel-ssm-policy-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    options_.name = "/sentinel/policies/default";
    options_.endpoint_url = "http://127.0.0.1:5000";
    options_.region = "eu-west-1";
    options_.reader = "profile:base";
    options_.cache_ttl = ttl_;
    options_.cache_directory = root_ / "cache" / "sentinel" / "policies";
    options_.debug = [this](std::string_view line) { debug_ += std::string(line) + "\n"; };
  }
  void TearDown() override { fs::remove_all(root_); }

  // A policy source whose fetches answer with `answer_` and are counted.
  SsmPolicy Policy() {
    return SsmPolicy(
        options_,
        [this]() -> Result<aws::SsmParameter> {
          ++fetches_;
          return answer_;
        },
        clock_);
  }

  void Answer(const char* text, std::int64_t version, std::string type = "String") {
    answer_ = aws::SsmParameter{options_.name, std::move(type), text, version};
  }

  // The source of what Load() returns, or the load error's message.
  std::string LoadedSource(SsmPolicy& policy) {
    auto loaded = policy.Load();
    if (!loaded) {
      return "error: " + loaded.error().message();
    }
    return loaded->source;
  }

  fs::path EntryPath() {
    const PolicyCache cache(options_.cache_directory, clock_);
    return cache.EntryPath(Policy().CacheKey());
  }

  const seconds ttl_{300};
  fs::path root_;
  SsmPolicyOptions options_;
  FakeClock clock_{*ParseTime("2026-12-03T17:00:00Z")};
  Result<aws::SsmParameter> answer_ = Fail(ErrorCode::kInternal, "no answer scripted");
  int fetches_ = 0;
  std::string debug_;
};

TEST_F(SsmPolicyTest, LoadsAndReportsTheVersion) {
  Answer(kPolicyV1, 3);
  SsmPolicy policy = Policy();
  auto loaded = policy.Load();
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  EXPECT_EQ(loaded->source, "ssm:/sentinel/policies/default (version 3)");
  EXPECT_EQ(loaded->document->rules.size(), 1u);
  EXPECT_EQ(policy.SourceUri(), "ssm:/sentinel/policies/default");
  EXPECT_EQ(fetches_, 1);
}

TEST_F(SsmPolicyTest, CacheIsFreshUntilTheTtlEnds) {
  Answer(kPolicyV1, 1);
  SsmPolicy policy = Policy();
  EXPECT_EQ(LoadedSource(policy), "ssm:/sentinel/policies/default (version 1)");

  Answer(kPolicyV2, 2);
  clock_.Advance(ttl_ - seconds(1));
  // Another instance (another process) reads the same entry.
  SsmPolicy other = Policy();
  EXPECT_EQ(LoadedSource(other), "ssm:/sentinel/policies/default (version 1)");
  EXPECT_EQ(fetches_, 1);

  clock_.Advance(seconds(2));
  EXPECT_EQ(LoadedSource(policy), "ssm:/sentinel/policies/default (version 2)");
  EXPECT_EQ(fetches_, 2);
  // The refetched version is cached in turn.
  EXPECT_EQ(LoadedSource(other), "ssm:/sentinel/policies/default (version 2)");
  EXPECT_EQ(fetches_, 2);
}

TEST_F(SsmPolicyTest, AnEntryExactlyTtlOldIsStale) {
  Answer(kPolicyV1, 1);
  SsmPolicy policy = Policy();
  ASSERT_TRUE(policy.Load().has_value());
  clock_.Advance(ttl_);
  Answer(kPolicyV2, 2);
  EXPECT_EQ(LoadedSource(policy), "ssm:/sentinel/policies/default (version 2)");
  EXPECT_EQ(fetches_, 2);
}

TEST_F(SsmPolicyTest, EntryIsPrivateAndHoldsTheSource) {
  Answer(kPolicyV1, 4, "SecureString");
  SsmPolicy policy = Policy();
  ASSERT_TRUE(policy.Load().has_value());
  const fs::path entry = EntryPath();
  EXPECT_EQ(entry.parent_path(), options_.cache_directory);
  EXPECT_EQ(entry.filename().string().size(), 64u + 5u);  // hex SHA-256 + ".json"
  EXPECT_EQ(ModeOf(entry), 0600u);
  EXPECT_EQ(ModeOf(options_.cache_directory), 0700u);
  const nlohmann::json stored = nlohmann::json::parse(ReadFile(entry));
  EXPECT_EQ(stored["uri"], "ssm:/sentinel/policies/default");
  EXPECT_EQ(stored["version"], 4);
  EXPECT_EQ(stored["fetched_at"], "2026-12-03T17:00:00Z");
  EXPECT_EQ(stored["text"], kPolicyV1);
  EXPECT_EQ(stored["key"], policy.CacheKey());
  // No temporary file is left behind.
  EXPECT_EQ(
      std::distance(fs::directory_iterator(options_.cache_directory), fs::directory_iterator()), 1);
}

TEST_F(SsmPolicyTest, ZeroTtlFetchesEveryTime) {
  options_.cache_ttl = seconds(0);
  Answer(kPolicyV1, 1);
  SsmPolicy policy = Policy();
  ASSERT_TRUE(policy.Load().has_value());
  Answer(kPolicyV2, 2);
  EXPECT_EQ(LoadedSource(policy), "ssm:/sentinel/policies/default (version 2)");
  EXPECT_EQ(fetches_, 2);
  EXPECT_FALSE(fs::exists(options_.cache_directory));
}

TEST_F(SsmPolicyTest, SourcesDifferingInEndpointRegionOrReaderDoNotShare) {
  Answer(kPolicyV1, 1);
  SsmPolicy first = Policy();
  ASSERT_TRUE(first.Load().has_value());
  Answer(kPolicyV2, 2);
  for (auto change : {+[](SsmPolicyOptions& o) { o.endpoint_url = "https://ssm.example"; },
                      +[](SsmPolicyOptions& o) { o.region = "us-east-1"; },
                      +[](SsmPolicyOptions& o) { o.reader = "profile:other-account"; },
                      +[](SsmPolicyOptions& o) { o.name = "/sentinel/policies/other"; }}) {
    const SsmPolicyOptions saved = options_;
    change(options_);
    SsmPolicy other = Policy();
    auto loaded = other.Load();
    ASSERT_TRUE(loaded.has_value());
    EXPECT_TRUE(loaded->source.ends_with("(version 2)")) << loaded->source;
    options_ = saved;
  }
  EXPECT_EQ(fetches_, 5);
}

TEST_F(SsmPolicyTest, UntrustworthyEntriesAreRefetched) {
  struct Case {
    const char* name;
    std::function<void(const fs::path&)> spoil;
    const char* debug;
  };
  const Case cases[] = {
      {"corrupt", [](const fs::path& p) { std::ofstream(p, std::ios::trunc) << "{\"key\": [1,"; },
       "not a JSON object"},
      {"truncated",
       [](const fs::path& p) {
         const std::string text = ReadFile(p);
         std::ofstream(p, std::ios::trunc) << text.substr(0, text.size() / 2);
       },
       "not a JSON object"},
      {"other key",
       [](const fs::path& p) {
         nlohmann::json entry = nlohmann::json::parse(ReadFile(p));
         entry["key"] = "ssm:/elsewhere";
         std::ofstream(p, std::ios::trunc) << entry.dump();
       },
       "written for another source"},
      {"bad version",
       [](const fs::path& p) {
         nlohmann::json entry = nlohmann::json::parse(ReadFile(p));
         entry["version"] = "1";
         std::ofstream(p, std::ios::trunc) << entry.dump();
       },
       "missing or malformed fields"},
      {"future",
       [](const fs::path& p) {
         nlohmann::json entry = nlohmann::json::parse(ReadFile(p));
         entry["fetched_at"] = "2030-01-01T00:00:00Z";
         std::ofstream(p, std::ios::trunc) << entry.dump();
       },
       "is in the future"},
      {"group-readable", [](const fs::path& p) { ASSERT_EQ(::chmod(p.c_str(), 0640), 0); },
       "group- or world-accessible (mode 0640)"},
      {"world-readable", [](const fs::path& p) { ASSERT_EQ(::chmod(p.c_str(), 0604), 0); },
       "group- or world-accessible (mode 0604)"},
      {"hard-linked",
       [](const fs::path& p) { fs::create_hard_link(p, p.parent_path() / "extra-link"); },
       "has 2 links"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    fs::remove_all(options_.cache_directory);
    fetches_ = 0;
    debug_.clear();
    Answer(kPolicyV1, 1);
    SsmPolicy policy = Policy();
    ASSERT_TRUE(policy.Load().has_value());
    c.spoil(EntryPath());
    Answer(kPolicyV2, 2);
    EXPECT_EQ(LoadedSource(policy), "ssm:/sentinel/policies/default (version 2)");
    EXPECT_EQ(fetches_, 2);
    EXPECT_NE(debug_.find(c.debug), std::string::npos) << debug_;
  }
}

TEST_F(SsmPolicyTest, ForeignOwnedEntryIsRefetched) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "changing a file's owner needs root";
  }
  Answer(kPolicyV1, 1);
  SsmPolicy policy = Policy();
  ASSERT_TRUE(policy.Load().has_value());
  ASSERT_EQ(::chown(EntryPath().c_str(), 54321, 54321), 0);
  Answer(kPolicyV2, 2);
  EXPECT_EQ(LoadedSource(policy), "ssm:/sentinel/policies/default (version 2)");
  EXPECT_NE(debug_.find("owned by uid 54321"), std::string::npos) << debug_;
}

TEST_F(SsmPolicyTest, UnreadableEntryIsRefetched) {
  Answer(kPolicyV1, 1);
  SsmPolicy policy = Policy();
  ASSERT_TRUE(policy.Load().has_value());
  // A directory where the entry should be: open() works but read() does not.
  fs::remove(EntryPath());
  fs::create_directory(EntryPath());
  Answer(kPolicyV2, 2);
  EXPECT_EQ(LoadedSource(policy), "ssm:/sentinel/policies/default (version 2)");
  EXPECT_NE(debug_.find("not a regular file"), std::string::npos) << debug_;
}

TEST_F(SsmPolicyTest, AnUnwritableCacheIsNotFatal) {
  // The cache directory's parent is a regular file, so it can be made by nobody (root
  // included).
  std::ofstream(root_ / "file") << "x";
  options_.cache_directory = root_ / "file" / "policies";
  Answer(kPolicyV1, 1);
  SsmPolicy policy = Policy();
  EXPECT_EQ(LoadedSource(policy), "ssm:/sentinel/policies/default (version 1)");
  EXPECT_EQ(LoadedSource(policy), "ssm:/sentinel/policies/default (version 1)");
  EXPECT_EQ(fetches_, 2);
  EXPECT_NE(debug_.find("policy cache: creating"), std::string::npos) << debug_;
}

TEST_F(SsmPolicyTest, SsmErrorsSurfaceWithTheirCode) {
  answer_ = Fail(ErrorCode::kNotFound,
                 "ssm GetParameter: ParameterNotFound: Parameter /sentinel/policies/default not "
                 "found.",
                 "check the parameter name");
  SsmPolicy policy = Policy();
  auto missing = policy.Load();
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(missing.error().message(),
            "loading policy ssm:/sentinel/policies/default: ssm GetParameter: ParameterNotFound: "
            "Parameter /sentinel/policies/default not found.");
  EXPECT_EQ(missing.error().hint(), "check the parameter name");

  answer_ = Fail(ErrorCode::kUnavailable, "ssm GetParameter: AccessDeniedException: no");
  auto denied = policy.Load();
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(denied.error().message(),
            "loading policy ssm:/sentinel/policies/default: ssm GetParameter: "
            "AccessDeniedException: no");
}

TEST_F(SsmPolicyTest, AStaleEntryIsNeverUsedWhenSsmFails) {
  Answer(kPolicyV1, 1);
  SsmPolicy policy = Policy();
  ASSERT_TRUE(policy.Load().has_value());
  clock_.Advance(ttl_ + seconds(1));
  answer_ = Fail(ErrorCode::kUnavailable, "ssm GetParameter http://127.0.0.1:5000: refused");
  auto loaded = policy.Load();
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(fetches_, 2);
}

TEST_F(SsmPolicyTest, OnlyStringAndSecureStringAreAccepted) {
  Answer("a,b", 1, "StringList");
  SsmPolicy policy = Policy();
  auto loaded = policy.Load();
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(loaded.error().message(),
            "loading policy ssm:/sentinel/policies/default: the parameter is a StringList; a "
            "policy must be a String or SecureString");
  EXPECT_FALSE(fs::exists(EntryPath()));
}

TEST_F(SsmPolicyTest, ParseErrorsNameTheVersion) {
  Answer("version: \"1\"\nrules:\n  - name: x\n    efect: allow\n", 9);
  SsmPolicy policy = Policy();
  auto loaded = policy.Load();
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(loaded.error().message().find("ssm:/sentinel/policies/default (version 9)"),
            std::string::npos)
      << loaded.error().message();
}

TEST(PolicyCacheDirectoryTest, FollowsXdgThenHome) {
  EXPECT_EQ(*PolicyCacheDirectory("/x/cache", "/home/a"), fs::path("/x/cache/sentinel/policies"));
  EXPECT_EQ(*PolicyCacheDirectory("relative", "/home/a"),
            fs::path("/home/a/.cache/sentinel/policies"));
  EXPECT_EQ(*PolicyCacheDirectory("", "/home/a"), fs::path("/home/a/.cache/sentinel/policies"));
  auto none = PolicyCacheDirectory("", "");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace sentinel::app
