// Lookup speed of the SQLite store on a large history: FindUsableRequest and
// FindActiveEvent, the two store reads on every credential request the policy denies.
//
// The fixture (1,000,000 break-glass events, 100,000 requests) is built once per run in a
// temporary directory, in one transaction with prepared inserts, and removed at exit.
// Run: build/release/store_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "store/sqlite_db.h"
#include "store/sqlite_store.h"

namespace sentinel::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

constexpr int kUsers = 2000;
constexpr int kProfiles = 20;
constexpr int kEvents = 1'000'000;
constexpr int kRequests = 100'000;
// Users 0 .. kLiveUsers-1 hold one active event and one usable approved request, both on
// profile (user % kProfiles). Everything else is history that a lookup must skip.
constexpr int kLiveUsers = 500;

const TimePoint kNow = sys_days(2026y / December / 3) + hours(12);

std::string User(int n) { return "user" + std::to_string(n) + "@example.com"; }
std::string Profile(int n) { return "profile-" + std::to_string(n); }

std::string HexId(std::uint64_t n) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(n));
  return buffer;
}

[[noreturn]] void Die(const Error& error) {
  std::fprintf(stderr, "store_bench: %s\n", error.message().c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> result) {
  if (!result) {
    Die(result.error());
  }
  return std::move(*result);
}

void Check(const Status& status) {
  if (!status) {
    Die(status.error());
  }
}

constexpr char kInsertEvent[] =
    "INSERT INTO events (id, invoker, profile, reason_code, justification, duration_seconds, "
    "status, created_at, updated_at, expires_at, closed_by, closed_reason) VALUES (:id, "
    ":invoker, :profile, 'incident', 'the primary database is down again', :duration, "
    ":status, :created_at, :updated_at, :expires_at, :closed_by, :closed_reason)";

constexpr char kInsertRequest[] =
    "INSERT INTO requests (id, requester, profile, justification, duration_seconds, status, "
    "created_at, updated_at, expires_at, approver, approver_comment, decided_at, "
    "access_expires_at) VALUES (:id, :requester, :profile, 'deploy the weekly release', "
    ":duration, :status, :created_at, :updated_at, :expires_at, :approver, '', :decided_at, "
    ":access_expires_at)";

// Inserts the event history straight through SQL, because Store::CreateEvent commits one
// transaction per event. Live users get their active event first; the rest is closed or
// expired history from the past year, spread over every (user, profile) pair.
void InsertEvents(SqliteDb& db, std::mt19937_64& random) {
  std::uniform_int_distribution<int> user(0, kUsers - 1), profile(0, kProfiles - 1);
  std::uniform_int_distribution<int> age_minutes(60 * 24, 60 * 24 * 365);
  std::uniform_int_distribution<int> duration_minutes(15, 240);
  for (int i = 0; i < kEvents; ++i) {
    const bool live = i < kLiveUsers;
    const int u = live ? i : user(random);
    const TimePoint created = live ? kNow - minutes(10) : kNow - minutes(age_minutes(random));
    const seconds duration = minutes(live ? 60 : duration_minutes(random));
    const bool closed = !live && i % 3 != 0;
    auto insert = Check(db.Prepare(kInsertEvent, "inserting events"));
    insert.Bind(":id", HexId(0x1000000000ull + static_cast<std::uint64_t>(i)))
        .Bind(":invoker", User(u))
        .Bind(":profile", Profile(live ? u % kProfiles : profile(random)))
        .Bind(":duration", static_cast<std::int64_t>(duration.count()))
        .Bind(":status", live     ? "active"
                         : closed ? "closed"
                                  : "expired")
        .Bind(":created_at", created)
        .Bind(":updated_at", closed ? created + duration / 2 : created)
        .Bind(":expires_at", created + duration)
        .Bind(":closed_by", closed ? User(u) : "")
        .Bind(":closed_reason", closed ? "resolved" : "");
    Check(insert.Run());
  }
}

// Same for requests: live users get a usable approval; the rest is a mix of every status,
// including approvals whose access window ended long ago.
void InsertRequests(SqliteDb& db, std::mt19937_64& random) {
  std::uniform_int_distribution<int> user(0, kUsers - 1), profile(0, kProfiles - 1);
  std::uniform_int_distribution<int> age_minutes(60 * 24 * 2, 60 * 24 * 365);
  constexpr const char* kStatuses[] = {"approved", "approved", "denied", "cancelled", "expired"};
  for (int i = 0; i < kRequests; ++i) {
    const bool live = i < kLiveUsers;
    const int u = live ? i : user(random);
    const TimePoint created = live ? kNow - hours(1) : kNow - minutes(age_minutes(random));
    const std::string status = live ? "approved" : kStatuses[i % 5];
    const bool decided = status == "approved" || status == "denied";
    const TimePoint decided_at = created + minutes(20);
    const seconds duration = hours(live ? 8 : 1 + i % 8);
    auto insert = Check(db.Prepare(kInsertRequest, "inserting requests"));
    insert.Bind(":id", HexId(0x2000000000ull + static_cast<std::uint64_t>(i)))
        .Bind(":requester", User(u))
        .Bind(":profile", Profile(live ? u % kProfiles : profile(random)))
        .Bind(":duration", static_cast<std::int64_t>(duration.count()))
        .Bind(":status", status)
        .Bind(":created_at", created)
        .Bind(":updated_at", decided ? decided_at : created)
        .Bind(":expires_at", created + hours(24))
        .Bind(":approver", decided ? "carol" : "")
        .Bind(":decided_at", decided ? std::optional(decided_at) : std::nullopt)
        .Bind(":access_expires_at",
              status == "approved" ? std::optional(decided_at + duration) : std::nullopt);
    Check(insert.Run());
  }
}

// Drops every index the migrations created on the record tables and returns the SQL that
// recreates them (the primary keys stay).
std::vector<std::string> DropIndexes(SqliteDb& db) {
  std::vector<std::pair<std::string, std::string>> found;  // name, sql
  {
    auto select = Check(
        db.Prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                   "AND tbl_name IN ('events', 'requests')",
                   "listing indexes"));
    while (Check(select.Step())) {
      found.emplace_back(select.Text(0), select.Text(1));
    }
  }
  std::vector<std::string> recreate;
  for (const auto& [name, sql] : found) {
    Check(db.Exec(("DROP INDEX " + name).c_str(), "dropping an index"));
    recreate.push_back(sql);
  }
  return recreate;
}

// The store file, built on first use. It lives in a temporary directory removed at exit,
// or, when SENTINEL_BENCH_STORE names a file, there, kept and reused by later runs.
class Fixture {
 public:
  static Fixture& Get() {
    static Fixture fixture;
    return fixture;
  }

  SqliteStore& store() { return *store_; }

  ~Fixture() {
    store_.reset();
    if (!temp_dir_.empty()) {
      std::error_code ignored;
      fs::remove_all(temp_dir_, ignored);
    }
  }

 private:
  Fixture() {
    fs::path path;
    if (const char* kept = std::getenv("SENTINEL_BENCH_STORE"); kept != nullptr && *kept) {
      path = kept;
    } else {
      std::string pattern = (fs::temp_directory_path() / "sentinel-bench-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) {
        Die(Error(ErrorCode::kUnavailable, "cannot make a temporary directory"));
      }
      temp_dir_ = pattern;
      path = temp_dir_ / "sentinel.db";
    }
    const bool reuse = fs::exists(path);
    const auto start = steady_clock::now();
    Check(SqliteStore::Open(path, clock_));  // creates the schema, then closes
    if (!reuse) {
      Fill(path);
    }
    const double took = duration<double>(steady_clock::now() - start).count();
    std::fprintf(stderr, "store_bench: %s %d events and %d requests in %.1f s (%.0f MB)\n",
                 reuse ? "reused" : "built", kEvents, kRequests, took,
                 static_cast<double>(fs::file_size(path)) / (1024.0 * 1024.0));
    store_ = Check(SqliteStore::Open(path, clock_));
  }

  void Fill(const fs::path& path) {
    auto db = Check(SqliteDb::Open(path.string(), /*create=*/false, seconds(5)));
    // Only for building the fixture: a large page cache keeps the randomly ordered index
    // inserts in memory, and a crash mid-build costs nothing but a rerun.
    Check(db->Exec("PRAGMA cache_size = -524288; PRAGMA synchronous = OFF",
                   "tuning the fixture build"));
    std::mt19937_64 random(20261203);
    auto transaction = Check(SqliteTransaction::Begin(*db, "filling the benchmark store"));
    // Building an index once over sorted keys is far cheaper than growing it one random
    // row at a time, so take the schema's own indexes off and put them back afterwards.
    const std::vector<std::string> indexes = DropIndexes(*db);
    InsertEvents(*db, random);
    InsertRequests(*db, random);
    for (const std::string& sql : indexes) {
      Check(db->Exec(sql.c_str(), "recreating an index"));
    }
    Check(transaction.Commit());
    Check(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)", "checkpointing the fixture"));
  }

  fs::path temp_dir_;
  FakeClock clock_{kNow};
  std::unique_ptr<SqliteStore> store_;
};

// Cycles through the live users (hits) or through users with history only (misses).
void BM_FindUsableRequest(benchmark::State& state) {
  const bool hit = state.range(0) == 1;
  SqliteStore& store = Fixture::Get().store();
  int n = 0;
  for (auto _ : state) {
    const int u = hit ? n % kLiveUsers : kLiveUsers + n % (kUsers - kLiveUsers);
    auto found = store.FindUsableRequest(User(u), Profile(u % kProfiles), kNow);
    if (!found || found->has_value() != hit) {
      state.SkipWithError(found ? "unexpected lookup result" : found.error().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(found);
    ++n;
  }
}
BENCHMARK(BM_FindUsableRequest)->ArgName("hit")->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

void BM_FindActiveEvent(benchmark::State& state) {
  const bool hit = state.range(0) == 1;
  SqliteStore& store = Fixture::Get().store();
  int n = 0;
  for (auto _ : state) {
    const int u = hit ? n % kLiveUsers : kLiveUsers + n % (kUsers - kLiveUsers);
    auto found = store.FindActiveEvent(User(u), Profile(u % kProfiles), kNow);
    if (!found || found->has_value() != hit) {
      state.SkipWithError(found ? "unexpected lookup result" : found.error().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(found);
    ++n;
  }
}
BENCHMARK(BM_FindActiveEvent)->ArgName("hit")->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sentinel::store

BENCHMARK_MAIN();
