#include "core/rate_limit.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace sentinel {
namespace {

using namespace std::chrono;
using std::chrono::seconds;

const TimePoint kT0 = sys_days(2026y / December / 3) + hours(9);

policy::RateLimitRule Brakes() {
  policy::RateLimitRule rule;
  rule.name = "prod-brakes";
  rule.cooldown = minutes(30);
  rule.max_per_user = 3;
  rule.max_per_profile = 10;
  rule.window = hours(24);
  rule.escalate_at = 2;
  return rule;
}

std::vector<RateLimitKind> Kinds(const RateLimitVerdict& verdict) {
  std::vector<RateLimitKind> kinds;
  for (const auto& breach : verdict.breaches) {
    kinds.push_back(breach.kind);
  }
  return kinds;
}

TEST(RateLimitTest, KindNamesAreThePolicyKeys) {
  EXPECT_EQ(RateLimitKindName(RateLimitKind::kCooldown), "cooldown");
  EXPECT_EQ(RateLimitKindName(RateLimitKind::kMaxPerUser), "max_per_user");
  EXPECT_EQ(RateLimitKindName(RateLimitKind::kMaxPerProfile), "max_per_profile");
}

TEST(RateLimitTest, AnEventCountsForExactlyOneWindowLength) {
  const TimePoint made = kT0;
  const struct {
    TimePoint now;
    bool counted;
  } cases[] = {
      {made, true},
      {made + hours(24) - seconds(1), true},
      {made + hours(24), false},
      {made + hours(24) + seconds(1), false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(made >= WindowSince(hours(24), c.now), c.counted) << FormatTime(c.now);
  }
}

TEST(RateLimitTest, QuotaReleaseIndexIsTheEventWhoseLeavingFreesASlot) {
  const struct {
    std::int64_t count;
    int max;
    std::optional<std::int64_t> want;
  } cases[] = {
      {0, 3, std::nullopt}, {2, 3, std::nullopt}, {3, 3, 0}, {4, 3, 1}, {10, 3, 7}, {1, 1, 0},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(QuotaReleaseIndex(c.count, c.max), c.want) << c.count << "/" << c.max;
  }
}

TEST(RateLimitTest, CooldownBoundaries) {
  const TimePoint last = kT0;
  const struct {
    std::string name;
    TimePoint now;
    bool allowed;
  } cases[] = {
      {"right after", last + seconds(1), false},
      {"one second before the end", last + minutes(30) - seconds(1), false},
      {"at the end", last + minutes(30), true},
      {"one second after", last + minutes(30) + seconds(1), true},
  };
  for (const auto& c : cases) {
    RateLimitHistory history;
    history.last_event = last;
    const RateLimitVerdict verdict = CheckRateLimit(Brakes(), history, "alice", "prod", c.now);
    EXPECT_EQ(verdict.allowed(), c.allowed) << c.name;
    if (!verdict.allowed()) {
      EXPECT_EQ(Kinds(verdict), std::vector<RateLimitKind>{RateLimitKind::kCooldown}) << c.name;
      EXPECT_EQ(verdict.retry_at(), last + minutes(30)) << c.name;
      EXPECT_EQ(verdict.binding().detail,
                "cooldown 30m after alice's last event on prod at 2026-12-03T09:00:00Z");
    }
  }
}

TEST(RateLimitTest, ALastEventFromTheFutureRefusesForAFullCooldown) {
  RateLimitHistory history;
  history.last_event = kT0 + minutes(10);  // another machine's clock runs ahead
  const RateLimitVerdict verdict = CheckRateLimit(Brakes(), history, "alice", "prod", kT0);
  ASSERT_FALSE(verdict.allowed());
  EXPECT_EQ(verdict.retry_at(), kT0 + minutes(30));
}

TEST(RateLimitTest, NoCooldownWithoutAnEarlierEventOrWithoutTheLimit) {
  EXPECT_TRUE(CheckRateLimit(Brakes(), {}, "alice", "prod", kT0).allowed());
  policy::RateLimitRule rule = Brakes();
  rule.cooldown.reset();
  RateLimitHistory history;
  history.last_event = kT0 - seconds(1);
  EXPECT_TRUE(CheckRateLimit(rule, history, "alice", "prod", kT0).allowed());
}

TEST(RateLimitTest, PerUserQuotaBoundaries) {
  const TimePoint oldest = kT0 - hours(20);
  const struct {
    std::int64_t count;
    std::optional<TimePoint> release;
    bool allowed;
    TimePoint retry_at;
  } cases[] = {
      {2, std::nullopt, true, {}},
      {3, oldest, false, oldest + hours(24)},
      {4, oldest + hours(1), false, oldest + hours(25)},  // over the max: the 2nd oldest frees
      {3, std::nullopt, false, kT0 + hours(24)},          // time unknown: the latest answer
  };
  for (const auto& c : cases) {
    RateLimitHistory history;
    history.invoker_events = c.count;
    history.invoker_release_event = c.release;
    const RateLimitVerdict verdict = CheckRateLimit(Brakes(), history, "alice", "prod", kT0);
    EXPECT_EQ(verdict.allowed(), c.allowed) << c.count;
    if (!verdict.allowed()) {
      EXPECT_EQ(Kinds(verdict), std::vector<RateLimitKind>{RateLimitKind::kMaxPerUser});
      EXPECT_EQ(verdict.retry_at(), c.retry_at) << c.count;
      EXPECT_EQ(verdict.binding().detail,
                "max_per_user 3: alice has " + std::to_string(c.count) + " events in the last 24h");
    }
  }
}

TEST(RateLimitTest, QuotaFreesUpOneSecondAfterTheOldestEventLeaves) {
  // Three events, the oldest at kT0. One second before it leaves the window the quota is
  // full; at the instant it leaves, the store counts two and the quota allows.
  const TimePoint oldest = kT0;
  for (const auto& [now, count, allowed] : {std::tuple{oldest + hours(24) - seconds(1), 3, false},
                                            std::tuple{oldest + hours(24), 2, true},
                                            std::tuple{oldest + hours(24) + seconds(1), 2, true}}) {
    RateLimitHistory history;
    history.invoker_events = count;
    if (count == 3) {
      history.invoker_release_event = oldest;
    }
    const RateLimitVerdict verdict = CheckRateLimit(Brakes(), history, "alice", "prod", now);
    EXPECT_EQ(verdict.allowed(), allowed) << FormatTime(now);
    if (!verdict.allowed()) {
      EXPECT_EQ(verdict.retry_at(), oldest + hours(24));
    }
  }
}

TEST(RateLimitTest, PerProfileQuota) {
  RateLimitHistory history;
  history.profile_events = 10;
  history.profile_release_event = kT0 - hours(23);
  const RateLimitVerdict verdict = CheckRateLimit(Brakes(), history, "alice", "prod", kT0);
  ASSERT_FALSE(verdict.allowed());
  EXPECT_EQ(Kinds(verdict), std::vector<RateLimitKind>{RateLimitKind::kMaxPerProfile});
  EXPECT_EQ(verdict.retry_at(), kT0 + hours(1));
  EXPECT_EQ(verdict.binding().detail,
            "max_per_profile 10: profile prod has 10 events in the last 24h");
  history.profile_events = 9;
  EXPECT_TRUE(CheckRateLimit(Brakes(), history, "alice", "prod", kT0).allowed());
}

TEST(RateLimitTest, EveryBrokenLimitIsListedAndTheLatestRetryBinds) {
  RateLimitHistory history;
  history.last_event = kT0 - minutes(10);  // cooldown until kT0 + 20m
  history.invoker_events = 3;
  history.invoker_release_event = kT0 - hours(23);  // frees at kT0 + 1h
  history.profile_events = 12;
  history.profile_release_event = kT0 - hours(24) + seconds(30);  // frees at kT0 + 30s
  const RateLimitVerdict verdict = CheckRateLimit(Brakes(), history, "alice", "prod", kT0);
  EXPECT_EQ(Kinds(verdict),
            (std::vector<RateLimitKind>{RateLimitKind::kCooldown, RateLimitKind::kMaxPerUser,
                                        RateLimitKind::kMaxPerProfile}));
  EXPECT_EQ(verdict.binding().kind, RateLimitKind::kMaxPerUser);
  EXPECT_EQ(verdict.retry_at(), kT0 + hours(1));
  EXPECT_FALSE(verdict.escalate) << "a refused invocation is not an escalation";
  EXPECT_EQ(RateLimitRefusal(Brakes(), verdict, "alice", "prod"),
            "rate limit 'prod-brakes' refuses break-glass for alice on profile prod: cooldown 30m "
            "after alice's last event on prod at 2026-12-03T08:50:00Z; max_per_user 3: alice has "
            "3 events in the last 24h; max_per_profile 10: profile prod has 12 events in the "
            "last 24h; retry at 2026-12-03T10:00:00Z");
}

TEST(RateLimitTest, EscalationFromTheThresholdOn) {
  const struct {
    std::int64_t before;
    bool escalate;
  } cases[] = {{0, false}, {1, true}, {2, true}};
  for (const auto& c : cases) {
    RateLimitHistory history;
    history.invoker_events = c.before;
    const RateLimitVerdict verdict = CheckRateLimit(Brakes(), history, "alice", "prod", kT0);
    ASSERT_TRUE(verdict.allowed()) << c.before;
    EXPECT_EQ(verdict.escalate, c.escalate) << c.before;
    EXPECT_EQ(verdict.invoker_events_after, c.before + 1);
  }
  policy::RateLimitRule no_escalation = Brakes();
  no_escalation.escalate_at.reset();
  RateLimitHistory history;
  history.invoker_events = 2;
  EXPECT_FALSE(CheckRateLimit(no_escalation, history, "alice", "prod", kT0).escalate);
}

TEST(RateLimitTest, AQuotaWithoutAWindowRefuses) {
  policy::RateLimitRule rule;
  rule.name = "broken";
  rule.max_per_user = 1;  // the parser would demand a window
  RateLimitHistory history;
  history.invoker_events = 1;
  const RateLimitVerdict verdict = CheckRateLimit(rule, history, "alice", "prod", kT0);
  ASSERT_FALSE(verdict.allowed());
  EXPECT_EQ(verdict.binding().detail, "max_per_user has no window to count in");
}

}  // namespace
}  // namespace sentinel
