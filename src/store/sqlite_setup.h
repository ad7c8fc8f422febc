// Setting up a SqliteStore's file: safe permissions before SQLite touches it, and the
// versioned schema after.
#ifndef SENTINEL_STORE_SQLITE_SETUP_H_
#define SENTINEL_STORE_SQLITE_SETUP_H_

#include <filesystem>

#include "core/error.h"
#include "store/sqlite_db.h"

namespace sentinel::store {

// Makes `path` safe to open as the store: creates missing parent directories with mode
// 0700, refuses a parent writable by group or others, creates a missing file with mode
// 0600, refuses an existing file that is not a regular file owned by the current user,
// and strips group and other permissions from it and from its "-wal" and "-shm" files.
// Fails with kUnavailable naming the path and, where it helps, a hint.
[[nodiscard]] Status PrepareStoreFile(const std::filesystem::path& path);

// Brings the schema of `db` up to `target` version, one migration per transaction. The
// version is PRAGMA user_version: 0 for a new file. Processes racing through this at the
// same time apply each migration once. Fails with kUnavailable when a migration fails or
// when the database is newer than `target` (written by a newer sentinel).
[[nodiscard]] Status MigrateSchema(SqliteDb& db, int target);

// Returns the schema version recorded in `db`.
[[nodiscard]] Result<int> SchemaVersion(SqliteDb& db);

}  // namespace sentinel::store

#endif  // SENTINEL_STORE_SQLITE_SETUP_H_
