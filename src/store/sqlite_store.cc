#include "store/sqlite_store.h"

#include <charconv>
#include <string>
#include <thread>
#include <utility>

#include "core/ids.h"
#include "store/sqlite_db.h"
#include "store/sqlite_setup.h"

namespace sentinel::store {
namespace {

#define SENTINEL_REQUEST_COLUMNS                                                              \
  "id, requester, profile, justification, duration_seconds, status, created_at, updated_at, " \
  "expires_at, approver, approver_comment, decided_at, access_expires_at"
#define SENTINEL_EVENT_COLUMNS                                                               \
  "id, invoker, profile, reason_code, justification, duration_seconds, status, created_at, " \
  "updated_at, expires_at, closed_by, closed_reason"
#define SENTINEL_OUTBOX_COLUMNS \
  "id, channel, payload, state, attempts, created_at, updated_at, next_attempt_at, last_error"

constexpr char kInsertRequestSql[] =
    "INSERT INTO requests (" SENTINEL_REQUEST_COLUMNS
    ") VALUES (:id, :requester, :profile, :justification, :duration_seconds, :status, "
    ":created_at, :updated_at, :expires_at, :approver, :approver_comment, :decided_at, "
    ":access_expires_at)";
constexpr char kGetRequestSql[] =
    "SELECT " SENTINEL_REQUEST_COLUMNS " FROM requests WHERE id = :id";
// The pending period is checked in the same statement as the status, so an approval
// that arrives after the request expired cannot slip in.
constexpr char kUpdateRequestSql[] =
    "UPDATE requests SET status = :status, updated_at = :updated_at, approver = :approver, "
    "approver_comment = :approver_comment, decided_at = :decided_at, "
    "access_expires_at = :access_expires_at "
    "WHERE id = :id AND status = :expected AND CASE WHEN :status = 'expired' "
    "THEN expires_at <= :updated_at ELSE expires_at > :updated_at END";

constexpr char kInsertEventSql[] =
    "INSERT INTO events (" SENTINEL_EVENT_COLUMNS
    ") VALUES (:id, :invoker, :profile, :reason_code, :justification, :duration_seconds, "
    ":status, :created_at, :updated_at, :expires_at, :closed_by, :closed_reason)";
constexpr char kExpireStaleEventsSql[] =
    "UPDATE events SET status = 'expired', updated_at = :now WHERE invoker = :invoker "
    "AND profile = :profile AND status = 'active' AND expires_at <= :now";
constexpr char kGetStoredActiveEventSql[] =
    "SELECT " SENTINEL_EVENT_COLUMNS
    " FROM events WHERE invoker = :invoker AND profile = :profile AND status = 'active'";
constexpr char kGetEventSql[] = "SELECT " SENTINEL_EVENT_COLUMNS " FROM events WHERE id = :id";
constexpr char kUpdateEventSql[] =
    "UPDATE events SET status = :status, updated_at = :updated_at, closed_by = :closed_by, "
    "closed_reason = :closed_reason "
    "WHERE id = :id AND status = :expected AND CASE WHEN :status = 'expired' "
    "THEN expires_at <= :updated_at ELSE expires_at > :updated_at END";
constexpr char kCountByInvokerSql[] =
    "SELECT count(*) FROM events WHERE invoker = :invoker AND created_at >= :since";
constexpr char kCountByProfileSql[] =
    "SELECT count(*) FROM events WHERE profile = :profile AND created_at >= :since";
constexpr char kLastEventTimeSql[] =
    "SELECT max(created_at) FROM events WHERE invoker = :invoker AND profile = :profile";
// Both ride the (invoker|profile, created_at) indexes, stepping over `index` entries.
constexpr char kEventTimeByInvokerSql[] =
    "SELECT created_at FROM events WHERE invoker = :key AND created_at >= :since "
    "ORDER BY created_at LIMIT 1 OFFSET :index";
constexpr char kEventTimeByProfileSql[] =
    "SELECT created_at FROM events WHERE profile = :key AND created_at >= :since "
    "ORDER BY created_at LIMIT 1 OFFSET :index";

constexpr char kEnqueueSql[] =
    "INSERT INTO outbox (channel, payload, state, attempts, created_at, updated_at, "
    "next_attempt_at, last_error) VALUES (:channel, :payload, 'pending', 0, :now, :now, :now, "
    "'')";
constexpr char kDueNotificationsSql[] =
    "SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= :now "
    "ORDER BY next_attempt_at, id LIMIT :limit";
constexpr char kLeaseNotificationSql[] =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = :lease_end, updated_at = :now "
    "WHERE id = :id";
constexpr char kGetNotificationSql[] =
    "SELECT " SENTINEL_OUTBOX_COLUMNS " FROM outbox WHERE id = :id";
constexpr char kDeliveredSql[] =
    "UPDATE outbox SET state = 'delivered', updated_at = :now WHERE id = :id "
    "AND state = 'pending'";
constexpr char kFailedSql[] =
    "UPDATE outbox SET next_attempt_at = :next, last_error = :error, updated_at = :now "
    "WHERE id = :id AND state = 'pending'";
constexpr char kAbandonedSql[] =
    "UPDATE outbox SET state = 'abandoned', last_error = :error, updated_at = :now "
    "WHERE id = :id AND state = 'pending'";

Result<Request> ReadRequest(const SqliteStatement& row) {
  Request request;
  request.id = row.Text(0);
  request.requester = row.Text(1);
  request.profile = row.Text(2);
  request.justification = row.Text(3);
  request.duration_seconds = std::chrono::seconds(row.Int(4));
  auto status = ParseRequestStatus(row.Text(5));
  if (!status) {
    return Fail(ErrorCode::kUnavailable,
                "reading request " + request.id + ": " + status.error().message());
  }
  request.status = *status;
  request.created_at = row.Time(6);
  request.updated_at = row.Time(7);
  request.expires_at = row.Time(8);
  request.approver = row.Text(9);
  request.approver_comment = row.Text(10);
  request.decided_at = row.OptionalTime(11);
  request.access_expires_at = row.OptionalTime(12);
  return request;
}

Result<Event> ReadEvent(const SqliteStatement& row) {
  Event event;
  event.id = row.Text(0);
  event.invoker = row.Text(1);
  event.profile = row.Text(2);
  event.reason_code = row.Text(3);
  event.justification = row.Text(4);
  event.duration_seconds = std::chrono::seconds(row.Int(5));
  auto status = ParseEventStatus(row.Text(6));
  if (!status) {
    return Fail(ErrorCode::kUnavailable,
                "reading break-glass event " + event.id + ": " + status.error().message());
  }
  event.status = *status;
  event.created_at = row.Time(7);
  event.updated_at = row.Time(8);
  event.expires_at = row.Time(9);
  event.closed_by = row.Text(10);
  event.closed_reason = row.Text(11);
  return event;
}

Result<Notification> ReadNotificationRow(const SqliteStatement& row) {
  Notification notification;
  notification.id = std::to_string(row.Int(0));
  notification.channel = row.Text(1);
  notification.payload = row.Text(2);
  const std::string state = row.Text(3);
  if (state == "pending") {
    notification.state = NotificationState::kPending;
  } else if (state == "delivered") {
    notification.state = NotificationState::kDelivered;
  } else if (state == "abandoned") {
    notification.state = NotificationState::kAbandoned;
  } else {
    return Fail(ErrorCode::kUnavailable,
                "reading notification " + notification.id + ": unknown state '" + state + "'");
  }
  notification.attempts = static_cast<int>(row.Int(4));
  notification.created_at = row.Time(5);
  notification.updated_at = row.Time(6);
  notification.next_attempt_at = row.Time(7);
  notification.last_error = row.Text(8);
  return notification;
}

// Reads every row of `statement` with `read`.
template <typename T, typename Reader>
Result<std::vector<T>> ReadAll(SqliteStatement& statement, Reader read) {
  std::vector<T> records;
  for (;;) {
    auto row = statement.Step();
    if (!row) {
      return std::unexpected(row.error());
    }
    if (!*row) {
      return records;
    }
    auto record = read(statement);
    if (!record) {
      return std::unexpected(record.error());
    }
    records.push_back(std::move(*record));
  }
}

// Reads at most one row of `statement` with `read`.
template <typename T, typename Reader>
Result<std::optional<T>> ReadOne(SqliteStatement& statement, Reader read) {
  auto row = statement.Step();
  if (!row) {
    return std::unexpected(row.error());
  }
  if (!*row) {
    return std::optional<T>();
  }
  auto record = read(statement);
  if (!record) {
    return std::unexpected(record.error());
  }
  return std::optional<T>(std::move(*record));
}

// Outbox ids are SQLite rowids; anything else names no notification.
std::optional<std::int64_t> ParseNotificationId(std::string_view id) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc() || end != id.data() + id.size() || id.empty() || value <= 0) {
    return std::nullopt;
  }
  return value;
}

Error NotificationNotFound(std::string_view id) {
  return Error(ErrorCode::kNotFound, "notification '" + std::string(id) + "': not found");
}

// The WHERE clause for a status filter that means the status as read at :now.
const char* RequestStatusClause(RequestStatus status) {
  switch (status) {
    case RequestStatus::kPending:
      return " AND status = 'pending' AND expires_at > :now";
    case RequestStatus::kExpired:
      return " AND (status = 'expired' OR (status = 'pending' AND expires_at <= :now))";
    case RequestStatus::kApproved:
    case RequestStatus::kDenied:
    case RequestStatus::kCancelled:
      return " AND status = :status";
  }
  return " AND status = :status";
}

const char* EventStatusClause(EventStatus status) {
  switch (status) {
    case EventStatus::kActive:
      return " AND status = 'active' AND expires_at > :now";
    case EventStatus::kExpired:
      return " AND (status = 'expired' OR (status = 'active' AND expires_at <= :now))";
    case EventStatus::kClosed:
      return " AND status = :status";
  }
  return " AND status = :status";
}

// WAL lets readers (every credential request) proceed while another process writes.
// Switching a new file to WAL needs an exclusive lock, and SQLite reports a conflict
// there at once instead of waiting, so processes that open a new store together retry
// until the busy timeout has passed.
Status UseWal(SqliteDb& db, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto mode = db.Prepare("PRAGMA journal_mode = WAL", "switching to WAL mode");
    if (!mode) {
      return std::unexpected(mode.error());
    }
    auto row = mode->Step();
    if (row && *row && mode->Text(0) == "wal") {
      return {};
    }
    if (row) {
      return Fail(ErrorCode::kUnavailable, "switching to WAL mode: sqlite store " + db.path() +
                                               ": SQLite kept another journal mode");
    }
    if (!mode->busy() || std::chrono::steady_clock::now() >= deadline) {
      return std::unexpected(row.error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

// The hot lookups name their index: with statistics from a large history the planner may
// prefer a wider index and visit every past event of the pair, and INDEXED BY turns a
// schema change that drops the index into a loud error instead of a slow query.
const char* const SqliteStore::kFindUsableRequestSql =
    "SELECT " SENTINEL_REQUEST_COLUMNS
    " FROM requests INDEXED BY requests_usable"
    " WHERE requester = :requester AND profile = :profile AND status = 'approved'"
    " AND access_expires_at > :now AND decided_at <= :now"
    " ORDER BY access_expires_at DESC, decided_at DESC, id DESC LIMIT 1";

const char* const SqliteStore::kFindActiveEventSql =
    "SELECT " SENTINEL_EVENT_COLUMNS
    " FROM events INDEXED BY events_one_active"
    " WHERE invoker = :invoker AND profile = :profile AND status = 'active'"
    " AND created_at <= :now AND expires_at > :now";

SqliteStore::SqliteStore(std::unique_ptr<SqliteDb> db, const Clock& clock)
    : db_(std::move(db)), clock_(clock) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::filesystem::path& path,
                                                       const Clock& clock) {
  const std::string context = "opening sqlite store " + path.string();
  if (auto prepared = PrepareStoreFile(path); !prepared) {
    return Fail(prepared.error(), context);
  }
  auto db = SqliteDb::Open(path.string(), /*create=*/false, kBusyTimeout);
  if (!db) {
    return std::unexpected(db.error());
  }
  if (auto wal = UseWal(**db, kBusyTimeout); !wal) {
    return std::unexpected(wal.error());
  }
  if (auto migrated = MigrateSchema(**db, kSchemaVersion); !migrated) {
    return std::unexpected(migrated.error());
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db), clock));
}

Status SqliteStore::CreateRequest(const Request& request) {
  const std::string operation = "creating request " + request.id;
  if (!IsRecordId(request.id)) {
    return Fail(ErrorCode::kInvalidInput, operation + ": not a record id");
  }
  auto insert = db_->Prepare(kInsertRequestSql, operation);
  if (!insert) {
    return std::unexpected(insert.error());
  }
  insert->Bind(":id", request.id)
      .Bind(":requester", request.requester)
      .Bind(":profile", request.profile)
      .Bind(":justification", request.justification)
      .Bind(":duration_seconds", static_cast<std::int64_t>(request.duration_seconds.count()))
      .Bind(":status", RequestStatusName(request.status))
      .Bind(":created_at", request.created_at)
      .Bind(":updated_at", request.updated_at)
      .Bind(":expires_at", request.expires_at)
      .Bind(":approver", request.approver)
      .Bind(":approver_comment", request.approver_comment)
      .Bind(":decided_at", request.decided_at)
      .Bind(":access_expires_at", request.access_expires_at);
  if (auto ran = insert->Run(); !ran) {
    if (insert->constraint_violated() == SqliteStatement::Violation::kPrimaryKey) {
      return Fail(ErrorCode::kConflict, operation + ": a request with this id already exists");
    }
    return ran;
  }
  return {};
}

Result<std::optional<Request>> SqliteStore::QueryOneRequest(SqliteStatement& statement) {
  return ReadOne<Request>(statement, ReadRequest);
}

Result<std::optional<Event>> SqliteStore::QueryOneEvent(SqliteStatement& statement) {
  return ReadOne<Event>(statement, ReadEvent);
}

Result<Request> SqliteStore::GetRequest(std::string_view id) {
  const std::string operation = "reading request " + std::string(id);
  auto select = db_->Prepare(kGetRequestSql, operation);
  if (!select) {
    return std::unexpected(select.error());
  }
  select->Bind(":id", id);
  auto found = QueryOneRequest(*select);
  if (!found) {
    return std::unexpected(found.error());
  }
  if (!*found) {
    return Fail(ErrorCode::kNotFound, "request " + std::string(id) + ": not found");
  }
  return std::move(**found);
}

Status SqliteStore::UpdateRequestIf(const Request& updated, RequestStatus expected_old) {
  if (auto arc = CheckRequestArc(updated, expected_old); !arc) {
    return arc;
  }
  const std::string operation = "updating request " + updated.id;
  auto transaction = SqliteTransaction::Begin(*db_, operation);
  if (!transaction) {
    return std::unexpected(transaction.error());
  }
  {
    auto update = db_->Prepare(kUpdateRequestSql, operation);
    if (!update) {
      return std::unexpected(update.error());
    }
    update->Bind(":id", updated.id)
        .Bind(":expected", RequestStatusName(expected_old))
        .Bind(":status", RequestStatusName(updated.status))
        .Bind(":updated_at", updated.updated_at)
        .Bind(":approver", updated.approver)
        .Bind(":approver_comment", updated.approver_comment)
        .Bind(":decided_at", updated.decided_at)
        .Bind(":access_expires_at", updated.access_expires_at);
    if (auto ran = update->Run(); !ran) {
      return ran;
    }
  }
  if (db_->Changes() == 1) {
    return transaction->Commit();
  }
  // Nothing changed: read, under the same lock, what happened instead.
  auto current = GetRequest(updated.id);
  if (!current) {
    return std::unexpected(current.error());
  }
  return std::unexpected(RequestUpdateConflict(*current, updated, expected_old));
}

Result<std::vector<Request>> SqliteStore::ListRequests(const RequestFilter& filter, TimePoint now) {
  if (auto limit = CheckListLimit(filter.limit); !limit) {
    return Fail(limit.error(), "listing requests");
  }
  std::string sql = "SELECT " SENTINEL_REQUEST_COLUMNS " FROM requests WHERE 1 = 1";
  if (filter.requester) {
    sql += " AND requester = :requester";
  }
  if (filter.profile) {
    sql += " AND profile = :profile";
  }
  if (filter.status) {
    sql += RequestStatusClause(*filter.status);
  }
  sql += " ORDER BY created_at DESC, id DESC LIMIT :limit";

  auto select = db_->Prepare(sql, "listing requests");
  if (!select) {
    return std::unexpected(select.error());
  }
  if (filter.requester) {
    select->Bind(":requester", *filter.requester);
  }
  if (filter.profile) {
    select->Bind(":profile", *filter.profile);
  }
  if (filter.status == RequestStatus::kPending || filter.status == RequestStatus::kExpired) {
    select->Bind(":now", now);
  } else if (filter.status) {
    select->Bind(":status", RequestStatusName(*filter.status));
  }
  select->Bind(":limit", static_cast<std::int64_t>(filter.limit));
  return ReadAll<Request>(*select, ReadRequest);
}

Result<std::optional<Request>> SqliteStore::FindUsableRequest(std::string_view requester,
                                                              std::string_view profile,
                                                              TimePoint now) {
  auto select = db_->Prepare(kFindUsableRequestSql, "finding an approved request");
  if (!select) {
    return std::unexpected(select.error());
  }
  select->Bind(":requester", requester).Bind(":profile", profile).Bind(":now", now);
  return QueryOneRequest(*select);
}

Status SqliteStore::CreateEvent(const Event& event) {
  const std::string operation = "creating break-glass event " + event.id;
  if (!IsRecordId(event.id)) {
    return Fail(ErrorCode::kInvalidInput, operation + ": not a record id");
  }
  if (event.status != EventStatus::kActive) {
    return Fail(ErrorCode::kInvalidInput, operation + ": a new event must be active, not " +
                                              std::string(EventStatusName(event.status)));
  }
  auto transaction = SqliteTransaction::Begin(*db_, operation);
  if (!transaction) {
    return std::unexpected(transaction.error());
  }
  if (auto swept = ExpireLapsedEvents(event, operation); !swept) {
    return swept;
  }
  auto insert = db_->Prepare(kInsertEventSql, operation);
  if (!insert) {
    return std::unexpected(insert.error());
  }
  insert->Bind(":id", event.id)
      .Bind(":invoker", event.invoker)
      .Bind(":profile", event.profile)
      .Bind(":reason_code", event.reason_code)
      .Bind(":justification", event.justification)
      .Bind(":duration_seconds", static_cast<std::int64_t>(event.duration_seconds.count()))
      .Bind(":status", EventStatusName(event.status))
      .Bind(":created_at", event.created_at)
      .Bind(":updated_at", event.updated_at)
      .Bind(":expires_at", event.expires_at)
      .Bind(":closed_by", event.closed_by)
      .Bind(":closed_reason", event.closed_reason);
  auto inserted = insert->Run();
  if (inserted) {
    return transaction->Commit();
  }
  switch (insert->constraint_violated()) {
    case SqliteStatement::Violation::kPrimaryKey:
      return Fail(ErrorCode::kConflict,
                  operation + ": a break-glass event with this id already exists");
    case SqliteStatement::Violation::kUnique:
      return std::unexpected(ActiveSlotTaken(event, operation));
    case SqliteStatement::Violation::kNone:
      break;
  }
  return inserted;
}

Status SqliteStore::ExpireLapsedEvents(const Event& event, std::string_view operation) {
  // An event that ran out but was never marked expired would trip the unique index;
  // the caller's transaction marks it now, so only a live event blocks.
  auto sweep = db_->Prepare(kExpireStaleEventsSql, operation);
  if (!sweep) {
    return std::unexpected(sweep.error());
  }
  sweep->Bind(":invoker", event.invoker).Bind(":profile", event.profile).Bind(":now", clock_.Now());
  return sweep->Run();
}

Error SqliteStore::ActiveSlotTaken(const Event& refused, std::string_view operation) {
  // The one-active index refused the insert: name the event that holds the slot.
  auto select = db_->Prepare(kGetStoredActiveEventSql, operation);
  if (!select) {
    return select.error();
  }
  select->Bind(":invoker", refused.invoker).Bind(":profile", refused.profile);
  auto existing = QueryOneEvent(*select);
  if (!existing) {
    return existing.error();
  }
  if (!*existing) {
    return Error(ErrorCode::kConflict, std::string(operation) + ": " + refused.invoker +
                                           " already has an active event on " + refused.profile);
  }
  return OneActiveEventConflict(**existing);
}

Result<Event> SqliteStore::GetEvent(std::string_view id) {
  const std::string operation = "reading break-glass event " + std::string(id);
  auto select = db_->Prepare(kGetEventSql, operation);
  if (!select) {
    return std::unexpected(select.error());
  }
  select->Bind(":id", id);
  auto found = QueryOneEvent(*select);
  if (!found) {
    return std::unexpected(found.error());
  }
  if (!*found) {
    return Fail(ErrorCode::kNotFound, "break-glass event " + std::string(id) + ": not found");
  }
  return std::move(**found);
}

Status SqliteStore::UpdateEventIf(const Event& updated, EventStatus expected_old) {
  if (auto arc = CheckEventArc(updated, expected_old); !arc) {
    return arc;
  }
  const std::string operation = "updating break-glass event " + updated.id;
  auto transaction = SqliteTransaction::Begin(*db_, operation);
  if (!transaction) {
    return std::unexpected(transaction.error());
  }
  {
    auto update = db_->Prepare(kUpdateEventSql, operation);
    if (!update) {
      return std::unexpected(update.error());
    }
    update->Bind(":id", updated.id)
        .Bind(":expected", EventStatusName(expected_old))
        .Bind(":status", EventStatusName(updated.status))
        .Bind(":updated_at", updated.updated_at)
        .Bind(":closed_by", updated.closed_by)
        .Bind(":closed_reason", updated.closed_reason);
    if (auto ran = update->Run(); !ran) {
      return ran;
    }
  }
  if (db_->Changes() == 1) {
    return transaction->Commit();
  }
  auto current = GetEvent(updated.id);
  if (!current) {
    return std::unexpected(current.error());
  }
  return std::unexpected(EventUpdateConflict(*current, updated, expected_old));
}

Result<std::vector<Event>> SqliteStore::ListEvents(const EventFilter& filter, TimePoint now) {
  if (auto limit = CheckListLimit(filter.limit); !limit) {
    return Fail(limit.error(), "listing break-glass events");
  }
  std::string sql = "SELECT " SENTINEL_EVENT_COLUMNS " FROM events WHERE 1 = 1";
  if (filter.invoker) {
    sql += " AND invoker = :invoker";
  }
  if (filter.profile) {
    sql += " AND profile = :profile";
  }
  if (filter.status) {
    sql += EventStatusClause(*filter.status);
  }
  sql += " ORDER BY created_at DESC, id DESC LIMIT :limit";

  auto select = db_->Prepare(sql, "listing break-glass events");
  if (!select) {
    return std::unexpected(select.error());
  }
  if (filter.invoker) {
    select->Bind(":invoker", *filter.invoker);
  }
  if (filter.profile) {
    select->Bind(":profile", *filter.profile);
  }
  if (filter.status == EventStatus::kActive || filter.status == EventStatus::kExpired) {
    select->Bind(":now", now);
  } else if (filter.status) {
    select->Bind(":status", EventStatusName(*filter.status));
  }
  select->Bind(":limit", static_cast<std::int64_t>(filter.limit));
  return ReadAll<Event>(*select, ReadEvent);
}

Result<std::optional<Event>> SqliteStore::FindActiveEvent(std::string_view invoker,
                                                          std::string_view profile, TimePoint now) {
  auto select = db_->Prepare(kFindActiveEventSql, "finding an active break-glass event");
  if (!select) {
    return std::unexpected(select.error());
  }
  select->Bind(":invoker", invoker).Bind(":profile", profile).Bind(":now", now);
  return QueryOneEvent(*select);
}

Result<std::int64_t> SqliteStore::CountEventsByInvokerSince(std::string_view invoker,
                                                            TimePoint since) {
  auto select = db_->Prepare(kCountByInvokerSql, "counting break-glass events of an invoker");
  if (!select) {
    return std::unexpected(select.error());
  }
  select->Bind(":invoker", invoker).Bind(":since", since);
  auto row = select->Step();
  if (!row) {
    return std::unexpected(row.error());
  }
  return *row ? select->Int(0) : 0;
}

Result<std::int64_t> SqliteStore::CountEventsByProfileSince(std::string_view profile,
                                                            TimePoint since) {
  auto select = db_->Prepare(kCountByProfileSql, "counting break-glass events on a profile");
  if (!select) {
    return std::unexpected(select.error());
  }
  select->Bind(":profile", profile).Bind(":since", since);
  auto row = select->Step();
  if (!row) {
    return std::unexpected(row.error());
  }
  return *row ? select->Int(0) : 0;
}

Result<std::optional<TimePoint>> SqliteStore::LastEventTime(std::string_view invoker,
                                                            std::string_view profile) {
  auto select = db_->Prepare(kLastEventTimeSql, "finding the last break-glass event");
  if (!select) {
    return std::unexpected(select.error());
  }
  select->Bind(":invoker", invoker).Bind(":profile", profile);
  auto row = select->Step();
  if (!row) {
    return std::unexpected(row.error());
  }
  // max() over no rows is one NULL row.
  return *row ? select->OptionalTime(0) : std::nullopt;
}

Result<std::optional<TimePoint>> SqliteStore::EventTimeByInvokerSince(std::string_view invoker,
                                                                      TimePoint since,
                                                                      std::int64_t index) {
  return NthEventTime(kEventTimeByInvokerSql, invoker, since, index,
                      "finding when an invoker's break-glass quota frees up");
}

Result<std::optional<TimePoint>> SqliteStore::EventTimeByProfileSince(std::string_view profile,
                                                                      TimePoint since,
                                                                      std::int64_t index) {
  return NthEventTime(kEventTimeByProfileSql, profile, since, index,
                      "finding when a profile's break-glass quota frees up");
}

Result<std::optional<TimePoint>> SqliteStore::NthEventTime(const char* sql, std::string_view key,
                                                           TimePoint since, std::int64_t index,
                                                           std::string_view operation) {
  if (index < 0) {
    return Fail(
        ErrorCode::kInvalidInput,
        std::string(operation) + ": the index must not be negative, got " + std::to_string(index));
  }
  auto select = db_->Prepare(sql, operation);
  if (!select) {
    return std::unexpected(select.error());
  }
  select->Bind(":key", key).Bind(":since", since).Bind(":index", index);
  auto row = select->Step();
  if (!row) {
    return std::unexpected(row.error());
  }
  return *row ? select->OptionalTime(0) : std::nullopt;
}

Result<std::string> SqliteStore::EnqueueNotification(std::string_view channel,
                                                     std::string_view payload) {
  const std::string operation = "queueing a notification for " + std::string(channel);
  if (channel.empty()) {
    return Fail(ErrorCode::kInvalidInput, "queueing a notification: the channel is empty");
  }
  auto insert = db_->Prepare(kEnqueueSql, operation);
  if (!insert) {
    return std::unexpected(insert.error());
  }
  insert->Bind(":channel", channel).Bind(":payload", payload).Bind(":now", clock_.Now());
  if (auto ran = insert->Run(); !ran) {
    return std::unexpected(ran.error());
  }
  return std::to_string(db_->LastInsertRowId());
}

Result<std::optional<Notification>> SqliteStore::ReadNotification(std::int64_t id,
                                                                  std::string_view operation) {
  auto select = db_->Prepare(kGetNotificationSql, operation);
  if (!select) {
    return std::unexpected(select.error());
  }
  select->Bind(":id", id);
  return ReadOne<Notification>(*select, ReadNotificationRow);
}

Result<std::vector<Notification>> SqliteStore::ClaimDueNotifications(TimePoint now, int limit,
                                                                     std::chrono::seconds lease) {
  const std::string operation = "claiming due notifications";
  if (limit < 1 || lease <= std::chrono::seconds(0)) {
    return Fail(ErrorCode::kInvalidInput, operation + ": the limit and the lease must be positive");
  }
  auto transaction = SqliteTransaction::Begin(*db_, operation);
  if (!transaction) {
    return std::unexpected(transaction.error());
  }
  std::vector<std::int64_t> ids;
  {
    auto select = db_->Prepare(kDueNotificationsSql, operation);
    if (!select) {
      return std::unexpected(select.error());
    }
    select->Bind(":now", now).Bind(":limit", static_cast<std::int64_t>(limit));
    auto rows = ReadAll<std::int64_t>(
        *select, [](const SqliteStatement& row) -> Result<std::int64_t> { return row.Int(0); });
    if (!rows) {
      return std::unexpected(rows.error());
    }
    ids = std::move(*rows);
  }
  std::vector<Notification> claimed;
  for (std::int64_t id : ids) {
    auto lease_it = db_->Prepare(kLeaseNotificationSql, operation);
    if (!lease_it) {
      return std::unexpected(lease_it.error());
    }
    lease_it->Bind(":id", id).Bind(":lease_end", now + lease).Bind(":now", now);
    if (auto ran = lease_it->Run(); !ran) {
      return std::unexpected(ran.error());
    }
    auto read = ReadNotification(id, operation);
    if (!read || !*read) {
      return read ? Fail(ErrorCode::kInternal, operation + ": a claimed row vanished")
                  : std::unexpected(read.error());
    }
    claimed.push_back(std::move(**read));
  }
  if (auto committed = transaction->Commit(); !committed) {
    return std::unexpected(committed.error());
  }
  return claimed;
}

Status SqliteStore::FinishNotification(std::string_view id, NotificationOutcome outcome,
                                       std::string_view error,
                                       std::optional<TimePoint> next_attempt_at) {
  const bool delivered = outcome == NotificationOutcome::kDelivered;
  const char* sql = delivered                                 ? kDeliveredSql
                    : outcome == NotificationOutcome::kFailed ? kFailedSql
                                                              : kAbandonedSql;
  const std::string operation = "recording notification " + std::string(id) + " as " +
                                (delivered                                 ? "delivered"
                                 : outcome == NotificationOutcome::kFailed ? "failed"
                                                                           : "abandoned");
  const auto rowid = ParseNotificationId(id);
  if (!rowid) {
    return std::unexpected(NotificationNotFound(id));
  }
  auto transaction = SqliteTransaction::Begin(*db_, operation);
  if (!transaction) {
    return std::unexpected(transaction.error());
  }
  {
    auto update = db_->Prepare(sql, operation);
    if (!update) {
      return std::unexpected(update.error());
    }
    update->Bind(":id", *rowid).Bind(":now", clock_.Now());
    if (!delivered) {
      update->Bind(":error", error);
    }
    if (next_attempt_at) {
      update->Bind(":next", *next_attempt_at);
    }
    if (auto ran = update->Run(); !ran) {
      return ran;
    }
  }
  if (db_->Changes() == 1) {
    return transaction->Commit();
  }
  auto current = ReadNotification(*rowid, operation);
  if (!current) {
    return std::unexpected(current.error());
  }
  if (!*current) {
    return std::unexpected(NotificationNotFound(id));
  }
  if (delivered && (*current)->state == NotificationState::kDelivered) {
    return {};  // a second delivery after a lease ran out: already recorded
  }
  return Fail(ErrorCode::kConflict, "notification " + std::string(id) + ": already " +
                                        std::string(NotificationStateName((*current)->state)));
}

Status SqliteStore::MarkDelivered(std::string_view id) {
  return FinishNotification(id, NotificationOutcome::kDelivered, "", std::nullopt);
}

Status SqliteStore::MarkFailed(std::string_view id, TimePoint next_attempt_at,
                               std::string_view error) {
  return FinishNotification(id, NotificationOutcome::kFailed, error, next_attempt_at);
}

Status SqliteStore::MarkAbandoned(std::string_view id, std::string_view error) {
  return FinishNotification(id, NotificationOutcome::kAbandoned, error, std::nullopt);
}

Result<Notification> SqliteStore::GetNotification(std::string_view id) {
  const auto rowid = ParseNotificationId(id);
  if (!rowid) {
    return std::unexpected(NotificationNotFound(id));
  }
  auto found = ReadNotification(*rowid, "reading notification " + std::string(id));
  if (!found) {
    return std::unexpected(found.error());
  }
  if (!*found) {
    return std::unexpected(NotificationNotFound(id));
  }
  return std::move(**found);
}

}  // namespace sentinel::store
