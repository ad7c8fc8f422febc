#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "aws/test_support/files.h"
#include "store/store_contract_test.h"

namespace sentinel::store {
namespace {

using ::sentinel::aws::test_support::ModeOf;

namespace fs = std::filesystem;
using namespace std::chrono;

// A private temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "sentinel-store-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class SqliteHarness final : public StoreHarness {
 public:
  Result<std::unique_ptr<Store>> Open(const Clock& clock) override {
    auto store = SqliteStore::Open(dir_.path() / "state" / "sentinel.db", clock);
    if (!store) {
      return std::unexpected(store.error());
    }
    return std::unique_ptr<Store>(std::move(*store));
  }

 private:
  TempDir dir_;
};

std::unique_ptr<StoreHarness> MakeSqliteHarness() { return std::make_unique<SqliteHarness>(); }

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(StoreBackend{"Sqlite", &MakeSqliteHarness}),
                         StoreBackendName);

// ===== SQLite specifics ==================================================================

const TimePoint kT0 = sys_days(2026y / December / 3) + hours(9);

// Runs one SQL statement on a separate raw connection and returns the first column of
// every row, to look at the file the way any other SQLite client would.
std::vector<std::string> RawQuery(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> rows;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(stmt, 0);
    rows.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

// Returns the plan's detail lines for `sql`, every parameter bound to NULL.
std::string QueryPlan(const fs::path& path, const std::string& sql) {
  std::string plan;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  const std::string explain = "EXPLAIN QUERY PLAN " + sql;
  EXPECT_EQ(sqlite3_prepare_v2(db, explain.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    plan += "\n";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return plan;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  fs::path DbPath() const { return dir_.path() / "state" / "sentinel.db"; }

  Result<std::unique_ptr<SqliteStore>> Open() { return SqliteStore::Open(DbPath(), clock_); }

  TempDir dir_;
  FakeClock clock_{kT0};
};

TEST_F(SqliteStoreTest, CreatesAPrivateDirectoryAndFile) {
  const fs::path path = dir_.path() / "a" / "b" / "sentinel.db";
  auto store = SqliteStore::Open(path, clock_);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  EXPECT_EQ(ModeOf(dir_.path() / "a"), 0700u);
  EXPECT_EQ(ModeOf(dir_.path() / "a" / "b"), 0700u);
  EXPECT_EQ(ModeOf(path), 0600u);
  // Write something so the WAL exists; SQLite gives it the database file's mode.
  ASSERT_TRUE((*store)->EnqueueNotification("webhook", "{}").has_value());
  ASSERT_TRUE(fs::exists(path.string() + "-wal"));
  EXPECT_EQ(ModeOf(path.string() + "-wal"), 0600u);
  EXPECT_EQ(ModeOf(path.string() + "-shm"), 0600u);
}

TEST_F(SqliteStoreTest, ModeIsPrivateWhateverTheUmask) {
  const mode_t old = ::umask(0);
  auto store = Open();
  ::umask(old);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  EXPECT_EQ(ModeOf(DbPath().parent_path()), 0700u);
  EXPECT_EQ(ModeOf(DbPath()), 0600u);
}

TEST_F(SqliteStoreTest, TightensAnExistingFileThatOthersCouldRead) {
  ASSERT_TRUE(Open().has_value());
  ASSERT_EQ(::chmod(DbPath().c_str(), 0666), 0);
  auto store = Open();
  ASSERT_TRUE(store.has_value()) << store.error().message();
  EXPECT_EQ(ModeOf(DbPath()), 0600u);
}

TEST_F(SqliteStoreTest, RefusesADirectoryOthersCanWrite) {
  fs::create_directories(DbPath().parent_path());
  ASSERT_EQ(::chmod(DbPath().parent_path().c_str(), 0777), 0);
  auto store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message(),
            "opening sqlite store " + DbPath().string() + ": directory " +
                DbPath().parent_path().string() +
                " is writable by other users (mode 0777), so they could replace the store");
  EXPECT_EQ(store.error().hint(), "chmod 700 " + DbPath().parent_path().string() +
                                      ", or keep the store in a private directory");
  EXPECT_FALSE(fs::exists(DbPath())) << "nothing was created";
}

TEST_F(SqliteStoreTest, RefusesAFileOwnedBySomeoneElse) {
  ASSERT_TRUE(Open().has_value());
  if (::geteuid() != 0 || ::chown(DbPath().c_str(), 65534, 65534) != 0) {
    GTEST_SKIP() << "needs root to give the file away";
  }
  auto store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message(),
            "opening sqlite store " + DbPath().string() + ": " + DbPath().string() +
                " belongs to another user (uid 65534); sentinel only uses a store it owns");
}

TEST_F(SqliteStoreTest, RefusesAPathThatIsNotARegularFile) {
  fs::create_directories(DbPath());
  auto store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message(), "opening sqlite store " + DbPath().string() + ": " +
                                         DbPath().string() + " is not a regular file");

  auto no_name = SqliteStore::Open(dir_.path() / "", clock_);
  ASSERT_FALSE(no_name.has_value());
  EXPECT_NE(no_name.error().message().find("does not name a file"), std::string::npos)
      << no_name.error().message();
}

TEST_F(SqliteStoreTest, UsesWalMode) {
  ASSERT_TRUE(Open().has_value());
  EXPECT_EQ(RawQuery(DbPath(), "PRAGMA journal_mode"), std::vector<std::string>{"wal"});
}

TEST_F(SqliteStoreTest, MigratesAnEmptyFileToTheCurrentSchema) {
  fs::create_directories(DbPath().parent_path());
  std::ofstream(DbPath()).close();  // zero bytes: what a crash before the first write leaves
  ASSERT_EQ(fs::file_size(DbPath()), 0u);
  auto store = Open();
  ASSERT_TRUE(store.has_value()) << store.error().message();
  EXPECT_EQ(RawQuery(DbPath(), "PRAGMA user_version"),
            std::vector<std::string>{std::to_string(SqliteStore::kSchemaVersion)});
  EXPECT_EQ(RawQuery(DbPath(),
                     "SELECT name FROM sqlite_master WHERE type = 'table' "
                     "AND name NOT LIKE 'sqlite_%' ORDER BY name"),
            (std::vector<std::string>{"events", "outbox", "requests"}));
  // Opening again leaves the version where it is and keeps the data.
  ASSERT_TRUE((*store)->EnqueueNotification("webhook", "{}").has_value());
  store->reset();
  auto again = Open();
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(RawQuery(DbPath(), "SELECT count(*) FROM outbox"), std::vector<std::string>{"1"});
}

TEST_F(SqliteStoreTest, RefusesASchemaNewerThanThisBuild) {
  ASSERT_TRUE(Open().has_value());
  RawQuery(DbPath(), "PRAGMA user_version = 99");
  auto store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message(), "sqlite store " + DbPath().string() +
                                         " has schema version 99, newer than this sentinel "
                                         "understands (1)");
  EXPECT_EQ(store.error().hint(), "upgrade sentinel, or point `store:` at another file");
}

TEST_F(SqliteStoreTest, ACorruptFileIsAClearError) {
  fs::create_directories(DbPath().parent_path());
  {
    std::ofstream out(DbPath(), std::ios::binary);
    for (int i = 0; i < 4096; ++i) {
      out.put(static_cast<char>(i * 7));
    }
  }
  ::chmod(DbPath().c_str(), 0600);
  auto store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message(), "switching to WAL mode: sqlite store " + DbPath().string() +
                                         ": file is not a database");
  EXPECT_NE(store.error().hint().find("is not a sentinel store or is damaged"), std::string::npos);
}

TEST_F(SqliteStoreTest, ATruncatedDatabaseIsAClearError) {
  {
    auto store = Open();
    ASSERT_TRUE(store.has_value());
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE((*store)->EnqueueNotification("webhook", std::string(1000, 'x')).has_value());
    }
  }
  RawQuery(DbPath(), "PRAGMA wal_checkpoint(TRUNCATE)");
  fs::remove(DbPath().string() + "-wal");
  fs::remove(DbPath().string() + "-shm");
  const auto size = fs::file_size(DbPath());
  ASSERT_GT(size, 8192u);
  fs::resize_file(DbPath(), size / 2);
  auto store = Open();
  Status outcome;
  if (store) {
    // The header may survive; the damage then shows on the first read of the lost pages.
    auto read = (*store)->ClaimDueNotifications(kT0, 1000, minutes(1));
    outcome = read ? Status() : Status(std::unexpected(read.error()));
  } else {
    outcome = std::unexpected(store.error());
  }
  ASSERT_FALSE(outcome.has_value()) << "reading a half-truncated store must fail";
  EXPECT_EQ(outcome.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(outcome.error().message().find("sqlite store " + DbPath().string() +
                                           ": database disk image is malformed"),
            std::string::npos)
      << outcome.error().message();
  EXPECT_NE(outcome.error().hint().find("restore it from a backup"), std::string::npos);
}

TEST_F(SqliteStoreTest, StoreErrorsNameTheOperationAndTheFile) {
  auto store = Open();
  ASSERT_TRUE(store.has_value());
  RawQuery(DbPath(), "DROP TABLE requests");
  auto got = (*store)->GetRequest("0123456789abcdef");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(), "reading request 0123456789abcdef: sqlite store " +
                                       DbPath().string() + ": no such table: requests");
}

TEST_F(SqliteStoreTest, HotLookupsAreAnsweredFromAnIndex) {
  ASSERT_TRUE(Open().has_value());
  const std::string usable = QueryPlan(DbPath(), SqliteStore::kFindUsableRequestSql);
  EXPECT_NE(usable.find("USING INDEX requests_usable"), std::string::npos) << usable;
  EXPECT_EQ(usable.find("TEMP B-TREE"), std::string::npos) << "no sort step: " << usable;
  const std::string active = QueryPlan(DbPath(), SqliteStore::kFindActiveEventSql);
  EXPECT_NE(active.find("USING INDEX events_one_active"), std::string::npos) << active;
  for (const std::string& plan : {usable, active}) {
    EXPECT_EQ(plan.find("SCAN"), std::string::npos) << "a full scan: " << plan;
  }
}

TEST_F(SqliteStoreTest, AWriterWaitsForAnotherProcessesLockInsteadOfFailing) {
  auto store = Open();
  ASSERT_TRUE(store.has_value());
  // Another connection takes the write lock and holds it for a while.
  std::thread holder([path = DbPath()] {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    std::this_thread::sleep_for(milliseconds(600));
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  });
  std::this_thread::sleep_for(milliseconds(100));
  const auto start = steady_clock::now();
  auto created = (*store)->CreateEvent(*NewEvent(
      "0123456789abcdef", {"alice", "prod", "incident", "the primary database is down"}, kT0));
  const auto waited = steady_clock::now() - start;
  holder.join();
  ASSERT_TRUE(created.has_value()) << created.error().message();
  EXPECT_GE(waited, milliseconds(300)) << "the write happened while the lock was held?";
}

TEST_F(SqliteStoreTest, TwentyProcessesOpeningANewFileAtOnceAllSucceed) {
  constexpr int kChildren = 20;
  int go[2];
  ASSERT_EQ(::pipe(go), 0);
  std::vector<pid_t> pids;
  for (int i = 0; i < kChildren; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(go[1]);
      char byte = 0;
      (void)!::read(go[0], &byte, 1);
      FakeClock clock(kT0);
      auto store = SqliteStore::Open(DbPath(), clock);
      if (!store) {
        std::fprintf(stderr, "child %d: %s\n", i, store.error().message().c_str());
      }
      ::_exit(store.has_value() ? 0 : 1);
    }
    ASSERT_GT(pid, 0);
    pids.push_back(pid);
  }
  ::close(go[0]);
  ::close(go[1]);
  int failures = 0;
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    failures += WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(RawQuery(DbPath(), "PRAGMA user_version"), std::vector<std::string>{"1"});
  EXPECT_EQ(RawQuery(DbPath(), "PRAGMA journal_mode"), std::vector<std::string>{"wal"});
}

}  // namespace
}  // namespace sentinel::store
