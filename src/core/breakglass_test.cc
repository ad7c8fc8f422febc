#include "core/breakglass.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/time_format.h"

namespace sentinel {
namespace {

using namespace std::chrono;
using std::chrono::seconds;

const TimePoint kCreated = sys_days(2026y / December / 3) + hours(9);
const TimePoint kExpires = kCreated + hours(2);
const TimePoint kClosed = kCreated + hours(1);
constexpr char kId[] = "fedcba9876543210";
constexpr char kJustification[] = "database on fire, paging on-call";

Event Active() {
  auto event = NewEvent(kId, {"alice", "prod", "incident", kJustification, hours(2)}, kCreated);
  EXPECT_TRUE(event.has_value()) << event.error().message();
  return *event;
}

Event StoredAs(EventStatus status) {
  switch (status) {
    case EventStatus::kActive:
      return Active();
    case EventStatus::kClosed:
      return *Close(Active(), "security-lead", "fire is out", kClosed);
    case EventStatus::kExpired:
      return *Expire(Active(), kExpires);
  }
  return Active();
}

enum class Action { kClose, kExpire };

Result<Event> Apply(Action action, const Event& event, TimePoint now) {
  if (action == Action::kClose) {
    return Close(event, "alice", "all done", now);
  }
  return Expire(event, now);
}

TEST(EventStatusTest, NamesRoundTrip) {
  for (auto status : {EventStatus::kActive, EventStatus::kClosed, EventStatus::kExpired}) {
    auto parsed = ParseEventStatus(EventStatusName(status));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, status);
  }
  auto bad = ParseEventStatus("open");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(bad.error().message(),
            "unknown break-glass status 'open': expected active, closed or expired");
}

TEST(ReasonCodeTest, ExactlyTheFiveSpecCodes) {
  for (const char* code : {"incident", "maintenance", "security", "recovery", "other"}) {
    EXPECT_TRUE(IsBreakGlassReasonCode(code)) << code;
  }
  for (const char* code : {"", "Incident", "emergency", "incident ", "securit"}) {
    EXPECT_FALSE(IsBreakGlassReasonCode(code)) << code;
  }
}

TEST(NewEventTest, FillsEverySpecField) {
  const Event event = Active();
  EXPECT_EQ(event.id, kId);
  EXPECT_EQ(event.invoker, "alice");
  EXPECT_EQ(event.profile, "prod");
  EXPECT_EQ(event.reason_code, "incident");
  EXPECT_EQ(event.justification, kJustification);
  EXPECT_EQ(event.duration_seconds, hours(2));
  EXPECT_EQ(event.status, EventStatus::kActive);
  EXPECT_EQ(event.created_at, kCreated);
  EXPECT_EQ(event.updated_at, kCreated);
  EXPECT_EQ(event.expires_at, kCreated + hours(2));
  EXPECT_EQ(event.closed_by, "");
  EXPECT_EQ(event.closed_reason, "");
}

TEST(NewEventTest, DefaultDurationIsOneHourAndFourHoursIsAllowed) {
  EventDraft draft{"alice", "prod", "security", kJustification};
  auto event = NewEvent(kId, draft, kCreated);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->expires_at, kCreated + hours(1));
  draft.duration_seconds = hours(4);
  event = NewEvent(kId, draft, kCreated);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->expires_at, kCreated + hours(4));
}

TEST(NewEventTest, RejectsBadInputWithMessages) {
  const std::string what = std::string("declaring break-glass event ") + kId + ": ";
  const struct {
    std::string id;
    EventDraft draft;
    std::string want;
  } cases[] = {
      {"xyz",
       {"alice", "prod", "incident", kJustification, hours(1)},
       "declaring a break-glass event: id 'xyz' is not 16 lowercase hex characters"},
      {kId,
       {"", "prod", "incident", kJustification, hours(1)},
       what + "the invoker and the profile must be set"},
      {kId,
       {"alice", "", "incident", kJustification, hours(1)},
       what + "the invoker and the profile must be set"},
      {kId,
       {"alice", "prod", "panic", kJustification, hours(1)},
       what + "unknown reason code 'panic': expected incident, maintenance, security, "
              "recovery or other"},
      {kId,
       {"alice", "prod", "incident", "nineteen characters", hours(1)},
       what + "justification must be 20 to 1000 characters, got 19"},
      {kId,
       {"alice", "prod", "incident", std::string(1001, 'j'), hours(1)},
       what + "justification must be 20 to 1000 characters, got 1001"},
      {kId,
       {"alice", "prod", "incident", kJustification, seconds(0)},
       what + "the duration must be more than 0s and at most 4h, got 0s"},
      {kId,
       {"alice", "prod", "incident", kJustification, hours(4) + seconds(1)},
       what + "the duration must be more than 0s and at most 4h, got 14401s"},
  };
  for (const auto& c : cases) {
    auto got = NewEvent(c.id, c.draft, kCreated);
    ASSERT_FALSE(got.has_value()) << c.want;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(got.error().message(), c.want);
  }
}

TEST(EventEffectiveStatusTest, EveryStoredStatusAroundTheExpiry) {
  const struct {
    EventStatus stored;
    EventStatus before, at, after;
  } cases[] = {
      {EventStatus::kActive, EventStatus::kActive, EventStatus::kExpired, EventStatus::kExpired},
      {EventStatus::kClosed, EventStatus::kClosed, EventStatus::kClosed, EventStatus::kClosed},
      {EventStatus::kExpired, EventStatus::kExpired, EventStatus::kExpired, EventStatus::kExpired},
  };
  for (const auto& c : cases) {
    const Event event = StoredAs(c.stored);
    SCOPED_TRACE(EventStatusName(c.stored));
    EXPECT_EQ(EffectiveStatus(event, kExpires - seconds(1)), c.before);
    EXPECT_EQ(EffectiveStatus(event, kExpires), c.at);
    EXPECT_EQ(EffectiveStatus(event, kExpires + seconds(1)), c.after);
  }
}

TEST(EventActiveTest, OnlyAnActiveEventInsideItsWindow) {
  const Event active = Active();
  EXPECT_FALSE(IsActiveAt(active, kCreated - seconds(1)));
  EXPECT_TRUE(IsActiveAt(active, kCreated));
  EXPECT_TRUE(IsActiveAt(active, kExpires - seconds(1)));
  EXPECT_FALSE(IsActiveAt(active, kExpires));
  EXPECT_FALSE(IsActiveAt(active, kExpires + seconds(1)));
  for (auto status : {EventStatus::kClosed, EventStatus::kExpired}) {
    for (TimePoint now : {kCreated, kClosed, kExpires - seconds(1)}) {
      EXPECT_FALSE(IsActiveAt(StoredAs(status), now)) << EventStatusName(status);
    }
  }
}

// Every (from, action) pair, one second before and one second after the event's expiry.
TEST(EventTransitionTest, EveryFromToPairAroundTheExpiry) {
  const std::string id = std::string("break-glass event ") + kId;
  const std::string closed = id + ": already closed by security-lead at 2026-12-03T10:00:00Z";
  const std::string expired = id + ": already expired at 2026-12-03T11:00:00Z";
  const std::string still = id + ": still active until 2026-12-03T11:00:00Z";
  using S = EventStatus;
  using A = Action;
  const struct {
    S from;
    A action;
    int offset;  // seconds from kExpires
    std::optional<S> want_status;
    std::string want_error;
  } cases[] = {
      {S::kActive, A::kClose, -1, S::kClosed, ""},
      {S::kActive, A::kClose, +1, std::nullopt, expired},
      {S::kActive, A::kExpire, -1, std::nullopt, still},
      {S::kActive, A::kExpire, +1, S::kExpired, ""},
      {S::kClosed, A::kClose, -1, std::nullopt, closed},
      {S::kClosed, A::kClose, +1, std::nullopt, closed},
      {S::kClosed, A::kExpire, -1, std::nullopt, closed},
      {S::kClosed, A::kExpire, +1, std::nullopt, closed},
      {S::kExpired, A::kClose, -1, std::nullopt, expired},
      {S::kExpired, A::kClose, +1, std::nullopt, expired},
      {S::kExpired, A::kExpire, -1, std::nullopt, expired},
      {S::kExpired, A::kExpire, +1, std::nullopt, expired},
  };
  for (const auto& c : cases) {
    const TimePoint now = kExpires + seconds(c.offset);
    SCOPED_TRACE(std::string(EventStatusName(c.from)) + " action " +
                 std::to_string(static_cast<int>(c.action)) + " at " + FormatTime(now));
    auto got = Apply(c.action, StoredAs(c.from), now);
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

TEST(EventTransitionTest, CloseRecordsWhoAndWhy) {
  auto closed = Close(Active(), "security-lead", "fire is out", kClosed);
  ASSERT_TRUE(closed.has_value());
  Event want = Active();
  want.status = EventStatus::kClosed;
  want.updated_at = kClosed;
  want.closed_by = "security-lead";
  want.closed_reason = "fire is out";
  EXPECT_EQ(*closed, want);
  EXPECT_FALSE(IsActiveAt(*closed, kClosed));
}

TEST(EventTransitionTest, CloseNeedsACloserAndAReason) {
  const std::string what = std::string("closing break-glass event ") + kId + ": ";
  const struct {
    Result<Event> got;
    std::string want;
  } cases[] = {
      {Close(Active(), "", "done", kClosed), what + "the closer is empty"},
      {Close(Active(), "alice", "", kClosed), what + "reason must be 1 to 1000 characters, got 0"},
      {Close(Active(), "alice", "done\r\nfake log line", kClosed),
       what + "reason contains a control character at character 5"},
  };
  for (const auto& c : cases) {
    ASSERT_FALSE(c.got.has_value()) << c.want;
    EXPECT_EQ(c.got.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(c.got.error().message(), c.want);
  }
}

TEST(EventNotActiveErrorTest, AnActiveEventIsAnInternalError) {
  Error error = NotActiveError(Active(), kCreated);
  EXPECT_EQ(error.code(), ErrorCode::kInternal);
  EXPECT_EQ(error.message(), std::string("break-glass event ") + kId + ": is still active");
}

}  // namespace
}  // namespace sentinel
