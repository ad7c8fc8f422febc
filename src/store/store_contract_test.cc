#include "store/store_contract_test.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "core/time_format.h"

namespace sentinel::store {
namespace {

using namespace std::chrono;
using std::chrono::seconds;

const TimePoint kT0 = sys_days(2026y / December / 3) + hours(9);

// Record ids that read as numbers, so ordering by id is easy to follow.
std::string Id(unsigned n) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016x", n);
  return buffer;
}

Request MakeRequest(unsigned n, std::string requester, std::string profile, TimePoint created,
                    seconds duration = hours(2)) {
  auto request = NewRequest(
      Id(n), {std::move(requester), std::move(profile), "ship the hotfix", duration}, created);
  EXPECT_TRUE(request.has_value()) << request.error().message();
  return *request;
}

Event MakeEvent(unsigned n, std::string invoker, std::string profile, TimePoint created,
                seconds duration = hours(1)) {
  auto event = NewEvent(Id(n),
                        {std::move(invoker), std::move(profile), "incident",
                         "the primary database is down", duration},
                        created);
  EXPECT_TRUE(event.has_value()) << event.error().message();
  return *event;
}

// Filters spelled out in full: -Wmissing-field-initializers rejects partial designated
// initializers.
RequestFilter ByRequest(std::optional<RequestStatus> status, std::optional<std::string> profile,
                        std::optional<std::string> requester, int limit = kDefaultListLimit) {
  RequestFilter filter;
  filter.status = status;
  filter.profile = std::move(profile);
  filter.requester = std::move(requester);
  filter.limit = limit;
  return filter;
}

EventFilter ByEvent(std::optional<EventStatus> status, std::optional<std::string> profile,
                    std::optional<std::string> invoker, int limit = kDefaultListLimit) {
  EventFilter filter;
  filter.status = status;
  filter.profile = std::move(profile);
  filter.invoker = std::move(invoker);
  filter.limit = limit;
  return filter;
}

template <typename T>
std::vector<std::string> Ids(const std::vector<T>& records) {
  std::vector<std::string> ids;
  for (const auto& record : records) {
    ids.push_back(record.id);
  }
  return ids;
}

// Asserts that `result` failed with `code` and a message containing `text`.
template <typename T>
void ExpectError(const Result<T>& result, ErrorCode code, const std::string& text) {
  ASSERT_FALSE(result.has_value()) << "expected an error containing: " << text;
  EXPECT_EQ(result.error().code(), code) << result.error().message();
  EXPECT_NE(result.error().message().find(text), std::string::npos)
      << "message: " << result.error().message() << "\nwanted: " << text;
}

// --- forked children -------------------------------------------------------------------

// Child outcomes cross the pipe as one line: "index<TAB>ok<TAB>code<TAB>message\n".
// Lines are shorter than PIPE_BUF, so concurrent writes do not interleave.
void WriteOutcome(int fd, const ChildOutcome& outcome) {
  std::string line = std::to_string(outcome.index) + "\t" + (outcome.ok ? "1" : "0") + "\t" +
                     std::to_string(static_cast<int>(outcome.code)) + "\t" +
                     outcome.message.substr(0, 3000) + "\n";
  std::replace(line.begin(), line.end() - 1, '\n', ' ');
  (void)!::write(fd, line.data(), line.size());
}

ChildOutcome ParseOutcome(const std::string& line) {
  ChildOutcome outcome;
  std::istringstream in(line);
  std::string index, ok, code;
  std::getline(in, index, '\t');
  std::getline(in, ok, '\t');
  std::getline(in, code, '\t');
  std::getline(in, outcome.message);
  outcome.index = std::stoi(index);
  outcome.ok = ok == "1";
  outcome.code = static_cast<ErrorCode>(std::stoi(code));
  return outcome;
}

[[noreturn]] void RunChild(StoreHarness& harness, TimePoint now, int index,
                           const std::function<ChildOutcome(Store&, int)>& body, int ready_fd,
                           int go_fd, int results_fd) {
  FakeClock clock(now);
  auto store = harness.Open(clock);
  if (!store) {
    WriteOutcome(results_fd, {index, false, store.error().code(),
                              "opening the store: " + store.error().message()});
    ::_exit(3);
  }
  (void)!::write(ready_fd, "r", 1);
  char go = 0;
  (void)!::read(go_fd, &go, 1);  // returns when the parent closes the pipe
  ChildOutcome outcome = body(**store, index);
  outcome.index = index;
  WriteOutcome(results_fd, outcome);
  store->reset();
  // _exit: the child must not run the parent's destructors (which remove the store).
  ::_exit(0);
}

ChildOutcome Outcome(const Status& status) {
  if (status) {
    return {-1, true, ErrorCode::kInternal, ""};
  }
  return {-1, false, status.error().code(), status.error().message()};
}

}  // namespace

void StoreContractTest::SetUp() {
  clock_.Set(kT0);
  harness_ = GetParam().make();
  ASSERT_NE(harness_, nullptr);
  auto store = harness_->Open(clock_);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  store_ = std::move(*store);
}

std::vector<ChildOutcome> StoreContractTest::RaceInChildren(
    int children, const std::function<ChildOutcome(Store&, int)>& body) {
  store_.reset();  // no connection may cross fork()
  int ready[2], go[2], results[2];
  EXPECT_EQ(::pipe(ready), 0);
  EXPECT_EQ(::pipe(go), 0);
  EXPECT_EQ(::pipe(results), 0);
  std::vector<pid_t> pids;
  for (int i = 0; i < children; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(ready[0]);
      ::close(go[1]);
      ::close(results[0]);
      RunChild(*harness_, clock_.Now(), i, body, ready[1], go[0], results[1]);
    }
    EXPECT_GT(pid, 0) << "fork failed";
    if (pid > 0) {
      pids.push_back(pid);
    }
  }
  ::close(ready[1]);
  ::close(go[0]);
  ::close(results[1]);

  // Release everyone at once, after all have opened their store.
  char byte = 0;
  for (std::size_t n = 0; n < pids.size() && ::read(ready[0], &byte, 1) == 1; ++n) {
  }
  ::close(go[1]);

  std::string text;
  char buffer[4096];
  for (ssize_t got; (got = ::read(results[0], buffer, sizeof(buffer))) > 0;) {
    text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(results[0]);
  ::close(ready[0]);
  for (pid_t pid : pids) {
    int status = 0;
    EXPECT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "child " << pid << " ended with status " << status;
  }

  std::vector<ChildOutcome> outcomes;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    outcomes.push_back(ParseOutcome(line));
  }
  std::sort(outcomes.begin(), outcomes.end(),
            [](const ChildOutcome& a, const ChildOutcome& b) { return a.index < b.index; });
  EXPECT_EQ(outcomes.size(), static_cast<std::size_t>(children)) << text;

  auto reopened = harness_->Open(clock_);
  EXPECT_TRUE(reopened.has_value()) << reopened.error().message();
  if (reopened) {
    store_ = std::move(*reopened);
  }
  return outcomes;
}

// ===== Requests ==========================================================================

TEST_P(StoreContractTest, CreatedRequestReadsBackFieldForField) {
  const Request pending = MakeRequest(1, "alice", "prod", kT0);
  ASSERT_TRUE(store_->CreateRequest(pending).has_value());
  auto got = store_->GetRequest(pending.id);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, pending);

  // Every optional field set, and text that needs escaping in any query language.
  auto approved = Approve(MakeRequest(2, "o'brien@example.com", "prod \"eu\"", kT0), "carol",
                          "ok; DROP TABLE requests; --", kT0 + minutes(5));
  ASSERT_TRUE(approved.has_value());
  ASSERT_TRUE(store_->CreateRequest(*approved).has_value());
  got = store_->GetRequest(approved->id);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, *approved);
}

TEST_P(StoreContractTest, CreateRequestRefusesAnExistingId) {
  const Request first = MakeRequest(1, "alice", "prod", kT0);
  ASSERT_TRUE(store_->CreateRequest(first).has_value());
  Request second = MakeRequest(1, "mallory", "prod", kT0 + seconds(1));
  ExpectError(store_->CreateRequest(second), ErrorCode::kConflict,
              "request 0000000000000001: a request with this id already exists");
  auto got = store_->GetRequest(first.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->requester, "alice") << "the original is untouched";
}

TEST_P(StoreContractTest, CreateRequestRefusesAMalformedId) {
  Request request = MakeRequest(1, "alice", "prod", kT0);
  request.id = "not-an-id";
  ExpectError(store_->CreateRequest(request), ErrorCode::kInvalidInput,
              "creating request not-an-id: not a record id");
}

TEST_P(StoreContractTest, GetRequestOfAnUnknownIdIsNotFound) {
  ExpectError(store_->GetRequest(Id(42)), ErrorCode::kNotFound,
              "request 000000000000002a: not found");
  ExpectError(store_->GetRequest("' OR 1=1 --"), ErrorCode::kNotFound, "not found");
}

TEST_P(StoreContractTest, EveryRequestTransitionPersistsItsFields) {
  const TimePoint when = kT0 + hours(1);
  const Request base = MakeRequest(1, "alice", "prod", kT0);
  std::vector<Request> results = {*Approve(base, "carol", "go", when),
                                  *Deny(base, "dave", "no", when), *Cancel(base, when),
                                  *Expire(base, base.expires_at + seconds(1))};
  unsigned n = 10;
  for (Request want : results) {
    Request stored = base;
    stored.id = want.id = Id(n++);
    ASSERT_TRUE(store_->CreateRequest(stored).has_value());
    auto updated = store_->UpdateRequestIf(want, RequestStatus::kPending);
    ASSERT_TRUE(updated.has_value()) << updated.error().message();
    auto got = store_->GetRequest(want.id);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, want) << RequestStatusName(want.status);
  }
}

TEST_P(StoreContractTest, ASecondDecisionLosesWithAlreadyDecided) {
  const Request pending = MakeRequest(1, "alice", "prod", kT0);
  ASSERT_TRUE(store_->CreateRequest(pending).has_value());
  // Both approvers read the pending request, then both write.
  auto approved = Approve(pending, "carol", "fine", kT0 + minutes(1));
  auto denied = Deny(pending, "dave", "no", kT0 + minutes(2));
  ASSERT_TRUE(store_->UpdateRequestIf(*approved, RequestStatus::kPending).has_value());
  ExpectError(store_->UpdateRequestIf(*denied, RequestStatus::kPending), ErrorCode::kConflict,
              "request 0000000000000001: already decided: approved by carol at "
              "2026-12-03T09:01:00Z");
  auto cancelled = Cancel(pending, kT0 + minutes(3));
  ExpectError(store_->UpdateRequestIf(*cancelled, RequestStatus::kPending), ErrorCode::kConflict,
              "already decided: approved by carol");
  auto got = store_->GetRequest(pending.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, *approved);
}

TEST_P(StoreContractTest, ADecisionAfterThePendingPeriodIsRefusedByTheStore) {
  const Request pending = MakeRequest(1, "alice", "prod", kT0);
  ASSERT_TRUE(store_->CreateRequest(pending).has_value());
  // A caller that skipped the core check: the store still refuses, fail closed.
  Request late = pending;
  late.status = RequestStatus::kApproved;
  late.approver = "carol";
  late.updated_at = pending.expires_at;
  late.decided_at = pending.expires_at;
  late.access_expires_at = pending.expires_at + hours(2);
  ExpectError(store_->UpdateRequestIf(late, RequestStatus::kPending), ErrorCode::kConflict,
              "request 0000000000000001: expired at 2026-12-04T09:00:00Z without a decision");
  // One second earlier it is still allowed.
  late.updated_at = pending.expires_at - seconds(1);
  late.decided_at = late.updated_at;
  EXPECT_TRUE(store_->UpdateRequestIf(late, RequestStatus::kPending).has_value());
}

TEST_P(StoreContractTest, ExpiringARequestIsOnlyAllowedAfterThePendingPeriod) {
  const Request pending = MakeRequest(1, "alice", "prod", kT0);
  ASSERT_TRUE(store_->CreateRequest(pending).has_value());
  Request early = pending;
  early.status = RequestStatus::kExpired;
  early.updated_at = pending.expires_at - seconds(1);
  ExpectError(store_->UpdateRequestIf(early, RequestStatus::kPending), ErrorCode::kConflict,
              "request 0000000000000001: still pending until 2026-12-04T09:00:00Z");
  auto expired = Expire(pending, pending.expires_at + seconds(1));
  ASSERT_TRUE(expired.has_value());
  ASSERT_TRUE(store_->UpdateRequestIf(*expired, RequestStatus::kPending).has_value());
  auto approve = Approve(pending, "carol", "", kT0 + minutes(1));
  ExpectError(store_->UpdateRequestIf(*approve, RequestStatus::kPending), ErrorCode::kConflict,
              "expired at 2026-12-04T09:00:00Z without a decision");
}

TEST_P(StoreContractTest, UpdateRequestOfAnUnknownIdIsNotFound) {
  auto approved = Approve(MakeRequest(7, "alice", "prod", kT0), "carol", "", kT0);
  ExpectError(store_->UpdateRequestIf(*approved, RequestStatus::kPending), ErrorCode::kNotFound,
              "request 0000000000000007: not found");
}

TEST_P(StoreContractTest, UpdateRequestRefusesArcsOutsideTheStateMachine) {
  const Request pending = MakeRequest(1, "alice", "prod", kT0);
  ASSERT_TRUE(store_->CreateRequest(pending).has_value());
  auto approved = Approve(pending, "carol", "", kT0 + seconds(1));
  ASSERT_TRUE(store_->UpdateRequestIf(*approved, RequestStatus::kPending).has_value());
  Request denied = *approved;
  denied.status = RequestStatus::kDenied;
  ExpectError(store_->UpdateRequestIf(denied, RequestStatus::kApproved), ErrorCode::kInternal,
              "updating request 0000000000000001: approved -> denied is not a transition");
  ExpectError(store_->UpdateRequestIf(pending, RequestStatus::kPending), ErrorCode::kInternal,
              "pending -> pending is not a transition");
  auto got = store_->GetRequest(pending.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status, RequestStatus::kApproved);
}

TEST_P(StoreContractTest, ListRequestsNewestFirstWithTiesBrokenById) {
  ASSERT_TRUE(store_->CreateRequest(MakeRequest(1, "alice", "prod", kT0)).has_value());
  ASSERT_TRUE(store_->CreateRequest(MakeRequest(3, "alice", "prod", kT0 + hours(2))).has_value());
  ASSERT_TRUE(store_->CreateRequest(MakeRequest(2, "alice", "prod", kT0 + hours(2))).has_value());
  ASSERT_TRUE(store_->CreateRequest(MakeRequest(4, "alice", "prod", kT0 + hours(1))).has_value());
  auto got = store_->ListRequests({}, kT0 + hours(3));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(Ids(*got), (std::vector<std::string>{Id(3), Id(2), Id(4), Id(1)}));

  RequestFilter two;
  two.limit = 2;
  got = store_->ListRequests(two, kT0 + hours(3));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(Ids(*got), (std::vector<std::string>{Id(3), Id(2)}));
}

TEST_P(StoreContractTest, ListRequestsFiltersByRequesterProfileAndEffectiveStatus) {
  const TimePoint now = kT0 + hours(30);  // requests made at kT0 have passed their 24h
  ASSERT_TRUE(store_->CreateRequest(MakeRequest(1, "alice", "prod", kT0)).has_value());
  ASSERT_TRUE(store_->CreateRequest(MakeRequest(2, "alice", "dev", now - hours(1))).has_value());
  ASSERT_TRUE(store_->CreateRequest(MakeRequest(3, "bob", "prod", now - hours(2))).has_value());
  auto approved = Approve(MakeRequest(4, "bob", "dev", kT0), "carol", "", kT0 + hours(1));
  ASSERT_TRUE(store_->CreateRequest(*approved).has_value());
  auto expired = Expire(MakeRequest(5, "carol", "prod", kT0), kT0 + hours(25));
  ASSERT_TRUE(store_->CreateRequest(*expired).has_value());
  auto denied = Deny(MakeRequest(6, "carol", "dev", kT0), "dave", "", kT0 + hours(1));
  ASSERT_TRUE(store_->CreateRequest(*denied).has_value());
  auto cancelled = Cancel(MakeRequest(7, "alice", "prod", kT0 - hours(1)), kT0);
  ASSERT_TRUE(store_->CreateRequest(*cancelled).has_value());

  constexpr auto N = std::nullopt;
  using S = RequestStatus;
  const struct {
    RequestFilter filter;
    std::vector<std::string> want;
  } cases[] = {
      {ByRequest(N, N, "alice"), {Id(2), Id(1), Id(7)}},
      {ByRequest(N, "dev", N), {Id(2), Id(6), Id(4)}},
      {ByRequest(N, "prod", "alice"), {Id(1), Id(7)}},
      {ByRequest(S::kPending, N, N), {Id(2), Id(3)}},
      {ByRequest(S::kExpired, N, N), {Id(5), Id(1)}},  // 1 is pending but read expired
      {ByRequest(S::kApproved, N, N), {Id(4)}},
      {ByRequest(S::kDenied, N, N), {Id(6)}},
      {ByRequest(S::kCancelled, N, N), {Id(7)}},
      {ByRequest(S::kExpired, N, "alice"), {Id(1)}},
      {ByRequest(S::kPending, "prod", "bob"), {Id(3)}},
      {ByRequest(N, N, "nobody"), {}},
  };
  for (const auto& c : cases) {
    auto got = store_->ListRequests(c.filter, now);
    ASSERT_TRUE(got.has_value()) << got.error().message();
    EXPECT_EQ(Ids(*got), c.want) << "status "
                                 << (c.filter.status ? RequestStatusName(*c.filter.status) : "-")
                                 << " profile " << c.filter.profile.value_or("-") << " requester "
                                 << c.filter.requester.value_or("-");
  }
}

TEST_P(StoreContractTest, ListRequestsRefusesLimitsOutOfBounds) {
  for (int limit : {0, -1, kMaxListLimit + 1}) {
    RequestFilter filter;
    filter.limit = limit;
    ExpectError(store_->ListRequests(filter, kT0), ErrorCode::kInvalidInput,
                "listing requests: list limit must be 1 to 1000, got " + std::to_string(limit));
  }
  RequestFilter most;
  most.limit = kMaxListLimit;
  EXPECT_TRUE(store_->ListRequests(most, kT0).has_value());
}

TEST_P(StoreContractTest, FindUsableRequestOnlyInsideTheAccessWindow) {
  const TimePoint decided = kT0 + hours(1);
  auto approved = Approve(MakeRequest(1, "alice", "prod", kT0), "carol", "", decided);
  ASSERT_TRUE(store_->CreateRequest(*approved).has_value());
  const TimePoint end = *approved->access_expires_at;

  const struct {
    std::string requester, profile;
    TimePoint now;
    bool found;
  } cases[] = {
      {"alice", "prod", decided - seconds(1), false},
      {"alice", "prod", decided, true},
      {"alice", "prod", end - seconds(1), true},
      {"alice", "prod", end, false},
      {"alice", "prod", end + seconds(1), false},
      {"bob", "prod", decided, false},
      {"alice", "dev", decided, false},
      {"Alice", "prod", decided, false},
  };
  for (const auto& c : cases) {
    auto got = store_->FindUsableRequest(c.requester, c.profile, c.now);
    ASSERT_TRUE(got.has_value()) << got.error().message();
    EXPECT_EQ(got->has_value(), c.found)
        << c.requester << " " << c.profile << " " << FormatTime(c.now);
    if (got->has_value()) {
      EXPECT_EQ(**got, *approved);
    }
  }
}

TEST_P(StoreContractTest, FindUsableRequestIgnoresEveryOtherStatus) {
  const TimePoint now = kT0 + hours(1);
  ASSERT_TRUE(store_->CreateRequest(MakeRequest(1, "alice", "prod", kT0)).has_value());
  ASSERT_TRUE(store_->CreateRequest(*Deny(MakeRequest(2, "alice", "prod", kT0), "dave", "", kT0))
                  .has_value());
  ASSERT_TRUE(
      store_->CreateRequest(*Cancel(MakeRequest(3, "alice", "prod", kT0), kT0)).has_value());
  ASSERT_TRUE(store_->CreateRequest(*Expire(MakeRequest(4, "alice", "prod", kT0 - hours(30)), kT0))
                  .has_value());
  auto got = store_->FindUsableRequest("alice", "prod", now);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_FALSE(got->has_value());
}

TEST_P(StoreContractTest, FindUsableRequestPrefersTheLongestAccess) {
  const TimePoint now = kT0 + hours(3);
  auto short_one = Approve(MakeRequest(1, "alice", "prod", kT0, hours(4)), "carol", "", kT0);
  auto long_one = Approve(MakeRequest(2, "alice", "prod", kT0, hours(8)), "carol", "", kT0);
  auto newest = Approve(MakeRequest(3, "alice", "prod", kT0 + hours(2), hours(1)), "carol", "",
                        kT0 + hours(2));
  for (const auto& request : {*short_one, *long_one, *newest}) {
    ASSERT_TRUE(store_->CreateRequest(request).has_value());
  }
  auto got = store_->FindUsableRequest("alice", "prod", now);
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->id, Id(2));
  // Once the long one has ended, nothing is left: the others ended sooner.
  got = store_->FindUsableRequest("alice", "prod", kT0 + hours(8));
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->has_value());
}

// ===== Break-glass events ================================================================

TEST_P(StoreContractTest, CreatedEventReadsBackFieldForField) {
  const Event event = MakeEvent(1, "bob@example.com", "prod", kT0, hours(4));
  ASSERT_TRUE(store_->CreateEvent(event).has_value());
  auto got = store_->GetEvent(event.id);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, event);
}

TEST_P(StoreContractTest, CreateEventRefusesAnExistingId) {
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(1, "alice", "prod", kT0)).has_value());
  ExpectError(store_->CreateEvent(MakeEvent(1, "bob", "dev", kT0)), ErrorCode::kConflict,
              "break-glass event 0000000000000001: a break-glass event with this id already "
              "exists");
  auto got = store_->GetEvent(Id(1));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->invoker, "alice");
}

TEST_P(StoreContractTest, CreateEventRefusesInactiveOrMalformedEvents) {
  Event closed = *Close(MakeEvent(1, "alice", "prod", kT0), "alice", "done", kT0);
  ExpectError(store_->CreateEvent(closed), ErrorCode::kInvalidInput,
              "creating break-glass event 0000000000000001: a new event must be active, not "
              "closed");
  Event bad = MakeEvent(2, "alice", "prod", kT0);
  bad.id = "ABC";
  ExpectError(store_->CreateEvent(bad), ErrorCode::kInvalidInput, "not a record id");
}

TEST_P(StoreContractTest, GetEventOfAnUnknownIdIsNotFound) {
  ExpectError(store_->GetEvent(Id(9)), ErrorCode::kNotFound,
              "break-glass event 0000000000000009: not found");
}

TEST_P(StoreContractTest, OnlyOneActiveEventPerInvokerAndProfile) {
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(1, "alice", "prod", kT0)).has_value());
  clock_.Set(kT0 + minutes(10));
  ExpectError(store_->CreateEvent(MakeEvent(2, "alice", "prod", kT0 + minutes(10))),
              ErrorCode::kConflict,
              "alice already has an active break-glass event on profile prod: "
              "0000000000000001 until 2026-12-03T10:00:00Z");
  // Other profiles and other invokers are independent.
  EXPECT_TRUE(store_->CreateEvent(MakeEvent(3, "alice", "dev", kT0)).has_value());
  EXPECT_TRUE(store_->CreateEvent(MakeEvent(4, "bob", "prod", kT0)).has_value());
  EXPECT_FALSE(store_->GetEvent(Id(2)).has_value()) << "the refused event was not stored";
}

TEST_P(StoreContractTest, AClosedEventFreesTheSlot) {
  const Event first = MakeEvent(1, "alice", "prod", kT0);
  ASSERT_TRUE(store_->CreateEvent(first).has_value());
  auto closed = Close(first, "alice", "fixed", kT0 + minutes(5));
  ASSERT_TRUE(store_->UpdateEventIf(*closed, EventStatus::kActive).has_value());
  EXPECT_TRUE(store_->CreateEvent(MakeEvent(2, "alice", "prod", kT0 + minutes(6))).has_value());
}

TEST_P(StoreContractTest, AnExpiredActiveEventDoesNotBlockANewOne) {
  const Event first = MakeEvent(1, "alice", "prod", kT0, hours(1));
  ASSERT_TRUE(store_->CreateEvent(first).has_value());

  clock_.Set(first.expires_at - seconds(1));
  ExpectError(store_->CreateEvent(MakeEvent(2, "alice", "prod", clock_.Now())),
              ErrorCode::kConflict, "already has an active break-glass event");

  clock_.Set(first.expires_at + seconds(1));
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(3, "alice", "prod", clock_.Now())).has_value());
  auto old = store_->GetEvent(first.id);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(EffectiveStatus(*old, clock_.Now()), EventStatus::kExpired);
  auto active = store_->FindActiveEvent("alice", "prod", clock_.Now());
  ASSERT_TRUE(active.has_value() && active->has_value());
  EXPECT_EQ((*active)->id, Id(3));
}

TEST_P(StoreContractTest, CloseIsConditionalOnActive) {
  const Event event = MakeEvent(1, "alice", "prod", kT0);
  ASSERT_TRUE(store_->CreateEvent(event).has_value());
  auto by_alice = Close(event, "alice", "fixed", kT0 + minutes(5));
  auto by_lead = Close(event, "security-lead", "stop", kT0 + minutes(6));
  ASSERT_TRUE(store_->UpdateEventIf(*by_alice, EventStatus::kActive).has_value());
  ExpectError(store_->UpdateEventIf(*by_lead, EventStatus::kActive), ErrorCode::kConflict,
              "break-glass event 0000000000000001: already closed by alice at "
              "2026-12-03T09:05:00Z");
  auto got = store_->GetEvent(event.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, *by_alice);
}

TEST_P(StoreContractTest, CloseAfterExpiryAndEarlyExpiryAreRefused) {
  const Event event = MakeEvent(1, "alice", "prod", kT0, hours(1));
  ASSERT_TRUE(store_->CreateEvent(event).has_value());
  Event late = event;
  late.status = EventStatus::kClosed;
  late.closed_by = "alice";
  late.closed_reason = "too late";
  late.updated_at = event.expires_at;
  ExpectError(store_->UpdateEventIf(late, EventStatus::kActive), ErrorCode::kConflict,
              "break-glass event 0000000000000001: already expired at 2026-12-03T10:00:00Z");
  Event early = event;
  early.status = EventStatus::kExpired;
  early.updated_at = event.expires_at - seconds(1);
  ExpectError(store_->UpdateEventIf(early, EventStatus::kActive), ErrorCode::kConflict,
              "break-glass event 0000000000000001: still active until 2026-12-03T10:00:00Z");
  auto expired = Expire(event, event.expires_at + seconds(1));
  ASSERT_TRUE(store_->UpdateEventIf(*expired, EventStatus::kActive).has_value());
  auto got = store_->GetEvent(event.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, *expired);
}

TEST_P(StoreContractTest, UpdateEventOfAnUnknownIdOrIllegalArcFails) {
  auto closed = Close(MakeEvent(5, "alice", "prod", kT0), "alice", "done", kT0);
  ExpectError(store_->UpdateEventIf(*closed, EventStatus::kActive), ErrorCode::kNotFound,
              "break-glass event 0000000000000005: not found");
  ExpectError(store_->UpdateEventIf(*closed, EventStatus::kClosed), ErrorCode::kInternal,
              "updating break-glass event 0000000000000005: closed -> closed is not a "
              "transition");
}

TEST_P(StoreContractTest, ListEventsFiltersOrdersAndLimits) {
  const TimePoint now = kT0 + hours(5);
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(1, "alice", "prod", kT0, hours(1))).has_value());
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(2, "alice", "dev", now - minutes(10))).has_value());
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(3, "bob", "prod", now - minutes(20))).has_value());
  const Event to_close = MakeEvent(4, "bob", "dev", kT0 + hours(1));
  ASSERT_TRUE(store_->CreateEvent(to_close).has_value());
  ASSERT_TRUE(store_
                  ->UpdateEventIf(*Close(to_close, "bob", "done", kT0 + hours(1) + minutes(1)),
                                  EventStatus::kActive)
                  .has_value());

  constexpr auto N = std::nullopt;
  using E = EventStatus;
  const struct {
    EventFilter filter;
    std::vector<std::string> want;
  } cases[] = {
      {ByEvent(N, N, N), {Id(2), Id(3), Id(4), Id(1)}},
      {ByEvent(N, N, N, 3), {Id(2), Id(3), Id(4)}},
      {ByEvent(N, N, "alice"), {Id(2), Id(1)}},
      {ByEvent(N, "prod", N), {Id(3), Id(1)}},
      {ByEvent(E::kActive, N, N), {Id(2), Id(3)}},
      {ByEvent(E::kExpired, N, N), {Id(1)}},  // stored active, read expired
      {ByEvent(E::kClosed, N, N), {Id(4)}},
      {ByEvent(E::kActive, "dev", "alice"), {Id(2)}},
      {ByEvent(N, N, "nobody"), {}},
  };
  for (const auto& c : cases) {
    auto got = store_->ListEvents(c.filter, now);
    ASSERT_TRUE(got.has_value()) << got.error().message();
    EXPECT_EQ(Ids(*got), c.want) << "status "
                                 << (c.filter.status ? EventStatusName(*c.filter.status) : "-")
                                 << " profile " << c.filter.profile.value_or("-") << " invoker "
                                 << c.filter.invoker.value_or("-") << " limit " << c.filter.limit;
  }
  EventFilter too_many;
  too_many.limit = kMaxListLimit + 1;
  ExpectError(store_->ListEvents(too_many, now), ErrorCode::kInvalidInput,
              "listing break-glass events: list limit must be 1 to 1000, got 1001");
}

TEST_P(StoreContractTest, FindActiveEventOnlyInsideItsWindow) {
  const Event event = MakeEvent(1, "alice", "prod", kT0, hours(1));
  ASSERT_TRUE(store_->CreateEvent(event).has_value());
  const struct {
    std::string invoker, profile;
    TimePoint now;
    bool found;
  } cases[] = {
      {"alice", "prod", kT0 - seconds(1), false},
      {"alice", "prod", kT0, true},
      {"alice", "prod", event.expires_at - seconds(1), true},
      {"alice", "prod", event.expires_at, false},
      {"alice", "prod", event.expires_at + seconds(1), false},
      {"bob", "prod", kT0, false},
      {"alice", "dev", kT0, false},
  };
  for (const auto& c : cases) {
    auto got = store_->FindActiveEvent(c.invoker, c.profile, c.now);
    ASSERT_TRUE(got.has_value()) << got.error().message();
    EXPECT_EQ(got->has_value(), c.found)
        << c.invoker << " " << c.profile << " " << FormatTime(c.now);
    if (got->has_value()) {
      EXPECT_EQ(**got, event);
    }
  }
  ASSERT_TRUE(
      store_->UpdateEventIf(*Close(event, "alice", "done", kT0 + minutes(1)), EventStatus::kActive)
          .has_value());
  auto after_close = store_->FindActiveEvent("alice", "prod", kT0 + minutes(2));
  ASSERT_TRUE(after_close.has_value());
  EXPECT_FALSE(after_close->has_value());
}

TEST_P(StoreContractTest, RateLimitCountsIncludeEveryStatus) {
  // alice: one closed, one expired-by-sweep, one active, on two profiles; bob: one on prod.
  const Event e1 = MakeEvent(1, "alice", "prod", kT0, minutes(30));
  ASSERT_TRUE(store_->CreateEvent(e1).has_value());
  ASSERT_TRUE(
      store_->UpdateEventIf(*Close(e1, "alice", "done", kT0 + minutes(1)), EventStatus::kActive)
          .has_value());
  ASSERT_TRUE(
      store_->CreateEvent(MakeEvent(2, "alice", "prod", kT0 + hours(1), minutes(30))).has_value());
  clock_.Set(kT0 + hours(2));
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(3, "alice", "prod", kT0 + hours(2))).has_value());
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(4, "alice", "dev", kT0 + hours(2))).has_value());
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(5, "bob", "prod", kT0 + hours(3))).has_value());

  const struct {
    std::string name;
    Result<std::int64_t> got;
    std::int64_t want;
  } cases[] = {
      {"alice since start", store_->CountEventsByInvokerSince("alice", kT0), 4},
      {"alice since e2 (inclusive)", store_->CountEventsByInvokerSince("alice", kT0 + hours(1)), 3},
      {"alice after e2", store_->CountEventsByInvokerSince("alice", kT0 + hours(1) + seconds(1)),
       2},
      {"alice in the future", store_->CountEventsByInvokerSince("alice", kT0 + hours(9)), 0},
      {"bob", store_->CountEventsByInvokerSince("bob", kT0), 1},
      {"nobody", store_->CountEventsByInvokerSince("nobody", kT0), 0},
      {"prod since start", store_->CountEventsByProfileSince("prod", kT0), 4},
      {"prod since 2h", store_->CountEventsByProfileSince("prod", kT0 + hours(2)), 2},
      {"dev", store_->CountEventsByProfileSince("dev", kT0), 1},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(c.got.has_value()) << c.name << ": " << c.got.error().message();
    EXPECT_EQ(*c.got, c.want) << c.name;
  }
}

TEST_P(StoreContractTest, LastEventTimeIsTheNewestCreationOfThePair) {
  auto none = store_->LastEventTime("alice", "prod");
  ASSERT_TRUE(none.has_value()) << none.error().message();
  EXPECT_EQ(*none, std::nullopt);

  const Event first = MakeEvent(1, "alice", "prod", kT0, minutes(10));
  ASSERT_TRUE(store_->CreateEvent(first).has_value());
  ASSERT_TRUE(
      store_->UpdateEventIf(*Close(first, "alice", "done", kT0 + minutes(1)), EventStatus::kActive)
          .has_value());
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(2, "alice", "prod", kT0 + hours(1))).has_value());
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(3, "alice", "dev", kT0 + hours(2))).has_value());
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(4, "bob", "prod", kT0 + hours(3))).has_value());
  auto last = store_->LastEventTime("alice", "prod");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(*last, kT0 + hours(1));
}

TEST_P(StoreContractTest, EventTimeSinceWalksTheCountedEventsOldestFirst) {
  // alice: prod at +0h (closed) and +2h, dev at +1h; bob: prod at +3h.
  const Event e1 = MakeEvent(1, "alice", "prod", kT0, minutes(10));
  ASSERT_TRUE(store_->CreateEvent(e1).has_value());
  ASSERT_TRUE(
      store_->UpdateEventIf(*Close(e1, "alice", "done", kT0 + minutes(1)), EventStatus::kActive)
          .has_value());
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(2, "alice", "dev", kT0 + hours(1))).has_value());
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(3, "alice", "prod", kT0 + hours(2))).has_value());
  ASSERT_TRUE(store_->CreateEvent(MakeEvent(4, "bob", "prod", kT0 + hours(3))).has_value());

  const struct {
    std::string name;
    Result<std::optional<TimePoint>> got;
    std::optional<TimePoint> want;
  } cases[] = {
      {"alice 0", store_->EventTimeByInvokerSince("alice", kT0, 0), kT0},
      {"alice 1", store_->EventTimeByInvokerSince("alice", kT0, 1), kT0 + hours(1)},
      {"alice 2", store_->EventTimeByInvokerSince("alice", kT0, 2), kT0 + hours(2)},
      {"alice 3: past the end", store_->EventTimeByInvokerSince("alice", kT0, 3), std::nullopt},
      {"alice since +1h (inclusive)", store_->EventTimeByInvokerSince("alice", kT0 + hours(1), 0),
       kT0 + hours(1)},
      {"alice since +1h1s",
       store_->EventTimeByInvokerSince("alice", kT0 + hours(1) + seconds(1), 0), kT0 + hours(2)},
      {"nobody", store_->EventTimeByInvokerSince("nobody", kT0, 0), std::nullopt},
      {"prod 0", store_->EventTimeByProfileSince("prod", kT0, 0), kT0},
      {"prod 1", store_->EventTimeByProfileSince("prod", kT0, 1), kT0 + hours(2)},
      {"prod 2", store_->EventTimeByProfileSince("prod", kT0, 2), kT0 + hours(3)},
      {"prod 3", store_->EventTimeByProfileSince("prod", kT0, 3), std::nullopt},
      {"prod since +2h1s", store_->EventTimeByProfileSince("prod", kT0 + hours(2) + seconds(1), 0),
       kT0 + hours(3)},
      {"dev", store_->EventTimeByProfileSince("dev", kT0, 0), kT0 + hours(1)},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(c.got.has_value()) << c.name << ": " << c.got.error().message();
    EXPECT_EQ(*c.got, c.want) << c.name;
  }
  ExpectError(store_->EventTimeByInvokerSince("alice", kT0, -1), ErrorCode::kInvalidInput,
              "the index must not be negative, got -1");
  ExpectError(store_->EventTimeByProfileSince("prod", kT0, -1), ErrorCode::kInvalidInput,
              "the index must not be negative, got -1");
}

// ===== Outbox ============================================================================

TEST_P(StoreContractTest, EnqueuedNotificationReadsBack) {
  const std::string payload = R"({"type":"request.created","actor":"alice"})";
  auto id = store_->EnqueueNotification("webhook", payload);
  ASSERT_TRUE(id.has_value()) << id.error().message();
  auto got = store_->GetNotification(*id);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  Notification want;
  want.id = *id;
  want.channel = "webhook";
  want.payload = payload;
  want.state = NotificationState::kPending;
  want.attempts = 0;
  want.created_at = want.updated_at = want.next_attempt_at = kT0;
  EXPECT_EQ(*got, want);

  auto other = store_->EnqueueNotification("sns", payload);
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(*other, *id);
  ExpectError(store_->EnqueueNotification("", payload), ErrorCode::kInvalidInput,
              "queueing a notification: the channel is empty");
}

TEST_P(StoreContractTest, ClaimTakesDueNotificationsOldestFirstUpToTheLimit) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    clock_.Set(kT0 + seconds(i));
    auto id = store_->EnqueueNotification("webhook", "{\"n\":" + std::to_string(i) + "}");
    ASSERT_TRUE(id.has_value());
    ids.push_back(*id);
  }
  // Not due yet: enqueued at kT0 + 0..3s, asked at kT0 - 1s.
  auto none = store_->ClaimDueNotifications(kT0 - seconds(1), 10, minutes(1));
  ASSERT_TRUE(none.has_value()) << none.error().message();
  EXPECT_TRUE(none->empty());

  auto first = store_->ClaimDueNotifications(kT0 + seconds(10), 3, minutes(1));
  ASSERT_TRUE(first.has_value()) << first.error().message();
  ASSERT_EQ(first->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*first)[i].id, ids[i]);
    EXPECT_EQ((*first)[i].attempts, 1);
    EXPECT_EQ((*first)[i].next_attempt_at, kT0 + seconds(10) + minutes(1));
    EXPECT_EQ((*first)[i].state, NotificationState::kPending);
  }
  // Leased ones are not handed out again while the lease runs.
  auto second = store_->ClaimDueNotifications(kT0 + seconds(11), 10, minutes(1));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(Ids(*second), std::vector<std::string>{ids[3]});
  // After the lease, a crashed sender's notifications come back, with attempts counted.
  auto third = store_->ClaimDueNotifications(kT0 + seconds(10) + minutes(1), 10, minutes(1));
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(Ids(*third), (std::vector<std::string>{ids[0], ids[1], ids[2]}));
  EXPECT_EQ((*third)[0].attempts, 2);
}

TEST_P(StoreContractTest, DeliveredFailedAndAbandonedNotifications) {
  auto delivered = store_->EnqueueNotification("webhook", "{}");
  auto failed = store_->EnqueueNotification("webhook", "{}");
  auto abandoned = store_->EnqueueNotification("sns", "{}");
  ASSERT_TRUE(delivered && failed && abandoned);
  auto claimed = store_->ClaimDueNotifications(kT0, 10, minutes(5));
  ASSERT_TRUE(claimed.has_value() && claimed->size() == 3u);

  clock_.Set(kT0 + seconds(30));
  ASSERT_TRUE(store_->MarkDelivered(*delivered).has_value());
  EXPECT_TRUE(store_->MarkDelivered(*delivered).has_value()) << "a second delivery is fine";
  ASSERT_TRUE(
      store_->MarkFailed(*failed, kT0 + minutes(2), "HTTP 503 from the webhook").has_value());
  ASSERT_TRUE(store_->MarkAbandoned(*abandoned, "HTTP 404 from the webhook").has_value());

  auto got = store_->GetNotification(*delivered);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->state, NotificationState::kDelivered);
  EXPECT_EQ(got->updated_at, kT0 + seconds(30));
  got = store_->GetNotification(*failed);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->state, NotificationState::kPending);
  EXPECT_EQ(got->next_attempt_at, kT0 + minutes(2));
  EXPECT_EQ(got->last_error, "HTTP 503 from the webhook");
  got = store_->GetNotification(*abandoned);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->state, NotificationState::kAbandoned);
  EXPECT_EQ(got->last_error, "HTTP 404 from the webhook");

  // Only the failed one comes back, and only once it is due again.
  auto early = store_->ClaimDueNotifications(kT0 + minutes(2) - seconds(1), 10, minutes(5));
  ASSERT_TRUE(early.has_value());
  EXPECT_TRUE(early->empty());
  auto again = store_->ClaimDueNotifications(kT0 + minutes(2), 10, minutes(5));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(Ids(*again), std::vector<std::string>{*failed});

  ExpectError(store_->MarkDelivered(*abandoned), ErrorCode::kConflict,
              "notification " + *abandoned + ": already abandoned");
  ExpectError(store_->MarkFailed(*delivered, kT0, "x"), ErrorCode::kConflict,
              "notification " + *delivered + ": already delivered");
  ExpectError(store_->MarkAbandoned(*delivered, "x"), ErrorCode::kConflict, "already delivered");
}

TEST_P(StoreContractTest, UnknownNotificationsAreNotFound) {
  for (const char* id : {"999999", "abc", "", "-1"}) {
    const std::string want = "notification '" + std::string(id) + "': not found";
    ExpectError(store_->GetNotification(id), ErrorCode::kNotFound, want);
    ExpectError(store_->MarkDelivered(id), ErrorCode::kNotFound, want);
    ExpectError(store_->MarkFailed(id, kT0, "x"), ErrorCode::kNotFound, want);
    ExpectError(store_->MarkAbandoned(id, "x"), ErrorCode::kNotFound, want);
  }
}

TEST_P(StoreContractTest, ClaimRefusesNonPositiveLimitOrLease) {
  ExpectError(store_->ClaimDueNotifications(kT0, 0, minutes(1)), ErrorCode::kInvalidInput,
              "claiming due notifications: the limit and the lease must be positive");
  ExpectError(store_->ClaimDueNotifications(kT0, 1, seconds(0)), ErrorCode::kInvalidInput,
              "the limit and the lease must be positive");
}

// ===== Sharing and racing ================================================================

TEST_P(StoreContractTest, ASecondHandleSeesTheFirstOnesWrites) {
  auto other = harness_->Open(clock_);
  ASSERT_TRUE(other.has_value()) << other.error().message();
  const Request request = MakeRequest(1, "alice", "prod", kT0);
  ASSERT_TRUE(store_->CreateRequest(request).has_value());
  auto got = (*other)->GetRequest(request.id);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, request);
  ASSERT_TRUE((*other)->CreateEvent(MakeEvent(2, "alice", "prod", kT0)).has_value());
  ExpectError(store_->CreateEvent(MakeEvent(3, "alice", "prod", kT0)), ErrorCode::kConflict,
              "already has an active break-glass event");
}

TEST_P(StoreContractTest, TwentyProcessesRacingForBreakGlassGetExactlyOneEvent) {
  constexpr int kChildren = 20;
  auto outcomes = RaceInChildren(kChildren, [](Store& store, int index) {
    return Outcome(
        store.CreateEvent(MakeEvent(100 + static_cast<unsigned>(index), "alice", "prod", kT0)));
  });
  ASSERT_EQ(outcomes.size(), static_cast<std::size_t>(kChildren));
  int winners = 0;
  int winner = -1;
  for (const auto& outcome : outcomes) {
    if (outcome.ok) {
      ++winners;
      winner = outcome.index;
      continue;
    }
    EXPECT_EQ(outcome.code, ErrorCode::kConflict) << outcome.message;
    EXPECT_NE(outcome.message.find("alice already has an active break-glass event on profile "
                                   "prod"),
              std::string::npos)
        << outcome.message;
  }
  ASSERT_EQ(winners, 1);
  auto active = store_->ListEvents(ByEvent(EventStatus::kActive, std::nullopt, std::nullopt), kT0);
  ASSERT_TRUE(active.has_value()) << active.error().message();
  EXPECT_EQ(Ids(*active), std::vector<std::string>{Id(100 + static_cast<unsigned>(winner))});
  auto all = store_->ListEvents({}, kT0);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 1u) << "no loser left a record behind";
}

TEST_P(StoreContractTest, TwentyProcessesRacingToApproveAndDenyGetOneDecision) {
  constexpr int kChildren = 20;
  const Request pending = MakeRequest(1, "alice", "prod", kT0);
  ASSERT_TRUE(store_->CreateRequest(pending).has_value());
  // Every decider read the request while it was pending and decides on that copy, so
  // nothing but the store's conditional write stands between them.
  auto outcomes = RaceInChildren(kChildren, [pending](Store& store, int index) {
    const std::string who = "approver" + std::to_string(index);
    const TimePoint now = kT0 + minutes(1);
    auto decided = index % 2 == 0 ? Approve(pending, who, "", now) : Deny(pending, who, "", now);
    if (!decided) {
      return Outcome(std::unexpected(decided.error()));
    }
    return Outcome(store.UpdateRequestIf(*decided, RequestStatus::kPending));
  });
  ASSERT_EQ(outcomes.size(), static_cast<std::size_t>(kChildren));
  std::vector<int> winners;
  for (const auto& outcome : outcomes) {
    if (outcome.ok) {
      winners.push_back(outcome.index);
      continue;
    }
    EXPECT_EQ(outcome.code, ErrorCode::kConflict) << outcome.message;
    EXPECT_NE(outcome.message.find("request 0000000000000001: already decided: "),
              std::string::npos)
        << outcome.message;
  }
  ASSERT_EQ(winners.size(), 1u);
  auto stored = store_->GetRequest(Id(1));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->approver, "approver" + std::to_string(winners[0]));
  EXPECT_EQ(stored->status,
            winners[0] % 2 == 0 ? RequestStatus::kApproved : RequestStatus::kDenied);
  for (const auto& outcome : outcomes) {
    if (!outcome.ok) {
      EXPECT_NE(outcome.message.find("by " + stored->approver), std::string::npos)
          << "every loser names the winner: " << outcome.message;
    }
  }
}

TEST_P(StoreContractTest, RacingSendersNeverClaimTheSameNotification) {
  constexpr int kNotifications = 30;
  constexpr int kChildren = 10;
  std::set<std::string> queued;
  for (int i = 0; i < kNotifications; ++i) {
    auto id = store_->EnqueueNotification("webhook", "{}");
    ASSERT_TRUE(id.has_value());
    queued.insert(*id);
  }
  auto outcomes = RaceInChildren(kChildren, [](Store& store, int) {
    auto claimed = store.ClaimDueNotifications(kT0, 4, minutes(5));
    if (!claimed) {
      return Outcome(std::unexpected(claimed.error()));
    }
    ChildOutcome outcome{-1, true, ErrorCode::kInternal, ""};
    for (const auto& notification : *claimed) {
      outcome.message += notification.id + " ";
    }
    return outcome;
  });
  std::multiset<std::string> claimed;
  for (const auto& outcome : outcomes) {
    ASSERT_TRUE(outcome.ok) << outcome.message;
    std::istringstream ids(outcome.message);
    for (std::string id; ids >> id;) {
      claimed.insert(id);
    }
  }
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kNotifications))
      << "40 slots for 30 notifications: all are claimed";
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()), queued);
  for (const std::string& id : queued) {
    EXPECT_EQ(claimed.count(id), 1u) << "notification " << id << " claimed twice";
    auto got = store_->GetNotification(id);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->attempts, 1);
  }
}

}  // namespace sentinel::store
