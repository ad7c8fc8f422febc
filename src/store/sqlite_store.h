// The Store on one SQLite file (SPEC 8.1): the default for a single user.
#ifndef SENTINEL_STORE_SQLITE_STORE_H_
#define SENTINEL_STORE_SQLITE_STORE_H_

#include <chrono>
#include <filesystem>
#include <memory>

#include "core/clock.h"
#include "store/store.h"

namespace sentinel::store {

class SqliteDb;
class SqliteStatement;

// A Store kept in one SQLite database file in WAL mode. Any number of processes may open
// the same file at once; each write is a transaction, and a process that meets another's
// write lock waits (up to kBusyTimeout) instead of failing. See Store for the contract.
// Thread-compatible, like every Store.
class SqliteStore final : public Store {
 public:
  // The schema version this build creates and understands (kept in PRAGMA user_version).
  static constexpr int kSchemaVersion = 1;

  // How long an operation waits for another process's write lock before failing.
  static constexpr std::chrono::milliseconds kBusyTimeout{5000};

  // Opens the store at `path`, creating it if needed:
  //  - a missing parent directory is created with mode 0700; an existing one must not be
  //    writable by group or others (someone else could swap the file);
  //  - a new file is created with mode 0600; an existing file must be owned by the
  //    current user, and group or other permissions on it (and on its -wal and -shm
  //    files) are removed;
  //  - WAL mode is switched on, and schema migrations up to kSchemaVersion are applied,
  //    each in its own transaction, so racing first runs are safe.
  // Fails with kUnavailable naming the path: unreadable or insecure locations, a file
  // that is not a SQLite database or is damaged, or a schema newer than this build.
  // `clock` must outlive the store; it dates the bookkeeping the store does on its own
  // (expiring stale active events, outbox timestamps).
  [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> Open(const std::filesystem::path& path,
                                                                 const Clock& clock);

  ~SqliteStore() override;

  // The statements behind the two lookups on every credential request, exposed so that
  // tests can check with EXPLAIN QUERY PLAN that they are answered from an index.
  static const char* const kFindUsableRequestSql;
  static const char* const kFindActiveEventSql;

  [[nodiscard]] Status CreateRequest(const Request& request) override;
  [[nodiscard]] Result<Request> GetRequest(std::string_view id) override;
  [[nodiscard]] Status UpdateRequestIf(const Request& updated, RequestStatus expected_old) override;
  [[nodiscard]] Result<std::vector<Request>> ListRequests(const RequestFilter& filter,
                                                          TimePoint now) override;
  [[nodiscard]] Result<std::optional<Request>> FindUsableRequest(std::string_view requester,
                                                                 std::string_view profile,
                                                                 TimePoint now) override;

  [[nodiscard]] Status CreateEvent(const Event& event) override;
  [[nodiscard]] Result<Event> GetEvent(std::string_view id) override;
  [[nodiscard]] Status UpdateEventIf(const Event& updated, EventStatus expected_old) override;
  [[nodiscard]] Result<std::vector<Event>> ListEvents(const EventFilter& filter,
                                                      TimePoint now) override;
  [[nodiscard]] Result<std::optional<Event>> FindActiveEvent(std::string_view invoker,
                                                             std::string_view profile,
                                                             TimePoint now) override;
  [[nodiscard]] Result<std::int64_t> CountEventsByInvokerSince(std::string_view invoker,
                                                               TimePoint since) override;
  [[nodiscard]] Result<std::int64_t> CountEventsByProfileSince(std::string_view profile,
                                                               TimePoint since) override;
  [[nodiscard]] Result<std::optional<TimePoint>> LastEventTime(std::string_view invoker,
                                                               std::string_view profile) override;
  [[nodiscard]] Result<std::optional<TimePoint>> EventTimeByInvokerSince(
      std::string_view invoker, TimePoint since, std::int64_t index) override;
  [[nodiscard]] Result<std::optional<TimePoint>> EventTimeByProfileSince(
      std::string_view profile, TimePoint since, std::int64_t index) override;

  [[nodiscard]] Result<std::string> EnqueueNotification(std::string_view channel,
                                                        std::string_view payload) override;
  [[nodiscard]] Result<std::vector<Notification>> ClaimDueNotifications(
      TimePoint now, int limit, std::chrono::seconds lease) override;
  [[nodiscard]] Status MarkDelivered(std::string_view id) override;
  [[nodiscard]] Status MarkFailed(std::string_view id, TimePoint next_attempt_at,
                                  std::string_view error) override;
  [[nodiscard]] Status MarkAbandoned(std::string_view id, std::string_view error) override;
  [[nodiscard]] Result<Notification> GetNotification(std::string_view id) override;

 private:
  SqliteStore(std::unique_ptr<SqliteDb> db, const Clock& clock);

  Result<std::optional<Request>> QueryOneRequest(SqliteStatement& statement);
  Result<std::optional<Event>> QueryOneEvent(SqliteStatement& statement);
  Result<std::optional<Notification>> ReadNotification(std::int64_t id, std::string_view operation);
  Result<std::optional<TimePoint>> NthEventTime(const char* sql, std::string_view key,
                                                TimePoint since, std::int64_t index,
                                                std::string_view operation);
  Status ExpireLapsedEvents(const Event& event, std::string_view operation);
  Error ActiveSlotTaken(const Event& refused, std::string_view operation);
  enum class NotificationOutcome { kDelivered, kFailed, kAbandoned };
  Status FinishNotification(std::string_view id, NotificationOutcome outcome,
                            std::string_view error, std::optional<TimePoint> next_attempt_at);

  std::unique_ptr<SqliteDb> db_;
  const Clock& clock_;
};

}  // namespace sentinel::store

#endif  // SENTINEL_STORE_SQLITE_STORE_H_
