#include "app/overrides.h"

#include <gtest/gtest.h>

#include "app/override_test_fakes.h"

namespace sentinel::app {
namespace {

using namespace std::chrono;

const TimePoint kT0 = sys_days(2026y / December / 3) + hours(9);

TEST(OverridesTest, RequestRecordHasEverySpecFieldInOrder) {
  auto request = NewRequest("0123456789abcdef", {"alice", "prod", "deploy hotfix", hours(2)}, kT0);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(RequestRecord(*request).dump(),
            R"({"id":"0123456789abcdef","requester":"alice","profile":"prod",)"
            R"("justification":"deploy hotfix","duration_seconds":7200,"status":"pending",)"
            R"("created_at":"2026-12-03T09:00:00Z","updated_at":"2026-12-03T09:00:00Z",)"
            R"("expires_at":"2026-12-04T09:00:00Z","approver":"","approver_comment":"",)"
            R"("decided_at":null,"access_expires_at":null})");
  auto approved = Approve(*request, "carol", "ok", kT0 + minutes(1));
  ASSERT_TRUE(approved.has_value());
  const nlohmann::ordered_json record = RequestRecord(*approved);
  EXPECT_EQ(record["status"], "approved");
  EXPECT_EQ(record["decided_at"], "2026-12-03T09:01:00Z");
  EXPECT_EQ(record["access_expires_at"], "2026-12-03T11:01:00Z");
}

TEST(OverridesTest, EventRecordHasEverySpecFieldInOrder) {
  auto event = NewEvent(
      "fedcba9876543210",
      {"bob@example.com", "prod", "security", "keys leaked, rotating now", minutes(90)}, kT0);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(EventRecord(*event).dump(),
            R"({"id":"fedcba9876543210","invoker":"bob@example.com","profile":"prod",)"
            R"("reason_code":"security","justification":"keys leaked, rotating now",)"
            R"("duration_seconds":5400,"status":"active","created_at":"2026-12-03T09:00:00Z",)"
            R"("updated_at":"2026-12-03T09:00:00Z","expires_at":"2026-12-03T10:30:00Z",)"
            R"("closed_by":"","closed_reason":""})");
}

TEST(OverridesTest, RecordIdsAreCheckedAndQuotedPrintably) {
  EXPECT_TRUE(CheckRecordId("0123456789abcdef", "request").has_value());
  const struct {
    std::string id;
    std::string message;
  } cases[] = {
      {"0123456789abcde", "'0123456789abcde' is not a request id"},
      {"0123456789abcdef0", "'0123456789abcdef0' is not a request id"},
      {"0123456789ABCDEF", "'0123456789ABCDEF' is not a request id"},
      {"", "'' is not a request id"},
      {"\x1b[2Jabcdef0123456", "'?[2Jabcdef0123456' is not a request id"},
  };
  for (const auto& c : cases) {
    auto checked = CheckRecordId(c.id, "request");
    ASSERT_FALSE(checked.has_value()) << c.id;
    EXPECT_EQ(checked.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(checked.error().message(), c.message + ": expected 16 lowercase hex characters");
  }
}

TEST(OverridesTest, AnnounceWritesThenNotifiesEvenWhenTheWriteFails) {
  FakeClock clock(kT0);
  testing::FakeCaller caller;
  testing::FakePolicy policy("");
  testing::TestStore store(clock);
  testing::FakeLifecycleLog log;
  testing::RecordingNotifier notifier;
  FakeRandomSource random;
  const OverridePorts ports{caller, policy, store, log, notifier, random, clock};

  LifecycleEntry entry;
  entry.type = LifecycleEventType::kBreakGlassClosed;
  entry.time = kT0;
  entry.id = "0123456789abcdef";
  entry.actor = "alice";
  ASSERT_TRUE(Announce(ports, entry, {{"id", "0123456789abcdef"}}).has_value());
  ASSERT_EQ(log.entries.size(), 1u);
  ASSERT_EQ(notifier.events.size(), 1u);
  EXPECT_EQ(notifier.events[0].type, LifecycleEventType::kBreakGlassClosed);
  EXPECT_EQ(notifier.events[0].actor, "alice");
  EXPECT_EQ(notifier.events[0].time, kT0);
  EXPECT_EQ(notifier.events[0].subject["id"], "0123456789abcdef");

  log.fail = true;
  auto failed = Announce(ports, entry, nlohmann::json::object());
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(failed.error().message(),
            "recording breakglass.closed of 0123456789abcdef: writing decision log /log: No "
            "space left on device");
  EXPECT_EQ(notifier.events.size(), 2u);
}

}  // namespace
}  // namespace sentinel::app
