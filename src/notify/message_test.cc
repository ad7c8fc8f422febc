#include "notify/message.h"

#include <gtest/gtest.h>

#include <string>

namespace sentinel::notify {
namespace {

using namespace std::chrono;

const TimePoint kAt = sys_days(2026y / December / 3) + hours(17) + minutes(4) + seconds(5);

TEST(NotificationBodyTest, KeysInSpecOrderWithTheSubjectUnderItsKind) {
  const app::LifecycleEvent invoked{app::LifecycleEventType::kBreakGlassInvoked,
                                    kAt,
                                    "alice",
                                    {{"id", "fedcba9876543210"}, {"profile", "prod"}}};
  EXPECT_EQ(NotificationBody(invoked),
            R"({"type":"breakglass.invoked","time":"2026-12-03T17:04:05Z","actor":"alice",)"
            R"("event":{"id":"fedcba9876543210","profile":"prod"}})");

  const app::LifecycleEvent denied{
      app::LifecycleEventType::kRequestDenied, kAt, "carol", {{"id", "0123456789abcdef"}}};
  EXPECT_EQ(NotificationBody(denied),
            R"({"type":"request.denied","time":"2026-12-03T17:04:05Z","actor":"carol",)"
            R"("request":{"id":"0123456789abcdef"}})");
}

// The whole document for a real event record, as the README shows it: the subject's keys
// come sorted.
TEST(NotificationBodyTest, CarriesTheWholeRecord) {
  auto event = NewEvent(
      "fedcba9876543210",
      {"alice", "prod", "incident", "primary database unreachable, paging", hours(1)}, kAt);
  ASSERT_TRUE(event.has_value()) << event.error().message();
  EXPECT_EQ(
      NotificationBody(
          {app::LifecycleEventType::kBreakGlassInvoked, kAt, "alice", app::EventSubject(*event)}),
      R"({"type":"breakglass.invoked","time":"2026-12-03T17:04:05Z","actor":"alice","event":)"
      R"({"closed_by":"","closed_reason":"","created_at":"2026-12-03T17:04:05Z",)"
      R"("duration_seconds":3600,"expires_at":"2026-12-03T18:04:05Z","id":"fedcba9876543210",)"
      R"("invoker":"alice","justification":"primary database unreachable, paging",)"
      R"("profile":"prod","reason_code":"incident","status":"active",)"
      R"("updated_at":"2026-12-03T17:04:05Z"}})");
}

TEST(NotificationBodyTest, EscapesAndRepairsStrings) {
  const app::LifecycleEvent event{app::LifecycleEventType::kRequestCreated,
                                  kAt,
                                  "bob \"the\" builder\n\xff",
                                  {{"justification", "caf\xc3\xa9 \x01"}}};
  const std::string body = NotificationBody(event);
  EXPECT_EQ(body,
            "{\"type\":\"request.created\",\"time\":\"2026-12-03T17:04:05Z\",\"actor\":\"bob "
            "\\\"the\\\" builder\\n\xef\xbf\xbd\",\"request\":{\"justification\":\"caf\xc3\xa9 "
            "\\u0001\"}}");
  auto type = NotificationType(body);
  ASSERT_TRUE(type.has_value()) << type.error().message();
  EXPECT_EQ(*type, app::LifecycleEventType::kRequestCreated);
}

TEST(NotificationTypeTest, ReadsEveryTypeBack) {
  for (app::LifecycleEventType type : app::kLifecycleEventTypes) {
    auto got = NotificationType(NotificationBody({type, kAt, "a", {}}));
    ASSERT_TRUE(got.has_value()) << app::LifecycleEventTypeName(type);
    EXPECT_EQ(*got, type);
  }
}

TEST(NotificationTypeTest, RefusesWhatIsNotANotification) {
  struct Case {
    std::string_view body;
    std::string_view error;
  };
  const Case cases[] = {
      {"", "notification document is not a JSON object"},
      {"[1]", "notification document is not a JSON object"},
      {R"({"type":"request.created")", "notification document is not a JSON object"},
      {"{}", "notification document has no \"type\" string"},
      {R"({"type":7})", "notification document has no \"type\" string"},
      {R"({"type":"request.exploded"})",
       "notification document: unknown lifecycle event type 'request.exploded'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    auto got = NotificationType(c.body);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(got.error().message(), c.error);
  }
}

}  // namespace
}  // namespace sentinel::notify
