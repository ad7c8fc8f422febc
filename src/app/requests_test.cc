#include "app/requests.h"

#include <gtest/gtest.h>

#include "app/override_test_fakes.h"
#include "core/time_format.h"

namespace sentinel::app {
namespace {

using namespace std::chrono;
using std::chrono::seconds;
using testing::ExpectError;

const TimePoint kT0 = sys_days(2026y / December / 3) + hours(9);
constexpr char kWhy[] = "deploy hotfix 4711";

constexpr char kPolicy[] = R"(version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: {profiles: [prod]}
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [carol, dave]
    max_duration: 4h
    auto_approve:
      users: [carol]
      max_duration: 1h
  - name: staging-approvers
    profiles: [staging]
    approvers: [carol]
)";

std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) {
    keys.push_back(item.key());
  }
  return keys;
}

class RequestsTest : public ::testing::Test {
 protected:
  Result<RequestOutcome> Create(std::string profile = "prod", seconds duration = hours(2),
                                std::string why = kWhy) {
    return CreateRequest({std::move(profile), duration, std::move(why)}, ports_);
  }

  // A pending request of alice for prod, made at kT0; the log and notifier start empty.
  Request Pending() {
    caller_.user = "alice";
    auto created = Create();
    EXPECT_TRUE(created.has_value()) << created.error().message();
    log_.entries.clear();
    notifier_.events.clear();
    return created->request;
  }

  Result<RequestOutcome> ApproveAs(std::string user, const std::string& id,
                                   std::string comment = "") {
    caller_.user = std::move(user);
    return ApproveRequest(id, comment, ports_);
  }

  Result<RequestOutcome> DenyAs(std::string user, const std::string& id, std::string comment = "") {
    caller_.user = std::move(user);
    return DenyRequest(id, comment, ports_);
  }

  Request Stored(const std::string& id) {
    auto got = store_.GetRequest(id);
    EXPECT_TRUE(got.has_value()) << got.error().message();
    return got.value_or(Request{});
  }

  FakeClock clock_{kT0};
  testing::FakeCaller caller_;
  testing::FakePolicy policy_{kPolicy};
  testing::TestStore store_{clock_};
  testing::FakeLifecycleLog log_;
  testing::RecordingNotifier notifier_;
  FakeRandomSource random_;
  OverridePorts ports_{caller_, policy_, store_, log_, notifier_, random_, clock_};
};

TEST_F(RequestsTest, CreateStoresAPendingRequestAndAnnouncesIt) {
  auto created = Create();
  ASSERT_TRUE(created.has_value()) << created.error().message();
  EXPECT_FALSE(created->auto_approved);
  EXPECT_FALSE(created->unrecorded.has_value());
  const Request& request = created->request;
  EXPECT_EQ(request.id, "0000000000000000");
  EXPECT_EQ(request.requester, "alice");
  EXPECT_EQ(request.profile, "prod");
  EXPECT_EQ(request.justification, kWhy);
  EXPECT_EQ(request.duration_seconds, hours(2));
  EXPECT_EQ(request.status, RequestStatus::kPending);
  EXPECT_EQ(request.created_at, kT0);
  EXPECT_EQ(request.expires_at, kT0 + hours(24));
  EXPECT_EQ(Stored(request.id), request);

  ASSERT_EQ(log_.Kinds(), std::vector<std::string>{"request.created"});
  const LifecycleEntry& entry = log_.entries[0];
  EXPECT_EQ(entry.time, kT0);
  EXPECT_EQ(entry.id, request.id);
  EXPECT_EQ(entry.actor, "alice");
  EXPECT_EQ(Keys(entry.changes), (std::vector<std::string>{
                                     "requester", "profile", "justification", "duration_seconds",
                                     "status", "created_at", "updated_at", "expires_at", "approver",
                                     "approver_comment", "decided_at", "access_expires_at"}));
  EXPECT_EQ(entry.changes["status"], "pending");
  EXPECT_EQ(entry.changes["expires_at"], "2026-12-04T09:00:00Z");
  EXPECT_EQ(entry.changes["duration_seconds"], 7200);

  ASSERT_EQ(notifier_.Types(), std::vector<std::string>{"request.created"});
  EXPECT_EQ(notifier_.events[0].actor, "alice");
  EXPECT_EQ(notifier_.events[0].time, kT0);
  EXPECT_EQ(notifier_.events[0].subject["id"], request.id);
  EXPECT_EQ(notifier_.events[0].subject["status"], "pending");
}

TEST_F(RequestsTest, AutoApprovalNeedsEveryConditionAndIsRecordedAsTheRule) {
  caller_.user = "carol";
  auto created = Create("prod", hours(1));
  ASSERT_TRUE(created.has_value()) << created.error().message();
  EXPECT_TRUE(created->auto_approved);
  const Request& request = created->request;
  EXPECT_EQ(request.status, RequestStatus::kApproved);
  EXPECT_EQ(request.approver, "auto:prod-approvers");
  EXPECT_EQ(request.decided_at, kT0);
  EXPECT_EQ(request.access_expires_at, kT0 + hours(1));
  EXPECT_EQ(Stored(request.id), request);
  EXPECT_EQ(log_.Kinds(), (std::vector<std::string>{"request.created", "request.approved"}));
  EXPECT_EQ(log_.entries[0].changes["status"], "approved") << "the record as it was stored";
  EXPECT_EQ(log_.entries[1].actor, "auto:prod-approvers");
  EXPECT_EQ(Keys(log_.entries[1].changes),
            (std::vector<std::string>{"status", "updated_at", "approver", "approver_comment",
                                      "decided_at", "access_expires_at"}));
  EXPECT_EQ(log_.entries[1].changes["access_expires_at"], "2026-12-03T10:00:00Z");
  EXPECT_EQ(notifier_.Types(), (std::vector<std::string>{"request.created", "request.approved"}));

  // One second over auto_approve's max_duration, or another user: a human decides.
  auto longer = Create("prod", hours(1) + seconds(1));
  ASSERT_TRUE(longer.has_value()) << longer.error().message();
  EXPECT_FALSE(longer->auto_approved);
  EXPECT_EQ(longer->request.status, RequestStatus::kPending);
  caller_.user = "alice";
  auto other = Create("prod", hours(1));
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->auto_approved);
}

TEST_F(RequestsTest, CreateRefusalsStoreAndLogNothing) {
  const struct {
    std::string name;
    std::string profile;
    seconds duration;
    std::string why;
    ErrorCode code;
    std::string message;
  } cases[] = {
      {"no approvals rule", "dev", hours(1), kWhy, ErrorCode::kDenied,
       "nobody can approve requests for profile 'dev': no approvals rule matches it"},
      {"over the rule's maximum", "prod", hours(4) + seconds(1), kWhy, ErrorCode::kDenied,
       "approvals rule 'prod-approvers' allows requests of at most 4h for profile 'prod', not "
       "4h1s"},
      {"over the default 8h", "staging", hours(8) + seconds(1), kWhy, ErrorCode::kDenied,
       "approvals rule 'staging-approvers' allows requests of at most 8h"},
      {"justification too short", "prod", hours(1), "too short", ErrorCode::kInvalidInput,
       "requesting access to profile 'prod': justification must be 10 to 500 characters, got 9"},
      {"justification too long", "prod", hours(1), std::string(501, 'x'), ErrorCode::kInvalidInput,
       "justification must be 10 to 500 characters, got 501"},
      {"zero duration", "prod", seconds(0), kWhy, ErrorCode::kInvalidInput,
       "a request's duration must be positive"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectError(Create(c.profile, c.duration, c.why), c.code, c.message);
  }
  EXPECT_EQ(caller_.calls, 3) << "bad values are refused before asking AWS who is calling";
  auto all = store_.ListRequests({}, kT0);
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->empty());
  EXPECT_TRUE(log_.entries.empty());
  EXPECT_TRUE(notifier_.events.empty());
}

TEST_F(RequestsTest, CreateBoundariesAreInclusive) {
  EXPECT_TRUE(Create("prod", hours(4)).has_value());
  EXPECT_TRUE(Create("staging", hours(8)).has_value());
  EXPECT_TRUE(Create("prod", hours(1), std::string(10, 'x')).has_value());
  EXPECT_TRUE(Create("prod", hours(1), std::string(500, 'x')).has_value());
}

TEST_F(RequestsTest, CreateFailsClosedOnEveryPortFailure) {
  caller_.error = Error(ErrorCode::kUnavailable, "GetCallerIdentity: connection refused");
  ExpectError(Create(), ErrorCode::kUnavailable,
              "identifying the caller: GetCallerIdentity: connection refused");
  caller_.error.reset();

  policy_.yaml = "version: \"1\"\nrules: [";
  ExpectError(Create(), ErrorCode::kInvalidInput, "loading the policy (no request was made): ");
  policy_.yaml = kPolicy;

  store_.failing = {"CreateRequest"};
  ExpectError(Create(), ErrorCode::kUnavailable, "fake store: CreateRequest: disk I/O error");
  store_.failing.clear();

  random_.FailNext();
  ExpectError(Create(), ErrorCode::kUnavailable, "generating a random id");
  EXPECT_TRUE(log_.entries.empty());
  EXPECT_TRUE(notifier_.events.empty());
}

TEST_F(RequestsTest, AnUnwritableLogLeavesTheRequestAndSaysSo) {
  log_.fail = true;
  auto created = Create();
  ASSERT_TRUE(created.has_value()) << created.error().message();
  ASSERT_TRUE(created->unrecorded.has_value());
  EXPECT_EQ(created->unrecorded->code(), ErrorCode::kUnavailable);
  EXPECT_EQ(created->unrecorded->message(),
            "recording request.created of 0000000000000000: writing decision log /log: No space "
            "left on device");
  EXPECT_EQ(Stored(created->request.id).status, RequestStatus::kPending);
  EXPECT_EQ(notifier_.Types(), std::vector<std::string>{"request.created"})
      << "notifications go out even when the log is broken";
}

TEST_F(RequestsTest, AListedApproverApproves) {
  const Request pending = Pending();
  clock_.Advance(minutes(5));
  auto approved = ApproveAs("carol", pending.id, "go ahead");
  ASSERT_TRUE(approved.has_value()) << approved.error().message();
  EXPECT_FALSE(approved->unrecorded.has_value());
  const Request& request = approved->request;
  EXPECT_EQ(request.status, RequestStatus::kApproved);
  EXPECT_EQ(request.approver, "carol");
  EXPECT_EQ(request.approver_comment, "go ahead");
  EXPECT_EQ(request.decided_at, kT0 + minutes(5));
  EXPECT_EQ(request.access_expires_at, kT0 + minutes(5) + hours(2));
  EXPECT_EQ(Stored(pending.id), request);

  ASSERT_EQ(log_.Kinds(), std::vector<std::string>{"request.approved"});
  const LifecycleEntry& entry = log_.entries[0];
  EXPECT_EQ(entry.actor, "carol");
  EXPECT_EQ(entry.id, pending.id);
  EXPECT_EQ(entry.time, kT0 + minutes(5));
  EXPECT_EQ(entry.changes["approver_comment"], "go ahead");
  EXPECT_EQ(entry.changes["decided_at"], "2026-12-03T09:05:00Z");
  EXPECT_EQ(entry.changes["access_expires_at"], "2026-12-03T11:05:00Z");
  ASSERT_EQ(notifier_.Types(), std::vector<std::string>{"request.approved"});
  EXPECT_EQ(notifier_.events[0].subject["approver"], "carol");
}

TEST_F(RequestsTest, AListedApproverDenies) {
  const Request pending = Pending();
  auto denied = DenyAs("dave", pending.id, "not during the freeze");
  ASSERT_TRUE(denied.has_value()) << denied.error().message();
  EXPECT_EQ(denied->request.status, RequestStatus::kDenied);
  EXPECT_EQ(denied->request.approver, "dave");
  EXPECT_FALSE(denied->request.access_expires_at.has_value());
  EXPECT_EQ(Stored(pending.id), denied->request);
  ASSERT_EQ(log_.Kinds(), std::vector<std::string>{"request.denied"});
  EXPECT_EQ(Keys(log_.entries[0].changes),
            (std::vector<std::string>{"status", "updated_at", "approver", "approver_comment",
                                      "decided_at"}));
  EXPECT_EQ(notifier_.Types(), std::vector<std::string>{"request.denied"});
}

TEST_F(RequestsTest, OnlyListedApproversDecideAndNeverTheRequester) {
  const Request pending = Pending();
  ExpectError(ApproveAs("eve", pending.id), ErrorCode::kDenied,
              "user 'eve' may not approve request 0000000000000000: not an approver in approvals "
              "rule 'prod-approvers' for profile 'prod'");
  ExpectError(DenyAs("alice", pending.id), ErrorCode::kDenied,
              "user 'alice' may not deny request 0000000000000000: nobody decides their own "
              "request");
  // An approver asking for more than auto_approve allows still may not approve it.
  caller_.user = "carol";
  auto carols = Create("prod", hours(3));
  ASSERT_TRUE(carols.has_value());
  ExpectError(ApproveAs("carol", carols->request.id), ErrorCode::kDenied,
              "nobody decides their own request");
  EXPECT_EQ(Stored(pending.id).status, RequestStatus::kPending);
  EXPECT_EQ(Stored(carols->request.id).status, RequestStatus::kPending);
  EXPECT_EQ(log_.Kinds(), std::vector<std::string>{"request.created"}) << "carol's request only";
}

TEST_F(RequestsTest, ASecondDecisionIsAlreadyDecided) {
  const Request pending = Pending();
  clock_.Advance(minutes(1));
  ASSERT_TRUE(ApproveAs("carol", pending.id).has_value());
  clock_.Advance(minutes(1));
  ExpectError(DenyAs("dave", pending.id), ErrorCode::kConflict,
              "request 0000000000000000: already decided: approved by carol at "
              "2026-12-03T09:01:00Z");
  ExpectError(ApproveAs("dave", pending.id), ErrorCode::kConflict, "already decided");
  EXPECT_EQ(Stored(pending.id).approver, "carol");
  EXPECT_EQ(log_.Kinds(), std::vector<std::string>{"request.approved"});
}

TEST_F(RequestsTest, ARaceLostAtTheStoreIsAlreadyDecided) {
  const Request pending = Pending();
  ASSERT_TRUE(ApproveAs("carol", pending.id).has_value());
  // dave's process read the request while it was still pending.
  store_.stale_request = pending;
  ExpectError(DenyAs("dave", pending.id), ErrorCode::kConflict,
              "request 0000000000000000: already decided: approved by carol");
  store_.stale_request.reset();
  EXPECT_EQ(Stored(pending.id).status, RequestStatus::kApproved);
  EXPECT_EQ(log_.Kinds(), std::vector<std::string>{"request.approved"});
}

TEST_F(RequestsTest, APendingRequestCanBeDecidedUntilItsLastSecond) {
  const Request pending = Pending();
  clock_.Set(pending.expires_at - seconds(1));
  auto approved = ApproveAs("carol", pending.id);
  ASSERT_TRUE(approved.has_value()) << approved.error().message();
  EXPECT_EQ(approved->request.access_expires_at, pending.expires_at - seconds(1) + hours(2));

  caller_.user = "alice";
  auto late = Create();
  ASSERT_TRUE(late.has_value());
  clock_.Set(late->request.expires_at);
  ExpectError(ApproveAs("carol", late->request.id), ErrorCode::kConflict,
              "expired at 2026-12-05T08:59:59Z without a decision");
  clock_.Advance(seconds(1));
  ExpectError(DenyAs("carol", late->request.id), ErrorCode::kConflict, "without a decision");
}

TEST_F(RequestsTest, DecisionInputErrors) {
  const Request pending = Pending();
  caller_.calls = 0;
  ExpectError(ApproveAs("carol", "0123"), ErrorCode::kInvalidInput,
              "'0123' is not a request id: expected 16 lowercase hex characters");
  ExpectError(DenyAs("carol", "ABCDEF0123456789"), ErrorCode::kInvalidInput, "is not a request id");
  EXPECT_EQ(caller_.calls, 0) << "malformed ids are refused before asking AWS";
  ExpectError(ApproveAs("carol", "00000000000000ff"), ErrorCode::kNotFound,
              "request 00000000000000ff: not found");
  ExpectError(ApproveAs("carol", pending.id, std::string(1001, 'x')), ErrorCode::kInvalidInput,
              "comment must be 0 to 1000 characters, got 1001");
  policy_.yaml = "rules: 3";
  ExpectError(ApproveAs("carol", pending.id), ErrorCode::kInvalidInput,
              "loading the policy (request 0000000000000000 left as is)");
  policy_.yaml = kPolicy;
  store_.failing = {"UpdateRequestIf"};
  ExpectError(ApproveAs("carol", pending.id), ErrorCode::kUnavailable,
              "fake store: UpdateRequestIf");
  store_.failing.clear();
  EXPECT_EQ(Stored(pending.id).status, RequestStatus::kPending);
  EXPECT_TRUE(log_.entries.empty());
}

TEST_F(RequestsTest, AnUnwritableLogAfterADecisionKeepsTheDecision) {
  const Request pending = Pending();
  log_.fail = true;
  auto approved = ApproveAs("carol", pending.id);
  ASSERT_TRUE(approved.has_value()) << approved.error().message();
  ASSERT_TRUE(approved->unrecorded.has_value());
  EXPECT_NE(approved->unrecorded->message().find("recording request.approved of " + pending.id),
            std::string::npos)
      << approved->unrecorded->message();
  EXPECT_EQ(Stored(pending.id).status, RequestStatus::kApproved);
}

TEST_F(RequestsTest, OnlyTheRequesterCancelsAndOnlyWhilePending) {
  const Request pending = Pending();
  caller_.user = "carol";
  ExpectError(CancelRequest(pending.id, ports_), ErrorCode::kDenied,
              "user 'carol' may not cancel request 0000000000000000: only its requester, alice, "
              "may");
  caller_.user = "alice";
  clock_.Advance(minutes(3));
  auto cancelled = CancelRequest(pending.id, ports_);
  ASSERT_TRUE(cancelled.has_value()) << cancelled.error().message();
  EXPECT_EQ(cancelled->request.status, RequestStatus::kCancelled);
  EXPECT_EQ(Stored(pending.id), cancelled->request);
  ASSERT_EQ(log_.Kinds(), std::vector<std::string>{"request.cancelled"});
  EXPECT_EQ(log_.entries[0].actor, "alice");
  EXPECT_EQ(Keys(log_.entries[0].changes), (std::vector<std::string>{"status", "updated_at"}));
  EXPECT_EQ(notifier_.Types(), std::vector<std::string>{"request.cancelled"});

  ExpectError(CancelRequest(pending.id, ports_), ErrorCode::kConflict,
              "request 0000000000000000: already cancelled by the requester at "
              "2026-12-03T09:03:00Z");
  ExpectError(ApproveAs("carol", pending.id), ErrorCode::kConflict, "already cancelled");

  const Request approved_one = Pending();
  ASSERT_TRUE(ApproveAs("dave", approved_one.id).has_value());
  caller_.user = "alice";
  ExpectError(CancelRequest(approved_one.id, ports_), ErrorCode::kConflict,
              "already decided: approved by dave");
  ExpectError(CancelRequest("nope", ports_), ErrorCode::kInvalidInput, "is not a request id");
}

TEST_F(RequestsTest, ListWithoutAFilterShowsTheCallersOwn) {
  caller_.user = "alice";
  ASSERT_TRUE(Create().has_value());
  clock_.Advance(seconds(1));
  caller_.user = "bob";
  ASSERT_TRUE(Create().has_value());
  clock_.Advance(seconds(1));
  caller_.user = "alice";
  ASSERT_TRUE(Create("staging").has_value());
  caller_.calls = 0;

  auto own = ListRequests({}, ports_);
  ASSERT_TRUE(own.has_value()) << own.error().message();
  ASSERT_EQ(own->size(), 2u);
  EXPECT_EQ((*own)[0].profile, "staging") << "newest first";
  EXPECT_EQ((*own)[1].profile, "prod");
  EXPECT_EQ(caller_.calls, 1);

  store::RequestFilter pending;
  pending.status = RequestStatus::kPending;
  auto everyone = ListRequests(pending, ports_);
  ASSERT_TRUE(everyone.has_value());
  EXPECT_EQ(everyone->size(), 3u);
  EXPECT_EQ(caller_.calls, 1) << "a filter needs no identity";

  store::RequestFilter bobs;
  bobs.requester = "bob";
  auto of_bob = ListRequests(bobs, ports_);
  ASSERT_TRUE(of_bob.has_value());
  ASSERT_EQ(of_bob->size(), 1u);
  EXPECT_EQ((*of_bob)[0].requester, "bob");

  store::RequestFilter too_many;
  too_many.profile = "prod";
  too_many.limit = 1001;
  ExpectError(ListRequests(too_many, ports_), ErrorCode::kInvalidInput,
              "list limit must be 1 to 1000, got 1001");
  store_.failing = {"ListRequests"};
  ExpectError(ListRequests(pending, ports_), ErrorCode::kUnavailable, "fake store: ListRequests");
}

TEST_F(RequestsTest, CheckReadsOneRequest) {
  const Request pending = Pending();
  auto got = CheckRequest(pending.id, ports_);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, pending);
  EXPECT_EQ(caller_.calls, 1) << "only the creation identified anyone";
  ExpectError(CheckRequest("0000000000000009", ports_), ErrorCode::kNotFound,
              "request 0000000000000009: not found");
  ExpectError(CheckRequest("../etc/passwd", ports_), ErrorCode::kInvalidInput,
              "'../etc/passwd' is not a request id");
  store_.failing = {"GetRequest"};
  ExpectError(CheckRequest(pending.id, ports_), ErrorCode::kUnavailable, "fake store: GetRequest");
}

}  // namespace
}  // namespace sentinel::app
