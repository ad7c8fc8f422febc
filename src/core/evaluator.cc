#include "core/evaluator.h"

#include <algorithm>
#include <array>
#include <bit>
#include <map>
#include <utility>

namespace sentinel::policy {
namespace {

constexpr std::size_t kBitsPerWord = 64;

// Evaluate keeps the rows of this many zones per call on the stack; a policy with more
// zones still evaluates correctly, it just reads the clock of the others each time.
constexpr std::size_t kCachedZones = 64;

std::uint64_t Bit(std::size_t rule) { return std::uint64_t{1} << (rule % kBitsPerWord); }

std::string GeneratedReason(const AccessRule& rule) {
  switch (rule.effect) {
    case Effect::kAllow:
      return "rule '" + rule.name + "' allows";
    case Effect::kDeny:
      return "rule '" + rule.name + "' denies";
    case Effect::kRequireApproval:
      return "rule '" + rule.name + "' requires approval";
  }
  return "rule '" + rule.name + "' denies";
}

std::string FormatList(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : ", ") + names[i];
  }
  return out + "]";
}

// Every failed condition of `rule` for this request, in the order of the conditions.
std::vector<std::string> Misses(const AccessRule& rule, std::string_view user,
                                std::string_view profile, TimePoint at) {
  std::vector<std::string> reasons;
  const Conditions& conditions = rule.conditions;
  if (!ListMatches(conditions.profiles, profile)) {
    reasons.push_back("profile '" + std::string(profile) + "' not in " +
                      FormatList(*conditions.profiles));
  }
  if (!ListMatches(conditions.users, user)) {
    reasons.push_back("user '" + std::string(user) + "' not in " + FormatList(*conditions.users));
  }
  if (!conditions.time.has_value()) {
    return reasons;
  }
  const TimeCondition& time = *conditions.time;
  const LocalClock clock = ToLocalClock(time.zone, at);
  const std::string zone = " (" + time.timezone + ")";
  if (!time.days.Contains(clock.weekday)) {
    reasons.push_back(std::string(WeekdayName(clock.weekday)) + " not in days " +
                      FormatDays(time.days) + zone);
  }
  if (time.hours.has_value() && !time.hours->Contains(clock.minute_of_day)) {
    reasons.push_back(FormatMinuteOfDay(clock.minute_of_day) + " outside " +
                      FormatMinuteOfDay(time.hours->start_minute) + "-" +
                      FormatMinuteOfDay(time.hours->end_minute) + zone);
  }
  return reasons;
}

}  // namespace

Decision Decision::Matched(const CompiledPolicy& policy, std::size_t rule_index) {
  const CompiledPolicy::Outcome& outcome = policy.outcomes_[rule_index];
  Decision decision;
  decision.effect_ = outcome.effect;
  decision.rule_index_ = static_cast<int>(rule_index);
  decision.rule_name_ = policy.policy_.rules[rule_index].name;
  decision.rule_reason_ = outcome.reason;
  decision.max_duration_ = outcome.max_duration;
  return decision;
}

Decision Decision::NoMatch(std::string_view user, std::string_view profile) {
  // Built in place: one allocation, on the deny path only.
  constexpr std::string_view kStart = "no rule matched profile '";
  constexpr std::string_view kMiddle = "' for user '";
  Decision decision;
  std::string& reason = decision.no_match_reason_;
  reason.reserve(kStart.size() + profile.size() + kMiddle.size() + user.size() + 1);
  reason.append(kStart).append(profile).append(kMiddle).append(user).append("'");
  return decision;
}

Result<CompiledPolicy> CompiledPolicy::Compile(Policy policy) {
  CompiledPolicy compiled;
  compiled.policy_ = std::move(policy);
  const std::vector<AccessRule>& rules = compiled.policy_.rules;
  compiled.words_ = (rules.size() + kBitsPerWord - 1) / kBitsPerWord;

  for (const AccessRule& rule : rules) {
    compiled.outcomes_.push_back(Outcome{
        rule.effect, rule.reason.empty() ? GeneratedReason(rule) : rule.reason, rule.max_duration});
  }
  compiled.BuildNameRows([](const Conditions& c) -> const NameList& { return c.profiles; },
                         compiled.profile_rows_, compiled.profile_bits_);
  compiled.BuildNameRows([](const Conditions& c) -> const NameList& { return c.users; },
                         compiled.user_rows_, compiled.user_bits_);
  if (Status zones = compiled.BuildZones(); !zones) {
    return std::unexpected(zones.error());
  }
  return compiled;
}

template <typename ListOf>
void CompiledPolicy::BuildNameRows(ListOf list_of, NameRows& index,
                                   std::vector<std::uint64_t>& bits) {
  const std::vector<AccessRule>& rules = policy_.rules;
  for (const AccessRule& rule : rules) {
    if (const NameList& list = list_of(rule.conditions); list.has_value()) {
      for (const std::string& name : *list) {
        index.emplace(name, static_cast<std::uint32_t>(index.size() + 1));
      }
    }
  }
  const std::size_t row_count = index.size() + 1;  // row 0: names no rule lists
  bits.assign(row_count * words_, 0);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const NameList& list = list_of(rules[i].conditions);
    if (!list.has_value()) {
      for (std::size_t row = 0; row < row_count; ++row) {
        bits[row * words_ + i / kBitsPerWord] |= Bit(i);
      }
      continue;
    }
    for (const std::string& name : *list) {
      bits[index.find(name)->second * words_ + i / kBitsPerWord] |= Bit(i);
    }
  }
}

Status CompiledPolicy::BuildZones() {
  std::vector<AccessRule>& rules = policy_.rules;
  untimed_.assign(words_, 0);
  std::map<const TimeZone*, std::size_t> zone_index;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    std::optional<TimeCondition>& time = rules[i].conditions.time;
    if (!time.has_value()) {
      untimed_[i / kBitsPerWord] |= Bit(i);
      continue;
    }
    // A hand-made policy may carry only the zone's name: resolve it once here, and keep
    // it in the policy so that Explain reads the same clock.
    if (time->zone == nullptr && time->timezone != "UTC") {
      auto zone = LocateTimeZone(time->timezone);
      if (!zone) {
        return std::unexpected(
            zone.error().WithContext("compiling policy rule '" + rules[i].name + "'"));
      }
      time->zone = *zone;
    }
    auto [it, inserted] = zone_index.emplace(time->zone, zones_.size());
    if (inserted) {
      zones_.push_back(ZoneTable{});
      zones_.back().zone = time->zone;
      zones_.back().members.assign(words_, 0);
    }
    zones_[it->second].members[i / kBitsPerWord] |= Bit(i);
  }
  for (ZoneTable& table : zones_) {
    FillZoneTable(table);
  }

  // For each word, the zones that have rules in it, so Evaluate visits only those.
  word_zone_start_.push_back(0);
  for (std::size_t w = 0; w < words_; ++w) {
    for (std::size_t z = 0; z < zones_.size(); ++z) {
      if (zones_[z].members[w] != 0) {
        word_zones_.push_back(static_cast<std::uint16_t>(z));
      }
    }
    word_zone_start_.push_back(static_cast<std::uint32_t>(word_zones_.size()));
  }
  return {};
}

void CompiledPolicy::FillZoneTable(ZoneTable& table) const {
  const std::vector<AccessRule>& rules = policy_.rules;
  auto in_zone = [&](std::size_t i) { return (table.members[i / kBitsPerWord] & Bit(i)) != 0; };

  // Within a segment between two consecutive window boundaries every window is either
  // wholly open or wholly closed, so one row per segment answers every minute in it.
  table.boundaries.push_back(0);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (in_zone(i) && rules[i].conditions.time->hours.has_value()) {
      table.boundaries.push_back(rules[i].conditions.time->hours->start_minute);
      table.boundaries.push_back(rules[i].conditions.time->hours->end_minute);
    }
  }
  std::sort(table.boundaries.begin(), table.boundaries.end());
  table.boundaries.erase(std::unique(table.boundaries.begin(), table.boundaries.end()),
                         table.boundaries.end());

  table.day_rows.assign(7 * words_, 0);
  table.segment_rows.assign(table.boundaries.size() * words_, 0);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (!in_zone(i)) {
      continue;
    }
    const TimeCondition& time = *rules[i].conditions.time;
    for (unsigned day = 0; day < 7; ++day) {
      if (time.days.Contains(std::chrono::weekday(day))) {
        table.day_rows[day * words_ + i / kBitsPerWord] |= Bit(i);
      }
    }
    for (std::size_t s = 0; s < table.boundaries.size(); ++s) {
      if (!time.hours.has_value() || time.hours->Contains(table.boundaries[s])) {
        table.segment_rows[s * words_ + i / kBitsPerWord] |= Bit(i);
      }
    }
  }
}

const std::uint64_t* CompiledPolicy::Row(const std::vector<std::uint64_t>& rows,
                                         const NameRows& index, std::string_view name) const {
  auto it = index.find(name);
  const std::size_t row = it == index.end() ? 0 : it->second;
  return rows.data() + row * words_;
}

CompiledPolicy::ZoneRows CompiledPolicy::RowsAt(std::size_t zone, TimePoint at) const {
  const ZoneTable& table = zones_[zone];
  const LocalClock clock = ToLocalClock(table.zone, at);
  const auto segment =
      std::upper_bound(table.boundaries.begin(), table.boundaries.end(), clock.minute_of_day) -
      table.boundaries.begin() - 1;
  return ZoneRows{table.day_rows.data() + clock.weekday.c_encoding() * words_,
                  table.segment_rows.data() + static_cast<std::size_t>(segment) * words_};
}

Decision Evaluate(const CompiledPolicy& policy, std::string_view user, std::string_view profile,
                  TimePoint at) {
  const std::size_t words = policy.words_;
  const std::uint64_t* profile_row =
      policy.Row(policy.profile_bits_, policy.profile_rows_, profile);
  const std::uint64_t* user_row = policy.Row(policy.user_bits_, policy.user_rows_, user);

  // Each zone's clock is read at most once, and only when a rule that is still a
  // candidate after the profile and user checks needs it.
  std::array<CompiledPolicy::ZoneRows, kCachedZones> cached;
  std::uint64_t cached_mask = 0;
  auto rows_of = [&](std::size_t zone) {
    if (zone >= kCachedZones) {
      return policy.RowsAt(zone, at);
    }
    if ((cached_mask & Bit(zone)) == 0) {
      cached[zone] = policy.RowsAt(zone, at);
      cached_mask |= Bit(zone);
    }
    return cached[zone];
  };

  for (std::size_t w = 0; w < words; ++w) {
    const std::uint64_t candidates = profile_row[w] & user_row[w];
    if (candidates == 0) {
      continue;
    }
    std::uint64_t open = policy.untimed_[w];
    if ((candidates & ~open) != 0) {
      for (std::uint32_t k = policy.word_zone_start_[w]; k < policy.word_zone_start_[w + 1]; ++k) {
        const std::size_t zone = policy.word_zones_[k];
        if ((policy.zones_[zone].members[w] & candidates) == 0) {
          continue;
        }
        const CompiledPolicy::ZoneRows rows = rows_of(zone);
        open |= rows.day[w] & rows.segment[w];
      }
    }
    if (const std::uint64_t hits = candidates & open; hits != 0) {
      return Decision::Matched(policy,
                               w * kBitsPerWord + static_cast<std::size_t>(std::countr_zero(hits)));
    }
  }
  return Decision::NoMatch(user, profile);
}

Explanation Explain(const CompiledPolicy& policy, std::string_view user, std::string_view profile,
                    TimePoint at) {
  // Deliberately the plain reading of the rules, one by one, not the index Evaluate
  // uses: the tests compare the two.
  Explanation explanation{Decision::NoMatch(user, profile), {}};
  const std::vector<AccessRule>& rules = policy.policy().rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    std::vector<std::string> reasons = Misses(rules[i], user, profile, at);
    if (reasons.empty()) {
      explanation.decision = Decision::Matched(policy, i);
      return explanation;
    }
    explanation.misses.push_back(RuleMiss{static_cast<int>(i), rules[i].name, std::move(reasons)});
  }
  return explanation;
}

}  // namespace sentinel::policy
