#include "app/notifier.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace sentinel::app {
namespace {

using namespace std::chrono;

const TimePoint kCreated = sys_days(2026y / December / 3) + hours(9);

TEST(LifecycleEventTypeTest, NamesRoundTripAndPickTheSubjectKind) {
  struct Case {
    LifecycleEventType type;
    std::string_view name;
    SubjectKind kind;
  };
  const Case cases[] = {
      {LifecycleEventType::kRequestCreated, "request.created", SubjectKind::kRequest},
      {LifecycleEventType::kRequestApproved, "request.approved", SubjectKind::kRequest},
      {LifecycleEventType::kRequestDenied, "request.denied", SubjectKind::kRequest},
      {LifecycleEventType::kRequestCancelled, "request.cancelled", SubjectKind::kRequest},
      {LifecycleEventType::kBreakGlassInvoked, "breakglass.invoked", SubjectKind::kEvent},
      {LifecycleEventType::kBreakGlassClosed, "breakglass.closed", SubjectKind::kEvent},
      {LifecycleEventType::kBreakGlassRateLimited, "breakglass.rate_limited", SubjectKind::kEvent},
      {LifecycleEventType::kBreakGlassEscalated, "breakglass.escalated", SubjectKind::kEvent},
  };
  ASSERT_EQ(std::size(cases), kLifecycleEventTypes.size());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(LifecycleEventTypeName(c.type), c.name);
    EXPECT_EQ(SubjectKindOf(c.type), c.kind);
    auto parsed = ParseLifecycleEventType(c.name);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, c.type);
  }
  EXPECT_EQ(SubjectKindName(SubjectKind::kRequest), "request");
  EXPECT_EQ(SubjectKindName(SubjectKind::kEvent), "event");
}

TEST(LifecycleEventTypeTest, RejectsUnknownNamesPrintably) {
  for (std::string_view name :
       {"", "request.Created", "breakglass", "request.created ", "request.created\n\x1b[2J"}) {
    auto parsed = ParseLifecycleEventType(name);
    ASSERT_FALSE(parsed.has_value()) << name;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidInput);
    EXPECT_TRUE(parsed.error().message().starts_with("unknown lifecycle event type '"));
    EXPECT_EQ(parsed.error().message().find('\x1b'), std::string::npos);
  }
}

TEST(RequestSubjectTest, CarriesEveryFieldWithUnsetTimesAsNull) {
  auto request =
      NewRequest("0123456789abcdef", {"bob", "prod", "deploy the hotfix", hours(2)}, kCreated);
  ASSERT_TRUE(request.has_value());
  const nlohmann::json pending = RequestSubject(*request);
  EXPECT_EQ(pending, nlohmann::json::parse(R"({
    "id": "0123456789abcdef", "requester": "bob", "profile": "prod",
    "justification": "deploy the hotfix", "duration_seconds": 7200, "status": "pending",
    "created_at": "2026-12-03T09:00:00Z", "updated_at": "2026-12-03T09:00:00Z",
    "expires_at": "2026-12-04T09:00:00Z", "approver": "", "approver_comment": "",
    "decided_at": null, "access_expires_at": null})"));

  auto approved = Approve(*request, "carol", "go ahead", kCreated + minutes(5));
  ASSERT_TRUE(approved.has_value()) << approved.error().message();
  const nlohmann::json subject = RequestSubject(*approved);
  EXPECT_EQ(subject["status"], "approved");
  EXPECT_EQ(subject["approver"], "carol");
  EXPECT_EQ(subject["approver_comment"], "go ahead");
  EXPECT_EQ(subject["decided_at"], "2026-12-03T09:05:00Z");
  EXPECT_EQ(subject["access_expires_at"], "2026-12-03T11:05:00Z");
}

TEST(EventSubjectTest, CarriesEveryField) {
  auto event = NewEvent("fedcba9876543210",
                        {"alice", "prod", "incident", "database on fire, paging on-call", hours(1)},
                        kCreated);
  ASSERT_TRUE(event.has_value()) << event.error().message();
  EXPECT_EQ(EventSubject(*event), nlohmann::json::parse(R"({
    "id": "fedcba9876543210", "invoker": "alice", "profile": "prod",
    "reason_code": "incident", "justification": "database on fire, paging on-call",
    "duration_seconds": 3600, "status": "active", "created_at": "2026-12-03T09:00:00Z",
    "updated_at": "2026-12-03T09:00:00Z", "expires_at": "2026-12-03T10:00:00Z",
    "closed_by": "", "closed_reason": ""})"));
}

}  // namespace
}  // namespace sentinel::app
