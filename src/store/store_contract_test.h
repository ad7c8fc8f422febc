// The contract every Store implementation must pass, written only against store.h.
//
// To run it against a backend, name the backend and give it a harness factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
//                            ::testing::Values(StoreBackend{"Sqlite", &MakeSqliteHarness}),
//                            StoreBackendName);
//
// The suite forks processes to race each other, so a harness must be able to open fresh,
// independent handles on the same backing store from a child process. The fixture closes
// its own handle before it forks, so no connection crosses a fork.
#ifndef SENTINEL_STORE_STORE_CONTRACT_TEST_H_
#define SENTINEL_STORE_STORE_CONTRACT_TEST_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/store.h"

namespace sentinel::store {

// One empty backing store, created for one test and removed with the harness.
class StoreHarness {
 public:
  virtual ~StoreHarness() = default;

  // Opens a new, independent handle on this harness's backing store, using `clock` (which
  // must outlive the handle). Called in the test process and in forked children; a child
  // only uses handles it opened itself.
  [[nodiscard]] virtual Result<std::unique_ptr<Store>> Open(const Clock& clock) = 0;
};

// Makes a harness around a new, empty backing store. Called once per test.
using StoreHarnessFactory = std::function<std::unique_ptr<StoreHarness>()>;

// The suite's parameter: a backend's name (used in test names) and its harness factory.
struct StoreBackend {
  std::string name;
  StoreHarnessFactory make;

  friend std::ostream& operator<<(std::ostream& out, const StoreBackend& backend) {
    return out << backend.name;
  }
};

// Names each instantiated test after its backend.
inline std::string StoreBackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// What one forked child reported: success or the code of its error, and a message (the
// error's, or whatever the child wants the parent to check, such as the ids it claimed).
struct ChildOutcome {
  int index = -1;
  bool ok = false;
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

// The fixture: a fresh store per test, opened with a fake clock the test moves by hand.
class StoreContractTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override;

  // Forks `children` processes. Each opens its own handle on the store, waits until all
  // are ready, then runs `body` at (nearly) the same instant as the others and reports
  // what it returned. Returns one outcome per child, ordered by index. A child that
  // crashes or cannot open the store fails the test.
  std::vector<ChildOutcome> RaceInChildren(int children,
                                           const std::function<ChildOutcome(Store&, int)>& body);

  FakeClock clock_{TimePoint{}};
  std::unique_ptr<StoreHarness> harness_;
  std::unique_ptr<Store> store_;
};

}  // namespace sentinel::store

#endif  // SENTINEL_STORE_STORE_CONTRACT_TEST_H_
