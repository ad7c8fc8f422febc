// libFuzzer target for the policy document: parse any bytes; when they make a policy,
// compile and evaluate it, and check the fast evaluator against the rule-by-rule reading.
//
// The library must be instrumented too, or the fuzzer is blind to the parser. clang 16
// implements what libstdc++ 12's <expected> needs but does not announce it, hence the
// __cpp_concepts override (Debian: apt-get install clang-16 libclang-rt-16-dev):
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-16 -DSENTINEL_FUZZ=ON \
//     -DSENTINEL_TESTS=OFF -DSENTINEL_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
//     "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined \
//      -Wno-builtin-macro-redefined -U__cpp_concepts -D__cpp_concepts=202002L"
//   ninja -C build-fuzz policy_fuzz
//   mkdir -p /tmp/corpus && ./build-fuzz/policy_fuzz /tmp/corpus fuzz/corpus/policy
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/evaluator.h"
#include "core/policy.h"
#include "core/policy_parser.h"

namespace {

using sentinel::TimePoint;
namespace policy = sentinel::policy;

// Instants around the 2026 DST changes in Europe and North America, and a plain one.
const std::vector<TimePoint>& Instants() {
  static const std::vector<TimePoint> instants = {
      TimePoint(std::chrono::seconds(1774746000)),  // 2026-03-29T01:00:00Z
      TimePoint(std::chrono::seconds(1772953200)),  // 2026-03-08T07:00:00Z
      TimePoint(std::chrono::seconds(1792890000)),  // 2026-10-25T01:00:00Z
      TimePoint(std::chrono::seconds(1793509200)),  // 2026-11-01T05:00:00Z
      TimePoint(std::chrono::seconds(1774440000)),  // 2026-03-25T12:00:00Z
  };
  return instants;
}

void CheckErrors(const policy::ParseOutcome& outcome) {
  if (outcome.errors.empty() || outcome.error_count < outcome.errors.size()) {
    __builtin_trap();
  }
  for (const policy::PolicyError& error : outcome.errors) {
    if (error.line < 1 || error.column < 1 || error.message.empty()) {
      __builtin_trap();
    }
  }
}

// Names worth asking about: those the policy lists, and one it does not.
std::vector<std::string> Names(const policy::Policy& document, bool users) {
  std::vector<std::string> names = {"nobody-listed"};
  for (const policy::AccessRule& rule : document.rules) {
    const policy::NameList& list = users ? rule.conditions.users : rule.conditions.profiles;
    if (list.has_value() && !list->empty() && names.size() < 4) {
      names.push_back(list->front());
    }
  }
  return names;
}

void Evaluate(const policy::Policy& document) {
  auto compiled = policy::CompiledPolicy::Compile(document);
  if (!compiled) {
    __builtin_trap();  // a policy the parser accepted must compile
  }
  for (const std::string& user : Names(document, true)) {
    for (const std::string& profile : Names(document, false)) {
      for (TimePoint at : Instants()) {
        const policy::Decision fast = policy::Evaluate(*compiled, user, profile, at);
        const policy::Explanation slow = policy::Explain(*compiled, user, profile, at);
        if (fast.rule_index() != slow.decision.rule_index() ||
            fast.effect() != slow.decision.effect() || fast.reason() != slow.decision.reason()) {
          __builtin_trap();
        }
        (void)document.FindApprovalRule(profile);
        (void)document.FindBreakGlassRule(profile);
        (void)document.FindRateLimitRule(profile);
      }
    }
  }
  (void)policy::SummarizePolicy(document);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const policy::ParseOutcome outcome = policy::ParsePolicyDocument(text);
  if (!outcome.policy.has_value()) {
    CheckErrors(outcome);
    return 0;
  }
  if (!outcome.errors.empty()) {
    __builtin_trap();
  }
  Evaluate(*outcome.policy);
  return 0;
}
