#include "store/sqlite_db.h"

#include <cstdint>
#include <utility>

namespace sentinel::store {
namespace {

// SQLITE_TRANSIENT spelled without the old-style cast in sqlite3.h: SQLite copies the
// bound text, so callers' buffers need not outlive the statement.
const sqlite3_destructor_type kCopyText =
    reinterpret_cast<sqlite3_destructor_type>(static_cast<std::intptr_t>(-1));

std::int64_t ToUnix(TimePoint time) { return time.time_since_epoch().count(); }

}  // namespace

SqliteStatement::SqliteStatement(SqliteDb& db, sqlite3_stmt* stmt, std::string_view operation)
    : db_(&db), stmt_(stmt), operation_(operation) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      operation_(other.operation_),
      bind_error_(std::move(other.bind_error_)),
      violation_(other.violation_),
      busy_(other.busy_) {}

SqliteStatement::~SqliteStatement() {
  if (stmt_ != nullptr) {
    // The statement stays cached for the next use; only its state is cleared.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

int SqliteStatement::Index(const char* name) {
  const int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0 && bind_error_.empty()) {
    bind_error_ = std::string("no parameter ") + name + " in the statement";
  }
  return index;
}

SqliteStatement& SqliteStatement::Bind(const char* name, std::string_view text) {
  if (const int index = Index(name); index != 0) {
    sqlite3_bind_text64(stmt_, index, text.data(), text.size(), kCopyText, SQLITE_UTF8);
  }
  return *this;
}

SqliteStatement& SqliteStatement::Bind(const char* name, std::int64_t value) {
  if (const int index = Index(name); index != 0) {
    sqlite3_bind_int64(stmt_, index, value);
  }
  return *this;
}

SqliteStatement& SqliteStatement::Bind(const char* name, TimePoint time) {
  return Bind(name, ToUnix(time));
}

SqliteStatement& SqliteStatement::Bind(const char* name, std::optional<TimePoint> time) {
  if (time.has_value()) {
    return Bind(name, *time);
  }
  if (const int index = Index(name); index != 0) {
    sqlite3_bind_null(stmt_, index);
  }
  return *this;
}

Result<bool> SqliteStatement::Step() {
  if (!bind_error_.empty()) {
    return Fail(ErrorCode::kInternal, std::string(operation_) + ": " + bind_error_);
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
    violation_ = rc == SQLITE_CONSTRAINT_PRIMARYKEY ? Violation::kPrimaryKey : Violation::kUnique;
    Error error = db_->MakeError(rc, operation_);
    return Fail(ErrorCode::kConflict, error.message());
  }
  busy_ = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
  return std::unexpected(db_->MakeError(rc, operation_));
}

Status SqliteStatement::Run() {
  for (;;) {
    auto row = Step();
    if (!row) {
      return std::unexpected(row.error());
    }
    if (!*row) {
      return {};
    }
  }
}

std::int64_t SqliteStatement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string SqliteStatement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

TimePoint SqliteStatement::Time(int column) const {
  return TimePoint(std::chrono::seconds(Int(column)));
}

std::optional<TimePoint> SqliteStatement::OptionalTime(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) {
    return std::nullopt;
  }
  return Time(column);
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, bool create,
                                                 std::chrono::milliseconds busy_timeout) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // Wrap first so the handle is closed on every path, including a failed open.
  std::unique_ptr<SqliteDb> wrapped(new SqliteDb(db, path));
  if (rc != SQLITE_OK) {
    return std::unexpected(wrapped->MakeError(rc, "opening the database"));
  }
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  return wrapped;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : statements_) {
    sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db_);
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql, std::string_view operation) {
  auto found = statements_.find(std::string(sql));
  if (found != statements_.end()) {
    return SqliteStatement(*this, found->second, operation);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return std::unexpected(MakeError(rc, operation));
  }
  statements_.emplace(std::string(sql), stmt);
  return SqliteStatement(*this, stmt, operation);
}

Status SqliteDb::Exec(const char* sql, std::string_view operation) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return std::unexpected(MakeError(rc, operation));
  }
  return {};
}

std::int64_t SqliteDb::Changes() const { return sqlite3_changes64(db_); }

std::int64_t SqliteDb::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

Error SqliteDb::MakeError(int code, std::string_view operation) const {
  // sqlite3_errmsg describes the most recent failure on this connection; fall back to
  // the code's generic text when there is no connection (out of memory at open).
  const char* detail = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  std::string message = std::string(operation) + ": sqlite store " + path_ + ": " + detail;
  std::string hint;
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      hint = "another sentinel process kept the store locked; try again";
      break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      hint =
          "the file is not a sentinel store or is damaged; restore it from a backup or "
          "move it aside so sentinel starts a new one";
      break;
    default:
      break;
  }
  return Error(ErrorCode::kUnavailable, std::move(message), std::move(hint));
}

Result<SqliteTransaction> SqliteTransaction::Begin(SqliteDb& db, std::string_view operation) {
  auto begin = db.Prepare("BEGIN IMMEDIATE", operation);
  if (!begin) {
    return std::unexpected(begin.error());
  }
  if (auto ran = begin->Run(); !ran) {
    return std::unexpected(ran.error());
  }
  return SqliteTransaction(db, operation);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), operation_(other.operation_) {}

SqliteTransaction::~SqliteTransaction() {
  if (db_ == nullptr) {
    return;
  }
  // Best effort: if even ROLLBACK fails, SQLite rolls back when the connection closes,
  // and no caller treats an uncommitted transaction as done.
  if (auto rollback = db_->Prepare("ROLLBACK", operation_)) {
    (void)rollback->Run();
  }
}

Status SqliteTransaction::Commit() {
  auto commit = db_->Prepare("COMMIT", operation_);
  if (!commit) {
    return std::unexpected(commit.error());
  }
  if (auto ran = commit->Run(); !ran) {
    return std::unexpected(ran.error());
  }
  db_ = nullptr;
  return {};
}

}  // namespace sentinel::store
