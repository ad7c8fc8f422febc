// Policy evaluation speed: the target is at most 1 us per decision with 1,000 rules,
// even when the matching rule is the last one.
//
// The policies are built so that every rule is a candidate: each names the queried
// profile and user (among others) and a weekday/hour window in one of four time zones,
// and every rule but the deciding one fails only on its time window. That is the
// hardest case for the index, which otherwise skips rules by profile and user at once.
//
//   cmake -S . -B build-rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DSENTINEL_BENCH=ON
//   ninja -C build-rel policy_bench && ./build-rel/policy_bench
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "core/evaluator.h"
#include "core/policy.h"
#include "core/time_format.h"

namespace {

// Counts heap allocations, to show that a decision allocates nothing when a rule matches.
std::atomic<long long> allocations{0};

}  // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace sentinel::policy {
namespace {

constexpr const char* kZones[] = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"};
constexpr const char* kUser = "alice@example.com";
constexpr const char* kProfile = "prod";

// Saturday 12:00 UTC: Saturday 13:00 in Berlin, 08:00 in New York, 21:00 in Tokyo.
TimePoint Instant() { return *ParseTime("2026-03-28T12:00:00Z"); }

std::vector<std::string> NamesWith(std::mt19937& random, const std::string& prefix,
                                   const std::string& wanted, int pool, int count) {
  std::vector<std::string> names;
  std::uniform_int_distribution<int> pick(0, pool - 1);
  for (int i = 0; i < count; ++i) {
    names.push_back(prefix + std::to_string(pick(random)));
  }
  names.insert(names.begin() + pick(random) % (count + 1), wanted);
  return names;
}

// A working-hours style window in one of the zones, drawn until it does not hold at
// `at` (or does, when `must_hold`).
TimeCondition Window(std::mt19937& random, TimePoint at, bool must_hold) {
  std::uniform_int_distribution<int> zone(0, 3);
  std::uniform_int_distribution<int> hour(0, 23);
  std::uniform_int_distribution<int> length(2, 12);
  std::uniform_int_distribution<int> weekdays_only(0, 2);
  for (;;) {
    TimeCondition time;
    time.timezone = kZones[zone(random)];
    time.zone = *LocateTimeZone(time.timezone);
    if (weekdays_only(random) != 0) {
      time.days.bits = 0x3E;  // monday..friday
    }
    const int start = hour(random) * 60;
    time.hours = HourWindow{start, (start + length(random) * 60) % 1440};
    if (time.HoldsAt(at) == must_hold) {
      return time;
    }
  }
}

Policy MakePolicy(int rule_count, bool last_matches) {
  std::mt19937 random(static_cast<std::uint32_t>(rule_count));
  Policy policy;
  policy.version = "1";
  for (int i = 0; i < rule_count; ++i) {
    AccessRule rule;
    rule.name = "team-rule-" + std::to_string(i);
    rule.effect = i % 3 == 0 ? Effect::kRequireApproval : Effect::kAllow;
    rule.conditions.profiles = NamesWith(random, "account-", kProfile, 40, 2);
    rule.conditions.users = NamesWith(random, "user", kUser, 500, 4);
    const bool deciding = last_matches && i == rule_count - 1;
    rule.conditions.time = Window(random, Instant(), deciding);
    rule.max_duration = std::chrono::hours(1 + i % 4);
    policy.rules.push_back(std::move(rule));
  }
  return policy;
}

void Run(benchmark::State& state, bool last_matches) {
  const int rule_count = static_cast<int>(state.range(0));
  auto compiled = CompiledPolicy::Compile(MakePolicy(rule_count, last_matches));
  if (!compiled) {
    state.SkipWithError(compiled.error().message().c_str());
    return;
  }
  const TimePoint at = Instant();
  const Decision check = Evaluate(*compiled, kUser, kProfile, at);
  if (check.rule_index() != (last_matches ? rule_count - 1 : -1)) {
    state.SkipWithError("the benchmark policy does not decide as designed");
    return;
  }

  const long long allocations_before = allocations.load();
  for (auto _ : state) {
    Decision decision = Evaluate(*compiled, kUser, kProfile, at);
    benchmark::DoNotOptimize(decision);
  }
  state.counters["allocs/decision"] =
      benchmark::Counter(static_cast<double>(allocations.load() - allocations_before),
                         benchmark::Counter::kAvgIterations);
}

void BM_EvaluateLastRuleMatches(benchmark::State& state) { Run(state, true); }
void BM_EvaluateNoRuleMatches(benchmark::State& state) { Run(state, false); }

BENCHMARK(BM_EvaluateLastRuleMatches)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_EvaluateNoRuleMatches)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace sentinel::policy

BENCHMARK_MAIN();
