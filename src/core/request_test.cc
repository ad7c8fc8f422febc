#include "core/request.h"

#include <gtest/gtest.h>

#include <string>

#include "core/time_format.h"

namespace sentinel {
namespace {

using namespace std::chrono;
using std::chrono::seconds;

const TimePoint kCreated = sys_days(2026y / December / 3) + hours(9);
const TimePoint kExpires = kCreated + hours(24);  // end of the pending period
const TimePoint kDecided = kCreated + hours(1);
constexpr char kId[] = "0123456789abcdef";

Request Pending() {
  auto request = NewRequest(kId, {"alice", "prod", "deploy hotfix 42", hours(2)}, kCreated);
  EXPECT_TRUE(request.has_value()) << request.error().message();
  return *request;
}

// A request stored in `status`, reached the way the state machine would reach it.
Request StoredAs(RequestStatus status) {
  Request request = Pending();
  switch (status) {
    case RequestStatus::kPending:
      return request;
    case RequestStatus::kApproved:
      return *Approve(request, "carol", "ok", kDecided);
    case RequestStatus::kDenied:
      return *Deny(request, "dave", "no", kDecided);
    case RequestStatus::kCancelled:
      return *Cancel(request, kDecided);
    case RequestStatus::kExpired:
      return *Expire(request, kExpires);
  }
  return request;
}

enum class Action { kApprove, kDeny, kCancel, kExpire };

Result<Request> Apply(Action action, const Request& request, TimePoint now) {
  switch (action) {
    case Action::kApprove:
      return Approve(request, "carol", "looks fine", now);
    case Action::kDeny:
      return Deny(request, "dave", "not today", now);
    case Action::kCancel:
      return Cancel(request, now);
    case Action::kExpire:
      return Expire(request, now);
  }
  return Fail(ErrorCode::kInternal, "unknown action");
}

TEST(RequestStatusTest, NamesRoundTrip) {
  for (auto status : {RequestStatus::kPending, RequestStatus::kApproved, RequestStatus::kDenied,
                      RequestStatus::kCancelled, RequestStatus::kExpired}) {
    auto parsed = ParseRequestStatus(RequestStatusName(status));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, status);
  }
  EXPECT_EQ(RequestStatusName(RequestStatus::kCancelled), "cancelled");
}

TEST(RequestStatusTest, ParseRejectsUnknownNames) {
  for (const char* text : {"", "Pending", "approve", "pending "}) {
    auto parsed = ParseRequestStatus(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(parsed.error().message(),
              "unknown request status '" + std::string(text) +
                  "': expected pending, approved, denied, cancelled or expired");
  }
}

TEST(NewRequestTest, FillsEverySpecField) {
  Request request = Pending();
  EXPECT_EQ(request.id, kId);
  EXPECT_EQ(request.requester, "alice");
  EXPECT_EQ(request.profile, "prod");
  EXPECT_EQ(request.justification, "deploy hotfix 42");
  EXPECT_EQ(request.duration_seconds, hours(2));
  EXPECT_EQ(request.status, RequestStatus::kPending);
  EXPECT_EQ(request.created_at, kCreated);
  EXPECT_EQ(request.updated_at, kCreated);
  EXPECT_EQ(request.expires_at, kCreated + hours(24));
  EXPECT_EQ(request.approver, "");
  EXPECT_EQ(request.approver_comment, "");
  EXPECT_EQ(request.decided_at, std::nullopt);
  EXPECT_EQ(request.access_expires_at, std::nullopt);
}

TEST(NewRequestTest, RejectsBadInputWithMessages) {
  const struct {
    std::string id;
    RequestDraft draft;
    std::string want;
  } cases[] = {
      {"0123",
       {"alice", "prod", "deploy hotfix 42", hours(1)},
       "creating a request: id '0123' is not 16 lowercase hex characters"},
      {kId,
       {"", "prod", "deploy hotfix 42", hours(1)},
       "creating request 0123456789abcdef: the requester and the profile must be set"},
      {kId,
       {"alice", "", "deploy hotfix 42", hours(1)},
       "creating request 0123456789abcdef: the requester and the profile must be set"},
      {kId,
       {"alice", "prod", "too short", hours(1)},
       "creating request 0123456789abcdef: justification must be 10 to 500 characters, got 9"},
      {kId,
       {"alice", "prod", std::string(501, 'x'), hours(1)},
       "creating request 0123456789abcdef: justification must be 10 to 500 characters, got 501"},
      {kId,
       {"alice", "prod", "deploy\nhotfix 42", hours(1)},
       "creating request 0123456789abcdef: justification contains a control character at "
       "character 7"},
      {kId,
       {"alice", "prod", "deploy hotfix 42", seconds(0)},
       "creating request 0123456789abcdef: the duration must be positive, got 0s"},
      {kId,
       {"alice", "prod", "deploy hotfix 42", seconds(-5)},
       "creating request 0123456789abcdef: the duration must be positive, got -5s"},
  };
  for (const auto& c : cases) {
    auto got = NewRequest(c.id, c.draft, kCreated);
    ASSERT_FALSE(got.has_value()) << c.want;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(got.error().message(), c.want);
  }
}

TEST(RequestEffectiveStatusTest, EveryStoredStatusAroundTheExpiry) {
  const struct {
    RequestStatus stored;
    RequestStatus before;  // at kExpires - 1s
    RequestStatus at;      // at kExpires
    RequestStatus after;   // at kExpires + 1s
  } cases[] = {
      {RequestStatus::kPending, RequestStatus::kPending, RequestStatus::kExpired,
       RequestStatus::kExpired},
      {RequestStatus::kApproved, RequestStatus::kApproved, RequestStatus::kApproved,
       RequestStatus::kApproved},
      {RequestStatus::kDenied, RequestStatus::kDenied, RequestStatus::kDenied,
       RequestStatus::kDenied},
      {RequestStatus::kCancelled, RequestStatus::kCancelled, RequestStatus::kCancelled,
       RequestStatus::kCancelled},
      {RequestStatus::kExpired, RequestStatus::kExpired, RequestStatus::kExpired,
       RequestStatus::kExpired},
  };
  for (const auto& c : cases) {
    const Request request = StoredAs(c.stored);
    SCOPED_TRACE(RequestStatusName(c.stored));
    EXPECT_EQ(EffectiveStatus(request, kExpires - seconds(1)), c.before);
    EXPECT_EQ(EffectiveStatus(request, kExpires), c.at);
    EXPECT_EQ(EffectiveStatus(request, kExpires + seconds(1)), c.after);
  }
}

// Every (from, action) pair, one second before and one second after the pending period
// ends. `want_status` is the resulting status, or `want_error` the kConflict message.
TEST(RequestTransitionTest, EveryFromToPairAroundTheExpiry) {
  const std::string id = std::string("request ") + kId;
  const std::string approved = id + ": already decided: approved by carol at 2026-12-03T10:00:00Z";
  const std::string denied = id + ": already decided: denied by dave at 2026-12-03T10:00:00Z";
  const std::string cancelled = id + ": already cancelled by the requester at 2026-12-03T10:00:00Z";
  const std::string expired = id + ": expired at 2026-12-04T09:00:00Z without a decision";
  const std::string still = id + ": still pending until 2026-12-04T09:00:00Z";
  using S = RequestStatus;
  using A = Action;
  const struct {
    S from;
    A action;
    int offset;  // seconds from kExpires
    std::optional<S> want_status;
    std::string want_error;
  } cases[] = {
      {S::kPending, A::kApprove, -1, S::kApproved, ""},
      {S::kPending, A::kApprove, +1, std::nullopt, expired},
      {S::kPending, A::kDeny, -1, S::kDenied, ""},
      {S::kPending, A::kDeny, +1, std::nullopt, expired},
      {S::kPending, A::kCancel, -1, S::kCancelled, ""},
      {S::kPending, A::kCancel, +1, std::nullopt, expired},
      {S::kPending, A::kExpire, -1, std::nullopt, still},
      {S::kPending, A::kExpire, +1, S::kExpired, ""},
      {S::kApproved, A::kApprove, -1, std::nullopt, approved},
      {S::kApproved, A::kApprove, +1, std::nullopt, approved},
      {S::kApproved, A::kDeny, -1, std::nullopt, approved},
      {S::kApproved, A::kDeny, +1, std::nullopt, approved},
      {S::kApproved, A::kCancel, -1, std::nullopt, approved},
      {S::kApproved, A::kCancel, +1, std::nullopt, approved},
      {S::kApproved, A::kExpire, -1, std::nullopt, approved},
      {S::kApproved, A::kExpire, +1, std::nullopt, approved},
      {S::kDenied, A::kApprove, -1, std::nullopt, denied},
      {S::kDenied, A::kApprove, +1, std::nullopt, denied},
      {S::kDenied, A::kDeny, -1, std::nullopt, denied},
      {S::kDenied, A::kDeny, +1, std::nullopt, denied},
      {S::kDenied, A::kCancel, -1, std::nullopt, denied},
      {S::kDenied, A::kCancel, +1, std::nullopt, denied},
      {S::kDenied, A::kExpire, -1, std::nullopt, denied},
      {S::kDenied, A::kExpire, +1, std::nullopt, denied},
      {S::kCancelled, A::kApprove, -1, std::nullopt, cancelled},
      {S::kCancelled, A::kApprove, +1, std::nullopt, cancelled},
      {S::kCancelled, A::kDeny, -1, std::nullopt, cancelled},
      {S::kCancelled, A::kDeny, +1, std::nullopt, cancelled},
      {S::kCancelled, A::kCancel, -1, std::nullopt, cancelled},
      {S::kCancelled, A::kCancel, +1, std::nullopt, cancelled},
      {S::kCancelled, A::kExpire, -1, std::nullopt, cancelled},
      {S::kCancelled, A::kExpire, +1, std::nullopt, cancelled},
      {S::kExpired, A::kApprove, -1, std::nullopt, expired},
      {S::kExpired, A::kApprove, +1, std::nullopt, expired},
      {S::kExpired, A::kDeny, -1, std::nullopt, expired},
      {S::kExpired, A::kDeny, +1, std::nullopt, expired},
      {S::kExpired, A::kCancel, -1, std::nullopt, expired},
      {S::kExpired, A::kCancel, +1, std::nullopt, expired},
      {S::kExpired, A::kExpire, -1, std::nullopt, expired},
      {S::kExpired, A::kExpire, +1, std::nullopt, expired},
  };
  for (const auto& c : cases) {
    const Request from = StoredAs(c.from);
    const TimePoint now = kExpires + seconds(c.offset);
    SCOPED_TRACE(std::string(RequestStatusName(c.from)) + " action " +
                 std::to_string(static_cast<int>(c.action)) + " at " + FormatTime(now));
    auto got = Apply(c.action, from, now);
    if (c.want_status) {
      ASSERT_TRUE(got.has_value()) << got.error().message();
      EXPECT_EQ(got->status, *c.want_status);
      EXPECT_EQ(got->updated_at, now);
    } else {
      ASSERT_FALSE(got.has_value());
      EXPECT_EQ(got.error().code(), ErrorCode::kConflict);
      EXPECT_EQ(got.error().message(), c.want_error);
    }
  }
}

TEST(RequestTransitionTest, ApproveRecordsTheDecisionAndTheAccessWindow) {
  const TimePoint now = kCreated + minutes(30);
  auto approved = Approve(Pending(), "carol", "go ahead", now);
  ASSERT_TRUE(approved.has_value()) << approved.error().message();
  Request want = Pending();
  want.status = RequestStatus::kApproved;
  want.updated_at = now;
  want.approver = "carol";
  want.approver_comment = "go ahead";
  want.decided_at = now;
  want.access_expires_at = now + hours(2);
  EXPECT_EQ(*approved, want);
}

TEST(RequestTransitionTest, DenyRecordsTheDecisionWithoutAccess) {
  const TimePoint now = kCreated + minutes(30);
  auto denied = Deny(Pending(), "dave", "", now);
  ASSERT_TRUE(denied.has_value()) << denied.error().message();
  Request want = Pending();
  want.status = RequestStatus::kDenied;
  want.updated_at = now;
  want.approver = "dave";
  want.decided_at = now;
  EXPECT_EQ(*denied, want);
  EXPECT_FALSE(IsUsableAt(*denied, now));
}

TEST(RequestTransitionTest, CancelAndExpireTouchOnlyStatusAndUpdatedAt) {
  auto cancelled = Cancel(Pending(), kCreated + seconds(5));
  ASSERT_TRUE(cancelled.has_value());
  Request want = Pending();
  want.status = RequestStatus::kCancelled;
  want.updated_at = kCreated + seconds(5);
  EXPECT_EQ(*cancelled, want);

  auto expired = Expire(Pending(), kExpires + hours(3));
  ASSERT_TRUE(expired.has_value());
  want.status = RequestStatus::kExpired;
  want.updated_at = kExpires + hours(3);
  EXPECT_EQ(*expired, want);
}

TEST(RequestTransitionTest, DecisionsNeedAnApproverAndPlainTextComment) {
  const TimePoint now = kCreated + seconds(1);
  const struct {
    Result<Request> got;
    std::string want;
  } cases[] = {
      {Approve(Pending(), "", "ok", now), "request 0123456789abcdef: the approver is empty"},
      {Deny(Pending(), "", "no", now), "request 0123456789abcdef: the approver is empty"},
      {Approve(Pending(), "carol", "ok\x1b[2J", now),
       "request 0123456789abcdef: comment contains a control character at character 3"},
      {Deny(Pending(), "dave", std::string(1001, 'n'), now),
       "request 0123456789abcdef: comment must be 0 to 1000 characters, got 1001"},
  };
  for (const auto& c : cases) {
    ASSERT_FALSE(c.got.has_value()) << c.want;
    EXPECT_EQ(c.got.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(c.got.error().message(), c.want);
  }
}

TEST(RequestTransitionTest, ExpiredRequestErrorCarriesAHint) {
  auto got = Approve(Pending(), "carol", "", kExpires + seconds(1));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().hint(), "ask for access again with `sentinel request`");
}

TEST(RequestUsableTest, OnlyInsideTheApprovedAccessWindow) {
  const Request approved = StoredAs(RequestStatus::kApproved);
  const TimePoint end = kDecided + hours(2);
  ASSERT_EQ(approved.access_expires_at, end);
  const struct {
    TimePoint now;
    bool want;
  } cases[] = {
      {kDecided - seconds(1), false}, {kDecided, true}, {kDecided + seconds(1), true},
      {end - seconds(1), true},       {end, false},     {end + seconds(1), false},
      {kExpires + seconds(1), false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsUsableAt(approved, c.now), c.want) << FormatTime(c.now);
  }
}

TEST(RequestUsableTest, NoOtherStatusIsEverUsable) {
  for (auto status : {RequestStatus::kPending, RequestStatus::kDenied, RequestStatus::kCancelled,
                      RequestStatus::kExpired}) {
    const Request request = StoredAs(status);
    for (TimePoint now : {kCreated, kDecided, kDecided + hours(1), kExpires + seconds(1)}) {
      EXPECT_FALSE(IsUsableAt(request, now)) << RequestStatusName(status) << FormatTime(now);
    }
  }
}

TEST(RequestUsableTest, ApprovedWithoutAWindowFailsClosed) {
  Request broken = StoredAs(RequestStatus::kApproved);
  broken.access_expires_at.reset();
  EXPECT_FALSE(IsUsableAt(broken, kDecided + seconds(1)));
  broken = StoredAs(RequestStatus::kApproved);
  broken.decided_at.reset();
  EXPECT_FALSE(IsUsableAt(broken, kDecided + seconds(1)));
}

TEST(RequestNotPendingErrorTest, APendingRequestIsAnInternalError) {
  Error error = NotPendingError(Pending(), kCreated);
  EXPECT_EQ(error.code(), ErrorCode::kInternal);
  EXPECT_EQ(error.message(), "request 0123456789abcdef: is still pending");
}

}  // namespace
}  // namespace sentinel
