// Evaluation of the access rules (`rules`) of a policy: first match wins, no match denies.
#ifndef SENTINEL_CORE_EVALUATOR_H_
#define SENTINEL_CORE_EVALUATOR_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/policy.h"

namespace sentinel::policy {

class CompiledPolicy;

// The result of evaluating the access rules for one (user, profile, instant).
// For a matched rule, rule_name() and reason() point into the CompiledPolicy that made
// the Decision, which must outlive it; copies of a Decision stay valid on the same terms.
class Decision {
 public:
  // A decision by rule `rule_index` of `policy`.
  static Decision Matched(const CompiledPolicy& policy, std::size_t rule_index);

  // The default deny: no rule matched `profile` for `user`.
  static Decision NoMatch(std::string_view user, std::string_view profile);

  // allow, deny or require_approval; deny when no rule matched.
  Effect effect() const { return effect_; }

  // Whether a rule matched (otherwise this is the default deny).
  bool matched() const { return rule_index_ >= 0; }

  // 0-based index of the matched rule in Policy::rules, or -1.
  int rule_index() const { return rule_index_; }

  // The matched rule's name, or "" when none matched.
  std::string_view rule_name() const { return rule_name_; }

  // The rule's `reason`, else a generated one ("rule 'developers' allows"); for no match
  // "no rule matched profile 'prod' for user 'eve'".
  std::string_view reason() const { return matched() ? rule_reason_ : no_match_reason_; }

  // The matched rule's cap on the session length, if it has one.
  std::optional<std::chrono::seconds> max_duration() const { return max_duration_; }

 private:
  Effect effect_ = Effect::kDeny;
  int rule_index_ = -1;
  std::string_view rule_name_;
  std::string_view rule_reason_;
  std::string no_match_reason_;  // only built for the default deny
  std::optional<std::chrono::seconds> max_duration_;
};

// Why one rule did not match.
struct RuleMiss {
  int rule_index = 0;
  std::string rule_name;
  // Every condition that failed, in the order profiles, users, days, hours, e.g.
  // "profile 'prod' not in [dev, staging]", "user 'eve' not in [alice]",
  // "saturday not in days [monday..friday] (Europe/Berlin)",
  // "14:05 outside 08:00-20:00 (UTC)".
  std::vector<std::string> reasons;
};

// A decision with the reasons every earlier rule did not match, for
// `sentinel policy explain`.
struct Explanation {
  Decision decision;
  std::vector<RuleMiss> misses;  // rules before the matched one (all rules when none did)
};

// A policy prepared for fast evaluation: names interned, rules indexed by profile and
// user as bitsets, time windows precomputed per time zone. Immutable once built, so one
// CompiledPolicy may be evaluated from many threads at once. Memory grows with
// (distinct profiles + distinct users + distinct window boundaries) x rules / 8 bytes.
class CompiledPolicy {
 public:
  // Builds the index for `policy`. Fails with kInvalidInput when a time condition names
  // a zone that cannot be resolved (only possible for a policy not made by the parser).
  static Result<CompiledPolicy> Compile(Policy policy);

  // The policy this was built from.
  const Policy& policy() const { return policy_; }

 private:
  friend class Decision;
  friend Decision Evaluate(const CompiledPolicy&, std::string_view, std::string_view, TimePoint);

  // Transparent hashing, so that lookups by string_view allocate nothing.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  using NameRows = std::unordered_map<std::string, std::uint32_t, NameHash, std::equal_to<>>;

  // The rules of one time zone: which of them hold on each local weekday and in each
  // segment of the day between consecutive window boundaries.
  struct ZoneTable {
    const TimeZone* zone = nullptr;           // nullptr: UTC
    std::vector<int> boundaries;              // sorted segment starts; boundaries[0] == 0
    std::vector<std::uint64_t> members;       // rules in this zone, one row
    std::vector<std::uint64_t> day_rows;      // 7 rows, by weekday C encoding
    std::vector<std::uint64_t> segment_rows;  // one row per segment
  };

  // Per rule, what a Decision copies.
  struct Outcome {
    Effect effect = Effect::kDeny;
    std::string reason;
    std::optional<std::chrono::seconds> max_duration;
  };

  // The rows of one zone that hold at one instant: rules whose days include the local
  // weekday, and rules whose window includes the local minute.
  struct ZoneRows {
    const std::uint64_t* day = nullptr;
    const std::uint64_t* segment = nullptr;
  };

  CompiledPolicy() = default;
  template <typename ListOf>
  void BuildNameRows(ListOf list_of, NameRows& index, std::vector<std::uint64_t>& bits);
  Status BuildZones();
  void FillZoneTable(ZoneTable& table) const;
  const std::uint64_t* Row(const std::vector<std::uint64_t>& rows, const NameRows& index,
                           std::string_view name) const;
  ZoneRows RowsAt(std::size_t zone, TimePoint at) const;

  Policy policy_;
  std::size_t words_ = 0;  // 64-bit words per row of rule bits
  std::vector<Outcome> outcomes_;
  NameRows profile_rows_;  // profile -> row in profile_bits_; row 0 is "any other profile"
  std::vector<std::uint64_t> profile_bits_;
  NameRows user_rows_;  // user -> row in user_bits_; row 0 is "any other user"
  std::vector<std::uint64_t> user_bits_;
  std::vector<std::uint64_t> untimed_;  // rules without a time condition
  std::vector<ZoneTable> zones_;
  std::vector<std::uint32_t> word_zone_start_;  // zones with rules in word w:
  std::vector<std::uint16_t> word_zones_;       // word_zones_[start[w] .. start[w+1])
};

// Evaluates the access rules for `user` asking for `profile` at `at`. Rules are tried in
// order and the first whose conditions all hold decides; none holding means deny.
// Conditions: `profiles` and `users` lists match any element exactly (absent: all);
// `days` and `hours` are read on the wall clock of the rule's timezone at `at` (see
// TimeCondition). Allocates nothing unless no rule matches. Never fails.
Decision Evaluate(const CompiledPolicy& policy, std::string_view user, std::string_view profile,
                  TimePoint at);

// Like Evaluate, and also says why each earlier rule did not match. Slow; for tools.
Explanation Explain(const CompiledPolicy& policy, std::string_view user, std::string_view profile,
                    TimePoint at);

}  // namespace sentinel::policy

#endif  // SENTINEL_CORE_EVALUATOR_H_
