// The injected clock: core logic never reads the time by itself.
#ifndef SENTINEL_CORE_CLOCK_H_
#define SENTINEL_CORE_CLOCK_H_

#include <chrono>

namespace sentinel {

using TimePoint = std::chrono::sys_seconds;

// Source of the current time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The system's wall clock, truncated to whole seconds.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

// A clock that tests set and advance by hand.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint now) : now_(now) {}
  TimePoint Now() const override { return now_; }
  void Set(TimePoint now) { now_ = now; }
  void Advance(std::chrono::seconds by) { now_ += by; }

 private:
  TimePoint now_;
};

}  // namespace sentinel

#endif  // SENTINEL_CORE_CLOCK_H_
