#include "store/sqlite_setup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace sentinel::store {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kDirMode = 0700;
constexpr mode_t kFileMode = 0600;

std::string OctalMode(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

Error SystemError(std::string what, int error_number) {
  return Error(ErrorCode::kUnavailable, std::move(what) + ": " + std::strerror(error_number));
}

// Creates `dir` and any missing ancestors with mode 0700. Only the directories made here
// are chmod-ed: tightening a directory that already existed (a home, /tmp) is not ours
// to do.
Status CreateDirectories(const fs::path& dir) {
  std::vector<fs::path> missing;
  for (fs::path at = dir; !at.empty(); at = at.parent_path()) {
    struct stat info {};
    if (::stat(at.c_str(), &info) == 0) {
      break;
    }
    missing.push_back(at);
    if (at == at.parent_path()) {
      break;
    }
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), kDirMode) != 0 && errno != EEXIST) {
      return std::unexpected(SystemError("creating directory " + it->string(), errno));
    }
    // mkdir applies the umask; a umask can only remove bits, but say 0700 outright.
    if (::chmod(it->c_str(), kDirMode) != 0) {
      return std::unexpected(SystemError("setting mode 0700 on " + it->string(), errno));
    }
  }
  return {};
}

Status CheckDirectory(const fs::path& dir) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    return std::unexpected(SystemError("checking directory " + dir.string(), errno));
  }
  if (!S_ISDIR(info.st_mode)) {
    return Fail(ErrorCode::kUnavailable, dir.string() + " is not a directory");
  }
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Fail(ErrorCode::kUnavailable,
                "directory " + dir.string() + " is writable by other users (mode " +
                    OctalMode(info.st_mode) + "), so they could replace the store",
                "chmod 700 " + dir.string() + ", or keep the store in a private directory");
  }
  return {};
}

// Creates the file with mode 0600 unless it exists; O_EXCL makes a concurrent creator
// fall through to the checks on an existing file.
Status CreateFileIfMissing(const fs::path& path) {
  const int fd =
      ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode);
  if (fd < 0) {
    if (errno == EEXIST) {
      return {};
    }
    return std::unexpected(SystemError("creating " + path.string(), errno));
  }
  const int chmod_result = ::fchmod(fd, kFileMode);
  const int chmod_errno = errno;
  ::close(fd);
  if (chmod_result != 0) {
    return std::unexpected(SystemError("setting mode 0600 on " + path.string(), chmod_errno));
  }
  return {};
}

// Checks one existing file of the store (the database, its WAL or its shared memory) and
// strips group and other permissions. A missing optional file is fine.
Status SecureExistingFile(const fs::path& path, bool must_exist) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT && !must_exist) {
      return {};
    }
    return std::unexpected(SystemError("checking " + path.string(), errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return Fail(ErrorCode::kUnavailable, path.string() + " is not a regular file");
  }
  if (info.st_uid != ::geteuid()) {
    return Fail(ErrorCode::kUnavailable, path.string() + " belongs to another user (uid " +
                                             std::to_string(info.st_uid) +
                                             "); sentinel only uses a store it owns");
  }
  if ((info.st_mode & 077) != 0 && ::chmod(path.c_str(), kFileMode) != 0) {
    return std::unexpected(SystemError("setting mode 0600 on " + path.string(), errno));
  }
  return {};
}

struct Migration {
  int version;
  const char* sql;
};

// Every schema change ever made, in order. Never edit a released migration: add one.
// Times are Unix seconds; optional times are NULL when unset.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE requests (
  id TEXT PRIMARY KEY NOT NULL,
  requester TEXT NOT NULL,
  profile TEXT NOT NULL,
  justification TEXT NOT NULL,
  duration_seconds INTEGER NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'approved', 'denied', 'cancelled', 'expired')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  approver TEXT NOT NULL,
  approver_comment TEXT NOT NULL,
  decided_at INTEGER,
  access_expires_at INTEGER
);
-- FindUsableRequest: the hot lookup on every denied credential request.
CREATE INDEX requests_usable
  ON requests (requester, profile, access_expires_at, decided_at, id)
  WHERE status = 'approved';
-- ListRequests by requester, profile or status, newest first.
CREATE INDEX requests_requester ON requests (requester, created_at);
CREATE INDEX requests_profile ON requests (profile, created_at);
CREATE INDEX requests_status ON requests (status, created_at);

CREATE TABLE events (
  id TEXT PRIMARY KEY NOT NULL,
  invoker TEXT NOT NULL,
  profile TEXT NOT NULL,
  reason_code TEXT NOT NULL,
  justification TEXT NOT NULL,
  duration_seconds INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'closed', 'expired')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  closed_by TEXT NOT NULL,
  closed_reason TEXT NOT NULL
);
-- SPEC 7's one-active-event rule, enforced by the database itself. Also serves
-- FindActiveEvent.
CREATE UNIQUE INDEX events_one_active ON events (invoker, profile) WHERE status = 'active';
-- Rate limits (counts and the cooldown) and ListEvents, newest first.
CREATE INDEX events_invoker_profile ON events (invoker, profile, created_at);
CREATE INDEX events_invoker ON events (invoker, created_at);
CREATE INDEX events_profile ON events (profile, created_at);
CREATE INDEX events_status ON events (status, created_at);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'abandoned')),
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
)sql"},
};

constexpr int kLatestMigration = kMigrations[std::size(kMigrations) - 1].version;

// Applies one migration unless another process already did, in one transaction so a
// crash halfway leaves the previous version intact.
Status ApplyMigration(SqliteDb& db, const Migration& migration) {
  const std::string operation =
      "migrating the schema to version " + std::to_string(migration.version);
  auto transaction = SqliteTransaction::Begin(db, operation);
  if (!transaction) {
    return std::unexpected(transaction.error());
  }
  auto version = SchemaVersion(db);
  if (!version) {
    return std::unexpected(version.error());
  }
  if (*version >= migration.version) {
    return transaction->Commit();
  }
  if (auto applied = db.Exec(migration.sql, operation); !applied) {
    return applied;
  }
  const std::string set_version = "PRAGMA user_version = " + std::to_string(migration.version);
  if (auto set = db.Exec(set_version.c_str(), operation); !set) {
    return set;
  }
  return transaction->Commit();
}

}  // namespace

Status PrepareStoreFile(const fs::path& path) {
  if (path.empty() || !path.has_filename()) {
    return Fail(ErrorCode::kUnavailable,
                "sqlite store path '" + path.string() + "' does not name a file");
  }
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (auto created = CreateDirectories(dir); !created) {
    return created;
  }
  if (auto checked = CheckDirectory(dir); !checked) {
    return checked;
  }
  if (auto created = CreateFileIfMissing(path); !created) {
    return created;
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (auto secured = SecureExistingFile(path.string() + suffix, *suffix == '\0'); !secured) {
      return secured;
    }
  }
  return {};
}

Result<int> SchemaVersion(SqliteDb& db) {
  auto statement = db.Prepare("PRAGMA user_version", "reading the schema version");
  if (!statement) {
    return std::unexpected(statement.error());
  }
  auto row = statement->Step();
  if (!row) {
    return std::unexpected(row.error());
  }
  if (!*row) {
    return Fail(ErrorCode::kInternal, "reading the schema version: no row");
  }
  return static_cast<int>(statement->Int(0));
}

Status MigrateSchema(SqliteDb& db, int target) {
  auto version = SchemaVersion(db);
  if (!version) {
    return std::unexpected(version.error());
  }
  if (target > kLatestMigration) {
    return Fail(ErrorCode::kInternal,
                "no migration leads to schema version " + std::to_string(target));
  }
  if (*version > target) {
    return Fail(ErrorCode::kUnavailable,
                "sqlite store " + db.path() + " has schema version " + std::to_string(*version) +
                    ", newer than this sentinel understands (" + std::to_string(target) + ")",
                "upgrade sentinel, or point `store:` at another file");
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version > *version && migration.version <= target) {
      if (auto applied = ApplyMigration(db, migration); !applied) {
        return applied;
      }
    }
  }
  return {};
}

}  // namespace sentinel::store
