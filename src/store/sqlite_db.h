// A thin, error-as-value wrapper over one SQLite connection: cached prepared statements,
// named parameters, and BEGIN IMMEDIATE transactions. Used by SqliteStore and by tools
// that fill a store file in bulk (the benchmarks); not a general database layer.
#ifndef SENTINEL_STORE_SQLITE_DB_H_
#define SENTINEL_STORE_SQLITE_DB_H_

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/error.h"

namespace sentinel::store {

class SqliteDb;

// A prepared statement borrowed from SqliteDb's cache for one use. Bind parameters by
// name (":id"), Step through the rows, read columns; the statement is reset and its
// bindings cleared when this object goes away. Binding a name the statement does not
// have is a bug, reported as kInternal by the next Step.
class SqliteStatement {
 public:
  SqliteStatement(SqliteDb& db, sqlite3_stmt* stmt, std::string_view operation);
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  SqliteStatement& Bind(const char* name, std::string_view text);
  SqliteStatement& Bind(const char* name, std::int64_t value);
  SqliteStatement& Bind(const char* name, TimePoint time);                 // as Unix seconds
  SqliteStatement& Bind(const char* name, std::optional<TimePoint> time);  // NULL if unset

  // Advances to the next row: true when a row is ready, false when the statement is
  // done. Fails with kUnavailable naming the operation and the database, or kConflict
  // for a UNIQUE or PRIMARY KEY violation (see constraint_violated()).
  [[nodiscard]] Result<bool> Step();

  // Steps until done, for statements whose rows (if any) are not needed.
  [[nodiscard]] Status Run();

  // After a failed Step: which kind of key constraint failed, if one did.
  enum class Violation { kNone, kPrimaryKey, kUnique };
  Violation constraint_violated() const { return violation_; }

  // After a failed Step: true when it failed because another connection held a lock
  // (SQLITE_BUSY or SQLITE_LOCKED), which is worth a retry where SQLite does not wait.
  bool busy() const { return busy_; }

  // Column readers for the current row (0-based columns).
  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  TimePoint Time(int column) const;
  std::optional<TimePoint> OptionalTime(int column) const;

 private:
  int Index(const char* name);

  SqliteDb* db_;
  sqlite3_stmt* stmt_;
  std::string_view operation_;
  std::string bind_error_;  // first binding mistake, reported by Step
  Violation violation_ = Violation::kNone;
  bool busy_ = false;
};

// One open SQLite connection. Not thread-safe: use it from one thread at a time, and
// never across fork() (a child opens its own).
class SqliteDb {
 public:
  // Opens the database file at `path` read-write (creating it if `create` is set), with
  // extended result codes and a busy timeout, so that a process meeting another's write
  // lock waits up to `busy_timeout` rather than failing at once. Fails with kUnavailable.
  [[nodiscard]] static Result<std::unique_ptr<SqliteDb>> Open(
      const std::string& path, bool create, std::chrono::milliseconds busy_timeout);

  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  // Returns the cached statement for `sql`, preparing it on first use. `operation` says
  // what the caller is doing ("creating request 0123...") for error messages; it must
  // outlive the returned statement. At most one SqliteStatement per SQL text may be alive
  // at a time, since they share the one prepared statement.
  [[nodiscard]] Result<SqliteStatement> Prepare(std::string_view sql, std::string_view operation);

  // Runs one or more statements that take no parameters (schema changes, pragmas).
  [[nodiscard]] Status Exec(const char* sql, std::string_view operation);

  // Number of rows the last INSERT, UPDATE or DELETE changed.
  std::int64_t Changes() const;

  // Rowid of the last successful INSERT.
  std::int64_t LastInsertRowId() const;

  // The kUnavailable error for a failed SQLite call: "<operation>: sqlite store <path>:
  // <SQLite's message>", with a hint when the database was busy or is not a database.
  Error MakeError(int code, std::string_view operation) const;

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// A write transaction begun with BEGIN IMMEDIATE, which takes the database's write lock
// at once (waiting up to the busy timeout). That makes read-modify-write sequences
// serialisable across processes and avoids the deadlock a deferred transaction meets
// when it upgrades from reading to writing. Rolled back on destruction unless committed.
class SqliteTransaction {
 public:
  [[nodiscard]] static Result<SqliteTransaction> Begin(SqliteDb& db, std::string_view operation);

  SqliteTransaction(SqliteTransaction&& other) noexcept;
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  ~SqliteTransaction();

  // Commits. Fails with kUnavailable; the transaction is then rolled back.
  [[nodiscard]] Status Commit();

 private:
  SqliteTransaction(SqliteDb& db, std::string_view operation) : db_(&db), operation_(operation) {}

  SqliteDb* db_;
  std::string_view operation_;
};

}  // namespace sentinel::store

#endif  // SENTINEL_STORE_SQLITE_DB_H_
