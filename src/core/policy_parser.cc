#include "core/policy_parser.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <map>
#include <span>
#include <sstream>
#include <utility>

#include "core/duration.h"
#include "core/time_zone_db.h"

namespace sentinel::policy {
namespace {

using KeyList = std::span<const std::string_view>;

constexpr std::string_view kTopKeys[] = {"version", "rules", "approvals", "breakglass",
                                         "rate_limits"};
constexpr std::string_view kAccessRuleKeys[] = {"name", "effect", "conditions", "reason",
                                                "max_duration"};
constexpr std::string_view kConditionKeys[] = {"profiles", "users", "time"};
constexpr std::string_view kTimeKeys[] = {"days", "hours", "timezone"};
constexpr std::string_view kHoursKeys[] = {"start", "end"};
constexpr std::string_view kApprovalKeys[] = {"name", "profiles", "approvers", "max_duration",
                                              "auto_approve"};
constexpr std::string_view kAutoApproveKeys[] = {"users", "time", "max_duration"};
constexpr std::string_view kBreakGlassKeys[] = {
    "name", "profiles", "users", "reason_codes", "max_duration", "time", "closers"};
constexpr std::string_view kRateLimitKeys[] = {
    "name", "profiles", "cooldown", "max_per_user", "max_per_profile", "window", "escalate_at"};
constexpr std::string_view kEffectNames[] = {"allow", "deny", "require_approval"};
constexpr std::string_view kWeekdayNames[] = {"monday", "tuesday",  "wednesday", "thursday",
                                              "friday", "saturday", "sunday"};
constexpr std::string_view kReasonCodeNames[] = {"incident", "maintenance", "security", "recovery",
                                                 "other"};

// Past this many, errors are only counted: a corrupt multi-megabyte file must not make
// the parser build an unbounded list.
constexpr std::size_t kMaxCollectedErrors = 10000;

// Words longer than this get no "did you mean" suggestion; the distance is quadratic.
constexpr std::size_t kMaxSuggestionLength = 64;

// Edit distance counting insertions, deletions, substitutions and swaps of neighbours,
// so that both "conditon" and "usres" are one or two edits from what was meant.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// Returns the candidate closest to `word` when it is close enough to be a likely typo.
std::optional<std::string> Closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  if (word.empty() || word.size() > kMaxSuggestionLength) {
    return std::nullopt;
  }
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    const std::size_t limit =
        candidate.size() <= 4 ? 1 : std::max<std::size_t>(2, candidate.size() / 3);
    const std::size_t distance = EditDistance(word, candidate);
    if (distance <= limit && (!best.has_value() || distance < best_distance)) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::vector<std::string> ToStrings(KeyList words) {
  return std::vector<std::string>(words.begin(), words.end());
}

std::string JoinWords(KeyList words, std::string_view last_separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      out += i + 1 == words.size() ? last_separator : ", ";
    }
    out += words[i];
  }
  return out;
}

// " (did you mean 'x'?)" when `word` looks like a typo of a candidate, else `otherwise`.
std::string SuggestionOr(std::string_view word, const std::vector<std::string>& candidates,
                         std::string_view otherwise) {
  if (auto best = Closest(word, candidates)) {
    return " (did you mean '" + *best + "'?)";
  }
  return std::string(otherwise);
}

std::string_view DescribeType(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return "a string";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

// One key of a mapping with its value. The key node is kept for error positions.
struct Field {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

// The known keys of a mapping, and the known keys that unknown ones look like typos of.
struct Fields {
  std::vector<Field> entries;
  std::vector<std::string> misspelled;
};

const Field* Find(const Fields& fields, std::string_view key) {
  for (const Field& field : fields.entries) {
    if (field.key == key) {
      return &field;
    }
  }
  return nullptr;
}

// Notes where each YAML document starts; nothing else of the events is needed.
class DocumentStarts final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  std::vector<YAML::Mark> marks;
};

// Returns whether some line of `text` begins with "---" or "...". Every document after the
// first starts at such a marker (YAML puts them at the start of a line only), so text
// without one holds one document at most.
bool HasDocumentMarker(std::string_view text) {
  for (std::size_t line = 0; line < text.size();) {
    const std::string_view rest = text.substr(line);
    if (rest.starts_with("---") || rest.starts_with("...")) {
      return true;
    }
    const std::size_t end = text.find('\n', line);
    if (end == std::string_view::npos) {
      break;
    }
    line = end + 1;
  }
  return false;
}

// Returns where a second document begins, if the text has one. yaml-cpp 0.7's LoadAll
// never returns on some malformed input (a stray ","), so this takes at most two parser
// steps instead. That parses the text a second time, so it runs only when a document
// marker makes a second document possible. Throws what yaml-cpp throws.
std::optional<YAML::Mark> SecondDocument(const std::string& text) {
  if (!HasDocumentMarker(text)) {
    return std::nullopt;
  }
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  if (!parser.HandleNextDocument(starts) || !parser.HandleNextDocument(starts)) {
    return std::nullopt;
  }
  return starts.marks.size() >= 2 ? starts.marks[1] : YAML::Mark();
}

// Returns the value of a rule's first `name` key when it is a usable name, before the
// rule's keys are checked, so that even the first message about the rule can name it.
std::optional<std::string> PeekName(const YAML::Node& rule) {
  for (auto it = rule.begin(); it != rule.end(); ++it) {
    // yaml-cpp's iterators hand out temporaries: keep copies, never references.
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (key.IsScalar() && key.Scalar() == "name") {
      if (value.IsScalar() && !value.Scalar().empty()) {
        return value.Scalar();
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Walks one document and records every problem. Values read from a faulty document are
// thrown away, so readers report and carry on with whatever they could read.
class Parser {
 public:
  ParseOutcome Run(std::string_view yaml);

 private:
  void Report(PolicyErrorKind kind, const YAML::Mark& mark, std::string message);

  // Position for a problem with `field`'s value: yaml-cpp gives empty values no useful
  // mark, so those point at the key instead.
  static YAML::Mark ValueMark(const Field& field);

  bool ExpectType(const Field& field, YAML::NodeType::value want, std::string_view want_name,
                  const std::string& where);
  Fields ReadMapping(const YAML::Node& node, KeyList known, const std::string& where);
  const Field* Require(const Fields& fields, std::string_view key, const YAML::Node& owner,
                       const std::string& where);

  std::optional<std::string> ReadString(const Field& field, const std::string& where,
                                        bool allow_empty);
  std::optional<std::vector<std::string>> ReadNames(const Field& field, const std::string& where,
                                                    std::string_view if_empty);
  std::optional<std::chrono::seconds> ReadDuration(const Field& field, const std::string& where);
  std::optional<int> ReadCount(const Field& field, const std::string& where);
  std::optional<Effect> ReadEffect(const Field& field, const std::string& where);
  DaySet ReadDays(const Field& field, const std::string& where);
  std::optional<HourWindow> ReadHours(const Field& field, const std::string& where);
  std::optional<int> ReadHour(const Field& field, const std::string& where);
  void ReadTimezone(const Field& field, const std::string& where, TimeCondition& time);
  std::optional<TimeCondition> ReadTime(const Field& field, const std::string& where);
  std::vector<ReasonCode> ReadReasonCodes(const Field& field, const std::string& where);

  void ReadTop(const YAML::Node& root);
  std::optional<std::string> ReadRuleName(const Fields& fields, const YAML::Node& rule,
                                          const std::string& where);
  template <typename Rule>
  std::vector<Rule> ReadSection(const Field& field, std::string_view section,
                                std::string_view rule_word, KeyList keys);
  void ReadRuleBody(const Fields& fields, const YAML::Node& node, const std::string& where,
                    AccessRule& rule);
  void ReadRuleBody(const Fields& fields, const YAML::Node& node, const std::string& where,
                    ApprovalRule& rule);
  void ReadRuleBody(const Fields& fields, const YAML::Node& node, const std::string& where,
                    BreakGlassRule& rule);
  void ReadRuleBody(const Fields& fields, const YAML::Node& node, const std::string& where,
                    RateLimitRule& rule);
  Conditions ReadConditions(const Field& field, const std::string& where);
  std::optional<AutoApprove> ReadAutoApprove(const Field& field, const std::string& where);

  Policy policy_;
  std::vector<PolicyError> errors_;
  std::size_t uncollected_ = 0;
};

void Parser::Report(PolicyErrorKind kind, const YAML::Mark& mark, std::string message) {
  if (errors_.size() >= kMaxCollectedErrors) {
    ++uncollected_;
    return;
  }
  // yaml-cpp counts from 0 and uses -1 for "no position"; people count from 1.
  PolicyError error;
  error.kind = kind;
  error.line = std::max(mark.line, 0) + 1;
  error.column = std::max(mark.column, 0) + 1;
  error.message = std::move(message);
  errors_.push_back(std::move(error));
}

YAML::Mark Parser::ValueMark(const Field& field) {
  return field.value.IsNull() ? field.key_node.Mark() : field.value.Mark();
}

bool Parser::ExpectType(const Field& field, YAML::NodeType::value want, std::string_view want_name,
                        const std::string& where) {
  if (field.value.Type() == want) {
    return true;
  }
  Report(PolicyErrorKind::kWrongType, ValueMark(field),
         "expected " + std::string(want_name) + " for " + Quote(field.key) + " in " + where +
             ", got " + std::string(DescribeType(field.value)));
  return false;
}

Fields Parser::ReadMapping(const YAML::Node& node, KeyList known, const std::string& where) {
  Fields fields;
  std::vector<std::string> known_strings = ToStrings(known);
  for (auto it = node.begin(); it != node.end(); ++it) {
    // yaml-cpp's iterators hand out temporaries: keep copies, never references.
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      Report(PolicyErrorKind::kWrongType, key.Mark(),
             "expected a string key in " + where + ", got " + std::string(DescribeType(key)));
      continue;
    }
    const std::string name = key.Scalar();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      const std::optional<std::string> meant = Closest(name, known_strings);
      Report(PolicyErrorKind::kUnknownKey, key.Mark(),
             "unknown key " + Quote(name) + " in " + where +
                 (meant ? " (did you mean " + Quote(*meant) + "?)"
                        : " (known keys: " + JoinWords(known, ", ") + ")"));
      if (meant) {
        fields.misspelled.push_back(*meant);
      }
      continue;
    }
    if (const Field* first = Find(fields, name)) {
      Report(PolicyErrorKind::kDuplicateKey, key.Mark(),
             "duplicate key " + Quote(name) + " in " + where + " (first at line " +
                 std::to_string(first->key_node.Mark().line + 1) + ")");
      continue;
    }
    fields.entries.push_back(Field{name, key, it->second});
  }
  return fields;
}

const Field* Parser::Require(const Fields& fields, std::string_view key, const YAML::Node& owner,
                             const std::string& where) {
  const Field* field = Find(fields, key);
  // A misspelled key was reported already, with the right spelling: saying that the key
  // is missing too would only bury that message.
  const bool misspelled =
      std::find(fields.misspelled.begin(), fields.misspelled.end(), key) != fields.misspelled.end();
  if (field == nullptr && !misspelled) {
    Report(PolicyErrorKind::kMissingKey, owner.Mark(),
           "missing required key " + Quote(key) + " in " + where);
  }
  return field;
}

std::optional<std::string> Parser::ReadString(const Field& field, const std::string& where,
                                              bool allow_empty) {
  if (!ExpectType(field, YAML::NodeType::Scalar, "a string", where)) {
    return std::nullopt;
  }
  if (!allow_empty && field.value.Scalar().empty()) {
    Report(PolicyErrorKind::kInvalidValue, ValueMark(field),
           Quote(field.key) + " in " + where + " must not be empty");
    return std::nullopt;
  }
  return field.value.Scalar();
}

std::optional<std::vector<std::string>> Parser::ReadNames(const Field& field,
                                                          const std::string& where,
                                                          std::string_view if_empty) {
  if (!ExpectType(field, YAML::NodeType::Sequence, "a list", where)) {
    return std::nullopt;
  }
  if (field.value.size() == 0 && !if_empty.empty()) {
    Report(PolicyErrorKind::kInvalidValue, ValueMark(field),
           "empty list for " + Quote(field.key) + " in " + where + " " + std::string(if_empty));
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (const YAML::Node& item : field.value) {
    if (!item.IsScalar()) {
      Report(PolicyErrorKind::kWrongType, item.IsNull() ? ValueMark(field) : item.Mark(),
             "expected a string for each element of " + Quote(field.key) + " in " + where +
                 ", got " + std::string(DescribeType(item)));
      continue;
    }
    if (item.Scalar().empty()) {
      Report(PolicyErrorKind::kInvalidValue, item.Mark(),
             "empty name in " + Quote(field.key) + " in " + where);
      continue;
    }
    names.push_back(item.Scalar());
  }
  return names;
}

std::optional<std::chrono::seconds> Parser::ReadDuration(const Field& field,
                                                         const std::string& where) {
  if (!ExpectType(field, YAML::NodeType::Scalar, "a duration", where)) {
    return std::nullopt;
  }
  auto duration = ParseDuration(field.value.Scalar());
  if (!duration) {
    Report(PolicyErrorKind::kInvalidValue, field.value.Mark(),
           Quote(field.key) + " in " + where + ": " + duration.error().message() +
               " (write durations like 90s, 15m, 2h or 1h30m)");
    return std::nullopt;
  }
  return *duration;
}

std::optional<int> Parser::ReadCount(const Field& field, const std::string& where) {
  if (!ExpectType(field, YAML::NodeType::Scalar, "a positive integer", where)) {
    return std::nullopt;
  }
  const std::string& text = field.value.Scalar();
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value <= 0 || value > 1000000) {
    Report(PolicyErrorKind::kInvalidValue, field.value.Mark(),
           Quote(field.key) + " in " + where + " must be a whole number from 1 to 1000000, got " +
               Quote(text));
    return std::nullopt;
  }
  return static_cast<int>(value);
}

std::optional<Effect> Parser::ReadEffect(const Field& field, const std::string& where) {
  auto text = ReadString(field, where, /*allow_empty=*/true);
  if (!text) {
    return std::nullopt;
  }
  for (Effect effect : {Effect::kAllow, Effect::kDeny, Effect::kRequireApproval}) {
    if (EffectName(effect) == *text) {
      return effect;
    }
  }
  Report(
      PolicyErrorKind::kInvalidValue, field.value.Mark(),
      "invalid effect " + Quote(*text) + " in " + where +
          SuggestionOr(*text, ToStrings(kEffectNames), " (want allow, deny or require_approval)"));
  return std::nullopt;
}

DaySet Parser::ReadDays(const Field& field, const std::string& where) {
  DaySet days;
  auto names = ReadNames(field, where, "(omit 'days' to mean every day)");
  if (!names) {
    return days;
  }
  days.bits = 0;
  for (const YAML::Node& item : field.value) {
    if (!item.IsScalar()) {
      continue;  // already reported by ReadNames
    }
    auto day = ParseWeekday(item.Scalar());
    if (!day) {
      Report(PolicyErrorKind::kInvalidValue, item.Mark(),
             "invalid weekday " + Quote(item.Scalar()) + " in " + where +
                 SuggestionOr(item.Scalar(), ToStrings(kWeekdayNames),
                              " (want monday, tuesday, ... sunday, in lower case)"));
      continue;
    }
    days.Add(*day);
  }
  return days;
}

std::optional<int> Parser::ReadHour(const Field& field, const std::string& where) {
  if (!ExpectType(field, YAML::NodeType::Scalar, "an hour (HH:MM)", where)) {
    return std::nullopt;
  }
  auto minute = ParseMinuteOfDay(field.value.Scalar());
  if (!minute) {
    Report(PolicyErrorKind::kInvalidValue, field.value.Mark(),
           "invalid hour " + Quote(field.value.Scalar()) + " for " + Quote(field.key) + " in " +
               where + " (want HH:MM, 00:00 to 23:59)");
  }
  return minute;
}

std::optional<HourWindow> Parser::ReadHours(const Field& field, const std::string& where) {
  if (!ExpectType(field, YAML::NodeType::Map, "a mapping with 'start' and 'end'", where)) {
    return std::nullopt;
  }
  const Fields fields = ReadMapping(field.value, kHoursKeys, where);
  const Field* start_field = Require(fields, "start", field.value, "'hours' of " + where);
  const Field* end_field = Require(fields, "end", field.value, "'hours' of " + where);
  // -1 stands for "absent or invalid" (already reported).
  const int start = start_field ? ReadHour(*start_field, where).value_or(-1) : -1;
  const int end = end_field ? ReadHour(*end_field, where).value_or(-1) : -1;
  if (start < 0 || end < 0) {
    return std::nullopt;
  }
  if (start == end) {
    Report(PolicyErrorKind::kInvalidValue, end_field->value.Mark(),
           "'start' and 'end' are both " + FormatMinuteOfDay(start) + " in 'hours' of " + where +
               " (a window needs two different times)");
    return std::nullopt;
  }
  return HourWindow{start, end};
}

void Parser::ReadTimezone(const Field& field, const std::string& where, TimeCondition& time) {
  auto name = ReadString(field, where, /*allow_empty=*/true);
  if (!name) {
    return;
  }
  auto zone = LocateTimeZone(*name);
  if (zone) {
    time.timezone = *name;
    time.zone = *zone;
    return;
  }
  // Without a readable database the list is empty: no suggestion, the error still stands.
  const std::vector<std::string> known = ListTimeZones();
  Report(PolicyErrorKind::kInvalidValue, field.value.Mark(),
         "unknown timezone " + Quote(*name) + " in " + where +
             SuggestionOr(*name, known, " (want an IANA name such as UTC or Europe/Berlin)"));
}

std::optional<TimeCondition> Parser::ReadTime(const Field& field, const std::string& where) {
  if (!ExpectType(field, YAML::NodeType::Map, "a mapping", where)) {
    return std::nullopt;
  }
  const Fields fields = ReadMapping(field.value, kTimeKeys, where);
  TimeCondition time;
  const Field* days = Find(fields, "days");
  const Field* hours = Find(fields, "hours");
  if (days != nullptr) {
    time.days = ReadDays(*days, where);
  }
  if (hours != nullptr) {
    time.hours = ReadHours(*hours, where);
  }
  if (const Field* timezone = Find(fields, "timezone")) {
    ReadTimezone(*timezone, where, time);
  }
  const auto misspelled = [&](std::string_view key) {
    return std::find(fields.misspelled.begin(), fields.misspelled.end(), key) !=
           fields.misspelled.end();
  };
  if (days == nullptr && hours == nullptr && !misspelled("days") && !misspelled("hours")) {
    Report(PolicyErrorKind::kMissingKey, field.key_node.Mark(),
           Quote(field.key) + " in " + where + " needs 'days' or 'hours'");
  }
  return time;
}

std::vector<ReasonCode> Parser::ReadReasonCodes(const Field& field, const std::string& where) {
  std::vector<ReasonCode> codes;
  auto names = ReadNames(field, where, "(omit 'reason_codes' to allow all five)");
  if (!names) {
    return codes;
  }
  for (const YAML::Node& item : field.value) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      continue;  // already reported by ReadNames
    }
    auto code = ParseReasonCode(item.Scalar());
    if (!code) {
      Report(PolicyErrorKind::kInvalidValue, item.Mark(),
             "unknown reason code " + Quote(item.Scalar()) + " in " + where +
                 SuggestionOr(item.Scalar(), ToStrings(kReasonCodeNames),
                              " (want incident, maintenance, security, recovery or other)"));
      continue;
    }
    codes.push_back(*code);
  }
  return codes;
}

Conditions Parser::ReadConditions(const Field& field, const std::string& where) {
  Conditions conditions;
  if (!ExpectType(field, YAML::NodeType::Map, "a mapping ({} matches everything)", where)) {
    return conditions;
  }
  const Fields fields = ReadMapping(field.value, kConditionKeys, where);
  if (const Field* profiles = Find(fields, "profiles")) {
    conditions.profiles = ReadNames(*profiles, where, "(omit 'profiles' to match every profile)");
  }
  if (const Field* users = Find(fields, "users")) {
    conditions.users = ReadNames(*users, where, "(omit 'users' to match every user)");
  }
  if (const Field* time = Find(fields, "time")) {
    conditions.time = ReadTime(*time, where);
  }
  return conditions;
}

std::optional<AutoApprove> Parser::ReadAutoApprove(const Field& field, const std::string& where) {
  if (!ExpectType(field, YAML::NodeType::Map, "a mapping", where)) {
    return std::nullopt;
  }
  const Fields fields = ReadMapping(field.value, kAutoApproveKeys, where);
  AutoApprove auto_approve;
  if (const Field* users = Find(fields, "users")) {
    auto_approve.users = ReadNames(*users, where, "(omit 'users' to match every user)");
  }
  if (const Field* time = Find(fields, "time")) {
    auto_approve.time = ReadTime(*time, where);
  }
  if (const Field* max_duration = Find(fields, "max_duration")) {
    auto_approve.max_duration = ReadDuration(*max_duration, where);
  }
  if (fields.entries.empty() && field.value.size() == 0) {
    // An empty auto_approve would approve every request by itself: surely not meant.
    Report(
        PolicyErrorKind::kMissingKey, field.key_node.Mark(),
        "'auto_approve' in " + where + " needs at least one of 'users', 'time' or 'max_duration'");
  }
  return auto_approve;
}

void Parser::ReadRuleBody(const Fields& fields, const YAML::Node& node, const std::string& where,
                          AccessRule& rule) {
  if (const Field* effect = Require(fields, "effect", node, where)) {
    rule.effect = ReadEffect(*effect, where).value_or(Effect::kDeny);
  }
  if (const Field* conditions = Require(fields, "conditions", node, where)) {
    rule.conditions = ReadConditions(*conditions, where);
  }
  if (const Field* reason = Find(fields, "reason")) {
    rule.reason = ReadString(*reason, where, /*allow_empty=*/false).value_or("");
  }
  if (const Field* max_duration = Find(fields, "max_duration")) {
    rule.max_duration = ReadDuration(*max_duration, where);
  }
}

void Parser::ReadRuleBody(const Fields& fields, const YAML::Node& node, const std::string& where,
                          ApprovalRule& rule) {
  if (const Field* profiles = Find(fields, "profiles")) {
    rule.profiles = ReadNames(*profiles, where, "(omit 'profiles' to match every profile)");
  }
  if (const Field* approvers = Require(fields, "approvers", node, where)) {
    rule.approvers = ReadNames(*approvers, where, "(an approvals rule needs at least one approver)")
                         .value_or(std::vector<std::string>{});
  }
  if (const Field* max_duration = Find(fields, "max_duration")) {
    rule.max_duration = ReadDuration(*max_duration, where).value_or(kDefaultApprovalDuration);
  }
  if (const Field* auto_approve = Find(fields, "auto_approve")) {
    rule.auto_approve = ReadAutoApprove(*auto_approve, where);
  }
}

void Parser::ReadRuleBody(const Fields& fields, const YAML::Node& node, const std::string& where,
                          BreakGlassRule& rule) {
  if (const Field* profiles = Find(fields, "profiles")) {
    rule.profiles = ReadNames(*profiles, where, "(omit 'profiles' to match every profile)");
  }
  if (const Field* users = Require(fields, "users", node, where)) {
    rule.users = ReadNames(*users, where, "(a breakglass rule needs at least one user)")
                     .value_or(std::vector<std::string>{});
  }
  if (const Field* codes = Find(fields, "reason_codes")) {
    rule.reason_codes = ReadReasonCodes(*codes, where);
  }
  if (const Field* time = Find(fields, "time")) {
    rule.time = ReadTime(*time, where);
  }
  if (const Field* max_duration = Find(fields, "max_duration")) {
    auto duration = ReadDuration(*max_duration, where);
    if (duration && *duration > kMaxBreakGlassDuration) {
      Report(PolicyErrorKind::kInvalidValue, max_duration->value.Mark(),
             "max_duration " + FormatDuration(*duration) + " in " + where +
                 " is over the break-glass limit of " + FormatDuration(kMaxBreakGlassDuration));
    }
    rule.max_duration = duration.value_or(kMaxBreakGlassDuration);
  }
  if (const Field* closers = Find(fields, "closers")) {
    rule.closers = ReadNames(*closers, where, "").value_or(std::vector<std::string>{});
  }
}

void Parser::ReadRuleBody(const Fields& fields, const YAML::Node& node, const std::string& where,
                          RateLimitRule& rule) {
  if (const Field* profiles = Find(fields, "profiles")) {
    rule.profiles = ReadNames(*profiles, where, "(omit 'profiles' to match every profile)");
  }
  const Field* cooldown = Find(fields, "cooldown");
  const Field* max_per_user = Find(fields, "max_per_user");
  const Field* max_per_profile = Find(fields, "max_per_profile");
  const Field* window = Find(fields, "window");
  const Field* escalate_at = Find(fields, "escalate_at");
  if (cooldown != nullptr) {
    rule.cooldown = ReadDuration(*cooldown, where);
  }
  if (max_per_user != nullptr) {
    rule.max_per_user = ReadCount(*max_per_user, where);
  }
  if (max_per_profile != nullptr) {
    rule.max_per_profile = ReadCount(*max_per_profile, where);
  }
  if (window != nullptr) {
    rule.window = ReadDuration(*window, where);
  }
  if (escalate_at != nullptr) {
    rule.escalate_at = ReadCount(*escalate_at, where);
  }

  const bool counts = max_per_user || max_per_profile || escalate_at;
  if (!counts && cooldown == nullptr) {
    Report(PolicyErrorKind::kMissingKey, node.Mark(),
           where +
               " limits nothing: give 'cooldown', 'max_per_user', 'max_per_profile' or "
               "'escalate_at'");
  }
  if (counts && window == nullptr) {
    Report(PolicyErrorKind::kMissingKey, node.Mark(),
           "missing required key 'window' in " + where +
               " (the counts 'max_per_user', 'max_per_profile' and 'escalate_at' are per window)");
  }
  if (!counts && window != nullptr) {
    Report(PolicyErrorKind::kInvalidValue, window->key_node.Mark(),
           "'window' in " + where +
               " counts nothing: give 'max_per_user', 'max_per_profile' or 'escalate_at'");
  }
}

std::optional<std::string> Parser::ReadRuleName(const Fields& fields, const YAML::Node& rule,
                                                const std::string& where) {
  const Field* name_field = Require(fields, "name", rule, where);
  if (name_field == nullptr) {
    return std::nullopt;
  }
  return ReadString(*name_field, where, /*allow_empty=*/false);
}

// Reads one section's list of rules. `rule_word` names a rule of the section in messages
// ("rule", "approvals rule", ...); the rule's name is added once it is known.
template <typename Rule>
std::vector<Rule> Parser::ReadSection(const Field& field, std::string_view section,
                                      std::string_view rule_word, KeyList keys) {
  std::vector<Rule> rules;
  if (!ExpectType(field, YAML::NodeType::Sequence, "a list of rules", "the policy")) {
    return rules;
  }
  std::map<std::string, int, std::less<>> first_line_of_name;
  std::size_t index = 0;
  for (const YAML::Node& node : field.value) {
    std::string where = std::string(section) + "[" + std::to_string(index++) + "]";
    if (!node.IsMap()) {
      Report(PolicyErrorKind::kWrongType, node.IsNull() ? field.key_node.Mark() : node.Mark(),
             "expected a mapping for " + where + ", got " + std::string(DescribeType(node)));
      continue;
    }
    // The name comes first so that every later message can say which rule it is about.
    if (auto peeked = PeekName(node)) {
      where = std::string(rule_word) + " " + Quote(*peeked);
    }
    Fields fields = ReadMapping(node, keys, where);
    Rule rule;
    rule.line = node.Mark().line + 1;
    if (auto name = ReadRuleName(fields, node, where)) {
      rule.name = *name;
      const Field* name_field = Find(fields, "name");
      auto [it, inserted] = first_line_of_name.emplace(rule.name, rule.line);
      if (!inserted) {
        Report(PolicyErrorKind::kDuplicateName, name_field->value.Mark(),
               "duplicate rule name " + Quote(rule.name) + " in '" + std::string(section) +
                   "' (first at line " + std::to_string(it->second) + ")");
      }
    }
    ReadRuleBody(fields, node, where, rule);
    rules.push_back(std::move(rule));
  }
  return rules;
}

void Parser::ReadTop(const YAML::Node& root) {
  const std::string where = "the policy";
  const Fields fields = ReadMapping(root, kTopKeys, where);
  if (const Field* version = Require(fields, "version", root, where)) {
    auto text = ReadString(*version, where, /*allow_empty=*/true);
    if (text && *text != "1") {
      Report(PolicyErrorKind::kInvalidValue, version->value.Mark(),
             "unsupported version " + Quote(*text) + " (this sentinel reads version \"1\")");
    }
    policy_.version = text.value_or("");
  }
  if (const Field* rules = Require(fields, "rules", root, where)) {
    policy_.rules = ReadSection<AccessRule>(*rules, "rules", "rule", kAccessRuleKeys);
  }
  if (const Field* approvals = Find(fields, "approvals")) {
    policy_.approvals =
        ReadSection<ApprovalRule>(*approvals, "approvals", "approvals rule", kApprovalKeys);
  }
  if (const Field* breakglass = Find(fields, "breakglass")) {
    policy_.breakglass =
        ReadSection<BreakGlassRule>(*breakglass, "breakglass", "breakglass rule", kBreakGlassKeys);
  }
  if (const Field* rate_limits = Find(fields, "rate_limits")) {
    policy_.rate_limits =
        ReadSection<RateLimitRule>(*rate_limits, "rate_limits", "rate limit", kRateLimitKeys);
  }
}

ParseOutcome Parser::Run(std::string_view yaml) {
  // yaml-cpp reports malformed input by throwing; this is the boundary where that stops.
  try {
    const std::string text(yaml);
    const YAML::Node root = YAML::Load(text);
    std::optional<YAML::Mark> second;
    if (!root.IsDefined() || root.IsNull()) {
      Report(PolicyErrorKind::kSyntax, YAML::Mark(),
             "the policy is empty (want a mapping with 'version' and 'rules')");
    } else if ((second = SecondDocument(text))) {
      // Rules after a "---" would otherwise be silently ignored.
      Report(PolicyErrorKind::kSyntax, *second,
             "more than one YAML document (a policy is exactly one)");
    } else if (!root.IsMap()) {
      Report(PolicyErrorKind::kWrongType, root.Mark(),
             "expected a mapping with 'version' and 'rules' at the top of the policy, got " +
                 std::string(DescribeType(root)));
    } else {
      ReadTop(root);
    }
  } catch (const YAML::Exception& e) {
    Report(PolicyErrorKind::kSyntax, e.mark, "YAML syntax error: " + e.msg);
  } catch (const std::exception& e) {
    Report(PolicyErrorKind::kSyntax, YAML::Mark(), std::string("cannot read YAML: ") + e.what());
  }

  ParseOutcome outcome;
  outcome.error_count = errors_.size() + uncollected_;
  if (errors_.empty()) {
    outcome.policy = std::move(policy_);
    return outcome;
  }
  std::stable_sort(errors_.begin(), errors_.end(), [](const PolicyError& a, const PolicyError& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  if (errors_.size() > kMaxPolicyErrors) {
    errors_.resize(kMaxPolicyErrors);  // error_count still says how many there were
  }
  outcome.errors = std::move(errors_);
  return outcome;
}

}  // namespace

std::string PolicyError::ToString() const {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

ParseOutcome ParsePolicyDocument(std::string_view yaml) { return Parser().Run(yaml); }

Result<Policy> ParsePolicy(std::string_view yaml, std::string_view source_name) {
  ParseOutcome outcome = ParsePolicyDocument(yaml);
  if (outcome.policy) {
    return std::move(*outcome.policy);
  }
  std::string message = std::string(source_name) + ": " + outcome.errors.front().ToString();
  const std::size_t more = outcome.error_count - 1;
  if (more > 0) {
    message += " (and " + std::to_string(more) + (more == 1 ? " more error)" : " more errors)");
  }
  return Fail(ErrorCode::kInvalidInput, std::move(message),
              "run 'sentinel policy validate' to see every error");
}

}  // namespace sentinel::policy
