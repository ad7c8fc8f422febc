#include "app/breakglass.h"

#include <gtest/gtest.h>

#include "app/override_test_fakes.h"
#include "core/time_format.h"

namespace sentinel::app {
namespace {

using namespace std::chrono;
using std::chrono::seconds;
using testing::ExpectError;

const TimePoint kT0 = sys_days(2026y / December / 3) + hours(9);
constexpr char kWhy[] = "primary database is down, INC-4711";

constexpr char kPolicy[] = R"(version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: {profiles: [prod]}
breakglass:
  - name: oncall
    profiles: [prod, staging]
    users: [alice, bob]
    reason_codes: [incident, security]
    max_duration: 2h
    closers: [security-lead]
  - name: short
    profiles: [sandbox]
    users: [alice]
    max_duration: 30m
rate_limits:
  - name: prod-brakes
    profiles: [prod]
    cooldown: 30m
    max_per_user: 3
    window: 24h
    escalate_at: 2
  - name: staging-quota
    profiles: [staging]
    max_per_profile: 2
    window: 1h
)";

std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) {
    keys.push_back(item.key());
  }
  return keys;
}

class BreakGlassUseCaseTest : public ::testing::Test {
 protected:
  Result<EventOutcome> Invoke(std::string user, std::string profile = "prod",
                              std::optional<seconds> duration = std::nullopt,
                              std::string code = "incident", std::string why = kWhy) {
    caller_.user = std::move(user);
    return InvokeBreakGlass({std::move(profile), std::move(code), std::move(why), duration},
                            ports_);
  }

  // Declares an event and closes it at once, so only its creation time matters later.
  Event DeclaredAndClosed(std::string user, std::string profile) {
    auto invoked = Invoke(user, profile);
    EXPECT_TRUE(invoked.has_value()) << invoked.error().message();
    caller_.user = user;
    auto closed = CloseEvent(invoked->event.id, "handled", ports_);
    EXPECT_TRUE(closed.has_value()) << closed.error().message();
    return invoked->event;
  }

  Result<EventOutcome> CloseAs(std::string user, const std::string& id,
                               std::string reason = "incident resolved") {
    caller_.user = std::move(user);
    return CloseEvent(id, reason, ports_);
  }

  void ClearRecords() {
    log_.entries.clear();
    notifier_.events.clear();
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

TEST_F(BreakGlassUseCaseTest, InvokeDeclaresAnActiveEventAndAnnouncesIt) {
  auto invoked = Invoke("alice");
  ASSERT_TRUE(invoked.has_value()) << invoked.error().message();
  EXPECT_FALSE(invoked->escalated);
  EXPECT_FALSE(invoked->unrecorded.has_value());
  const Event& event = invoked->event;
  EXPECT_EQ(event.id, "0000000000000000");
  EXPECT_EQ(event.invoker, "alice");
  EXPECT_EQ(event.profile, "prod");
  EXPECT_EQ(event.reason_code, "incident");
  EXPECT_EQ(event.justification, kWhy);
  EXPECT_EQ(event.duration_seconds, hours(1)) << "the default";
  EXPECT_EQ(event.status, EventStatus::kActive);
  EXPECT_EQ(event.expires_at, kT0 + hours(1));
  auto active = store_.FindActiveEvent("alice", "prod", kT0);
  ASSERT_TRUE(active.has_value() && active->has_value());
  EXPECT_EQ(**active, event);

  ASSERT_EQ(log_.Kinds(), std::vector<std::string>{"breakglass.invoked"});
  const LifecycleEntry& entry = log_.entries[0];
  EXPECT_EQ(entry.id, event.id);
  EXPECT_EQ(entry.actor, "alice");
  EXPECT_EQ(entry.time, kT0);
  EXPECT_EQ(Keys(entry.changes),
            (std::vector<std::string>{"invoker", "profile", "reason_code", "justification",
                                      "duration_seconds", "status", "created_at", "updated_at",
                                      "expires_at", "closed_by", "closed_reason"}));
  EXPECT_EQ(entry.changes["expires_at"], "2026-12-03T10:00:00Z");
  ASSERT_EQ(notifier_.Types(), std::vector<std::string>{"breakglass.invoked"});
  EXPECT_EQ(notifier_.events[0].subject["id"], event.id);
  EXPECT_EQ(notifier_.events[0].subject["reason_code"], "incident");
}

TEST_F(BreakGlassUseCaseTest, DurationDefaultsToTheRuleWhenShorterAndMayBeChosen) {
  auto sandbox = Invoke("alice", "sandbox", std::nullopt, "other");
  ASSERT_TRUE(sandbox.has_value()) << sandbox.error().message();
  EXPECT_EQ(sandbox->event.duration_seconds, minutes(30));
  auto chosen = Invoke("bob", "prod", hours(2), "security");
  ASSERT_TRUE(chosen.has_value()) << chosen.error().message();
  EXPECT_EQ(chosen->event.expires_at, kT0 + hours(2));
}

TEST_F(BreakGlassUseCaseTest, RefusalsDeclareAndLogNothing) {
  const struct {
    std::string name;
    std::string user, profile;
    std::optional<seconds> duration;
    std::string code, why;
    ErrorCode error;
    std::string message;
  } cases[] = {
      {"unlisted user", "eve", "prod", std::nullopt, "incident", kWhy, ErrorCode::kDenied,
       "break-glass rule 'oncall' does not list user 'eve' for profile 'prod'"},
      {"no rule", "alice", "dev", std::nullopt, "incident", kWhy, ErrorCode::kDenied,
       "nobody can declare break-glass on profile 'dev': no breakglass rule matches it"},
      {"reason code not allowed", "alice", "prod", std::nullopt, "maintenance", kWhy,
       ErrorCode::kDenied, "break-glass rule 'oncall' does not allow reason code 'maintenance'"},
      {"over the rule's max", "alice", "prod", hours(2) + seconds(1), "incident", kWhy,
       ErrorCode::kDenied, "break-glass rule 'oncall' allows at most 2h, not 2h1s"},
      {"over 4h", "alice", "prod", hours(4) + seconds(1), "incident", kWhy,
       ErrorCode::kInvalidInput, "break-glass duration must be more than 0s and at most 4h"},
      {"unknown reason code", "alice", "prod", std::nullopt, "panic", kWhy,
       ErrorCode::kInvalidInput, "unknown reason code 'panic'"},
      {"short justification", "alice", "prod", std::nullopt, "incident", std::string(19, 'x'),
       ErrorCode::kInvalidInput, "justification must be 20 to 1000 characters, got 19"},
      {"long justification", "alice", "prod", std::nullopt, "incident", std::string(1001, 'x'),
       ErrorCode::kInvalidInput, "justification must be 20 to 1000 characters, got 1001"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectError(Invoke(c.user, c.profile, c.duration, c.code, c.why), c.error, c.message);
  }
  auto all = store_.ListEvents({}, kT0);
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->empty());
  EXPECT_TRUE(log_.entries.empty());
  EXPECT_TRUE(notifier_.events.empty());
}

TEST_F(BreakGlassUseCaseTest, OneActiveEventPerUserAndProfile) {
  ASSERT_TRUE(Invoke("alice", "prod").has_value());
  ClearRecords();
  clock_.Advance(hours(1) - seconds(1));
  ExpectError(Invoke("alice", "prod"), ErrorCode::kConflict,
              "alice already has an active break-glass event on profile prod: 0000000000000000 "
              "until 2026-12-03T10:00:00Z");
  EXPECT_TRUE(log_.entries.empty()) << "not a rate-limit refusal";
  // Other users and other profiles are free.
  EXPECT_TRUE(Invoke("bob", "prod").has_value());
  EXPECT_TRUE(Invoke("alice", "staging").has_value());
}

TEST_F(BreakGlassUseCaseTest, TheStoreHoldsTheOneActiveRuleWhenTheReadMissesARacer) {
  ASSERT_TRUE(Invoke("alice", "staging").has_value());
  store_.hide_active_events = true;  // this process looked before the racer wrote
  ExpectError(Invoke("alice", "staging"), ErrorCode::kConflict,
              "alice already has an active break-glass event on profile staging: "
              "0000000000000000 until 2026-12-03T10:00:00Z");
  auto all = store_.ListEvents({}, kT0);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(BreakGlassUseCaseTest, CooldownRefusesWithTheRuleAndWhenToRetry) {
  DeclaredAndClosed("alice", "prod");
  ClearRecords();
  clock_.Set(kT0 + minutes(30) - seconds(1));
  ExpectError(Invoke("alice", "prod"), ErrorCode::kDenied,
              "rate limit 'prod-brakes' refuses break-glass for alice on profile prod: cooldown "
              "30m after alice's last event on prod at 2026-12-03T09:00:00Z; retry at "
              "2026-12-03T09:30:00Z");
  ASSERT_EQ(log_.Kinds(), std::vector<std::string>{"breakglass.rate_limited"});
  const LifecycleEntry& entry = log_.entries[0];
  EXPECT_FALSE(entry.id.has_value()) << "no event was made";
  EXPECT_EQ(entry.actor, "alice");
  EXPECT_EQ(entry.time, kT0 + minutes(30) - seconds(1));
  EXPECT_EQ(Keys(entry.changes),
            (std::vector<std::string>{"invoker", "profile", "reason_code", "justification",
                                      "duration_seconds", "rate_limit", "limits", "retry_at"}));
  EXPECT_EQ(entry.changes["rate_limit"], "prod-brakes");
  EXPECT_EQ(entry.changes["limits"], nlohmann::ordered_json::array({"cooldown"}));
  EXPECT_EQ(entry.changes["retry_at"], "2026-12-03T09:30:00Z");
  ASSERT_EQ(notifier_.Types(), std::vector<std::string>{"breakglass.rate_limited"});
  EXPECT_EQ(notifier_.events[0].subject["retry_at"], "2026-12-03T09:30:00Z");

  // At the retry time it goes through, and as alice's second event in 24h it escalates.
  ClearRecords();
  clock_.Set(kT0 + minutes(30));
  auto invoked = Invoke("alice", "prod");
  ASSERT_TRUE(invoked.has_value()) << invoked.error().message();
  EXPECT_TRUE(invoked->escalated);
  ASSERT_EQ(log_.Kinds(), (std::vector<std::string>{"breakglass.invoked", "breakglass.escalated"}));
  const LifecycleEntry& escalated = log_.entries[1];
  EXPECT_EQ(escalated.id, invoked->event.id);
  EXPECT_EQ(escalated.actor, "alice");
  EXPECT_EQ(escalated.changes["rate_limit"], "prod-brakes");
  EXPECT_EQ(escalated.changes["escalate_at"], 2);
  EXPECT_EQ(escalated.changes["events_in_window"], 2);
  EXPECT_EQ(escalated.changes["window_seconds"], 86400);
  ASSERT_EQ(notifier_.Types(),
            (std::vector<std::string>{"breakglass.invoked", "breakglass.escalated"}));
  EXPECT_EQ(notifier_.events[1].subject["id"], invoked->event.id);
  EXPECT_EQ(notifier_.events[1].subject["events_in_window"], 2);
}

TEST_F(BreakGlassUseCaseTest, PerUserQuotaCountsEveryProfileAndFreesUpAfterTheWindow) {
  DeclaredAndClosed("alice", "staging");  // kT0: counts against prod's max_per_user too
  clock_.Set(kT0 + hours(1));
  DeclaredAndClosed("alice", "prod");
  clock_.Set(kT0 + hours(2));
  DeclaredAndClosed("alice", "staging");
  ClearRecords();

  clock_.Set(kT0 + hours(24) - seconds(1));
  ExpectError(Invoke("alice", "prod"), ErrorCode::kDenied,
              "rate limit 'prod-brakes' refuses break-glass for alice on profile prod: "
              "max_per_user 3: alice has 3 events in the last 24h; retry at 2026-12-04T09:00:00Z");
  EXPECT_EQ(log_.entries.at(0).changes["limits"], nlohmann::ordered_json::array({"max_per_user"}));

  clock_.Set(kT0 + hours(24));
  auto invoked = Invoke("alice", "prod");
  ASSERT_TRUE(invoked.has_value()) << invoked.error().message();
  EXPECT_TRUE(invoked->escalated) << "3 events in the window reach escalate_at 2";
}

TEST_F(BreakGlassUseCaseTest, PerProfileQuotaCountsEveryUser) {
  ASSERT_TRUE(Invoke("alice", "staging").has_value());
  clock_.Advance(minutes(1));
  ASSERT_TRUE(Invoke("bob", "staging").has_value());
  ASSERT_TRUE(CloseAs("alice", "0000000000000000").has_value());
  clock_.Advance(minutes(1));
  ClearRecords();
  ExpectError(Invoke("alice", "staging"), ErrorCode::kDenied,
              "rate limit 'staging-quota' refuses break-glass for alice on profile staging: "
              "max_per_profile 2: profile staging has 2 events in the last 1h; retry at "
              "2026-12-03T10:00:00Z");
  EXPECT_EQ(log_.Kinds(), std::vector<std::string>{"breakglass.rate_limited"});
  EXPECT_FALSE(Invoke("alice", "staging").has_value());
  clock_.Set(kT0 + hours(1));
  EXPECT_TRUE(Invoke("alice", "staging").has_value()) << "the first event left the window";
}

TEST_F(BreakGlassUseCaseTest, AStoreThatCannotBeReadRefuses) {
  const struct {
    std::string operation;
    std::string profile;
    std::string message;
  } cases[] = {
      {"FindActiveEvent", "sandbox",
       "looking for an active break-glass event (none was declared): fake store: "
       "FindActiveEvent"},
      {"LastEventTime", "prod",
       "checking rate limit 'prod-brakes' (no break-glass event was declared): fake store: "
       "LastEventTime"},
      {"CountEventsByInvokerSince", "prod", "fake store: CountEventsByInvokerSince"},
      {"CountEventsByProfileSince", "staging", "fake store: CountEventsByProfileSince"},
      {"CreateEvent", "sandbox", "fake store: CreateEvent"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.operation);
    store_.failing = {c.operation};
    ExpectError(Invoke("alice", c.profile, std::nullopt, "incident"), ErrorCode::kUnavailable,
                c.message);
  }
  store_.failing.clear();
  auto all = store_.ListEvents({}, kT0);
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->empty());
  EXPECT_TRUE(log_.entries.empty());
}

TEST_F(BreakGlassUseCaseTest, AFullQuotaWhoseReleaseCannotBeReadRefuses) {
  DeclaredAndClosed("alice", "staging");
  clock_.Advance(minutes(1));
  DeclaredAndClosed("bob", "staging");
  store_.failing = {"EventTimeByProfileSince"};
  ExpectError(Invoke("alice", "staging"), ErrorCode::kUnavailable,
              "checking rate limit 'staging-quota' (no break-glass event was declared): fake "
              "store: EventTimeByProfileSince");
}

TEST_F(BreakGlassUseCaseTest, AnUnwritableLogNeverBlocksAnEmergency) {
  log_.fail = true;
  auto invoked = Invoke("alice", "prod");
  ASSERT_TRUE(invoked.has_value()) << invoked.error().message();
  ASSERT_TRUE(invoked->unrecorded.has_value());
  EXPECT_EQ(invoked->unrecorded->message(),
            "recording breakglass.invoked of 0000000000000000: writing decision log /log: No "
            "space left on device");
  auto active = store_.FindActiveEvent("alice", "prod", kT0);
  ASSERT_TRUE(active.has_value() && active->has_value());
  EXPECT_EQ(notifier_.Types(), std::vector<std::string>{"breakglass.invoked"});

  // A refusal stays a refusal, and says the log missed it.
  ASSERT_TRUE(CloseAs("alice", invoked->event.id).has_value());
  clock_.Advance(minutes(1));
  auto refused = Invoke("alice", "prod");
  ExpectError(refused, ErrorCode::kDenied,
              "retry at 2026-12-03T09:30:00Z (recording breakglass.rate_limited: writing "
              "decision log /log: No space left on device)");
}

TEST_F(BreakGlassUseCaseTest, TheInvokerClosesEvenWithABrokenPolicy) {
  auto invoked = Invoke("alice", "prod");
  ASSERT_TRUE(invoked.has_value());
  ClearRecords();
  policy_.yaml = "version: [";
  policy_.loads = 0;
  clock_.Advance(minutes(20));
  auto closed = CloseAs("alice", invoked->event.id, "fixed by failover");
  ASSERT_TRUE(closed.has_value()) << closed.error().message();
  EXPECT_EQ(policy_.loads, 0);
  EXPECT_FALSE(closed->unrecorded.has_value());
  const Event& event = closed->event;
  EXPECT_EQ(event.status, EventStatus::kClosed);
  EXPECT_EQ(event.closed_by, "alice");
  EXPECT_EQ(event.closed_reason, "fixed by failover");
  EXPECT_EQ(event.updated_at, kT0 + minutes(20));
  auto stored = store_.GetEvent(event.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, event);
  ASSERT_EQ(log_.Kinds(), std::vector<std::string>{"breakglass.closed"});
  EXPECT_EQ(log_.entries[0].actor, "alice");
  EXPECT_EQ(Keys(log_.entries[0].changes),
            (std::vector<std::string>{"status", "updated_at", "closed_by", "closed_reason"}));
  EXPECT_EQ(notifier_.Types(), std::vector<std::string>{"breakglass.closed"});
}

TEST_F(BreakGlassUseCaseTest, AListedCloserClosesAndNobodyElse) {
  auto invoked = Invoke("alice", "prod");
  ASSERT_TRUE(invoked.has_value());
  const std::string id = invoked->event.id;
  ExpectError(CloseAs("bob", id), ErrorCode::kDenied,
              "user 'bob' may not close break-glass event 0000000000000000 of alice: not the "
              "invoker and not a closer in break-glass rule 'oncall'");
  policy_.yaml = "version: [";
  ExpectError(CloseAs("security-lead", id), ErrorCode::kInvalidInput,
              "loading the policy to see who may close 0000000000000000");
  policy_.yaml = kPolicy;
  auto closed = CloseAs("security-lead", id, "stop");
  ASSERT_TRUE(closed.has_value()) << closed.error().message();
  EXPECT_EQ(closed->event.closed_by, "security-lead");
  ExpectError(CloseAs("alice", id), ErrorCode::kConflict,
              "break-glass event 0000000000000000: already closed by security-lead at "
              "2026-12-03T09:00:00Z");
}

TEST_F(BreakGlassUseCaseTest, CloseBoundariesAndInputErrors) {
  auto invoked = Invoke("alice", "prod");
  ASSERT_TRUE(invoked.has_value());
  const std::string id = invoked->event.id;
  caller_.calls = 0;
  ExpectError(CloseAs("alice", id, ""), ErrorCode::kInvalidInput,
              "closing break-glass event 0000000000000000: reason must be 1 to 1000 characters, "
              "got 0");
  ExpectError(CloseAs("alice", id, std::string(1001, 'x')), ErrorCode::kInvalidInput,
              "reason must be 1 to 1000 characters, got 1001");
  ExpectError(CloseAs("alice", "zz"), ErrorCode::kInvalidInput,
              "'zz' is not a break-glass event id: expected 16 lowercase hex characters");
  EXPECT_EQ(caller_.calls, 0) << "bad values are refused before asking AWS";
  ExpectError(CloseAs("alice", "00000000000000aa"), ErrorCode::kNotFound,
              "break-glass event 00000000000000aa: not found");

  clock_.Set(invoked->event.expires_at);
  ExpectError(CloseAs("alice", id), ErrorCode::kConflict,
              "break-glass event 0000000000000000: already expired at 2026-12-03T10:00:00Z");
  clock_.Set(invoked->event.expires_at - seconds(1));
  EXPECT_TRUE(CloseAs("alice", id).has_value()) << "its last second is still active";
}

TEST_F(BreakGlassUseCaseTest, ARaceLostAtTheStoreIsAlreadyClosed) {
  auto invoked = Invoke("alice", "prod");
  ASSERT_TRUE(invoked.has_value());
  ASSERT_TRUE(CloseAs("alice", invoked->event.id).has_value());
  store_.stale_event = invoked->event;  // read while it was still active
  ExpectError(CloseAs("security-lead", invoked->event.id), ErrorCode::kConflict,
              "already closed by alice");
}

TEST_F(BreakGlassUseCaseTest, ListAndCheck) {
  ASSERT_TRUE(Invoke("alice", "prod").has_value());
  clock_.Advance(seconds(1));
  ASSERT_TRUE(Invoke("bob", "staging").has_value());
  caller_.calls = 0;

  auto all = ListEvents({}, ports_);
  ASSERT_TRUE(all.has_value()) << all.error().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].invoker, "bob") << "newest first";
  store::EventFilter alices;
  alices.invoker = "alice";
  auto of_alice = ListEvents(alices, ports_);
  ASSERT_TRUE(of_alice.has_value());
  ASSERT_EQ(of_alice->size(), 1u);
  EXPECT_EQ((*of_alice)[0].profile, "prod");
  EXPECT_EQ(caller_.calls, 0) << "listing needs no identity";

  auto got = CheckEvent("0000000000000000", ports_);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(got->invoker, "alice");
  ExpectError(CheckEvent("0000000000000007", ports_), ErrorCode::kNotFound, "not found");
  ExpectError(CheckEvent("", ports_), ErrorCode::kInvalidInput, "'' is not a break-glass event id");
  store_.failing = {"ListEvents", "GetEvent"};
  ExpectError(ListEvents({}, ports_), ErrorCode::kUnavailable, "fake store: ListEvents");
  ExpectError(CheckEvent("0000000000000000", ports_), ErrorCode::kUnavailable,
              "fake store: GetEvent");
}

}  // namespace
}  // namespace sentinel::app
