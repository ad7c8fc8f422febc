// The strict YAML reader of the policy document (SPEC section 3).
#ifndef SENTINEL_CORE_POLICY_PARSER_H_
#define SENTINEL_CORE_POLICY_PARSER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/policy.h"

namespace sentinel::policy {

// What kind of problem a PolicyError reports. Tools and tests branch on this, never on
// the message text.
enum class PolicyErrorKind {
  kSyntax,         // not well-formed YAML, not one document, or empty
  kUnknownKey,     // a key the policy format does not have
  kDuplicateKey,   // the same key twice in one mapping
  kWrongType,      // e.g. a string where a list belongs
  kMissingKey,     // a required key is absent, or a section needs one of several keys
  kInvalidValue,   // right type, wrong value: weekday, hour, timezone, duration, ...
  kDuplicateName,  // two rules of one section share a name
};

// One problem in a policy document, at a 1-based line and column of the source.
struct PolicyError {
  PolicyErrorKind kind = PolicyErrorKind::kSyntax;
  int line = 1;
  int column = 1;
  std::string message;  // e.g. "unknown key 'conditon' in rule 'developers' (did you
                        // mean 'conditions'?)"; never includes the position

  // Returns "line L, column C: <message>".
  std::string ToString() const;
};

// At most this many errors are listed; ParseOutcome::error_count says how many were found.
inline constexpr std::size_t kMaxPolicyErrors = 100;

// The result of reading a policy: either a policy and no errors, or the errors found (in
// source order, the first kMaxPolicyErrors of them) and no policy.
struct ParseOutcome {
  std::optional<Policy> policy;
  std::vector<PolicyError> errors;
  std::size_t error_count = 0;  // every error found, including any left out of `errors`
};

// Reads a policy document and reports every problem it finds rather than stopping at the
// first, for `sentinel policy validate`. Never throws. Time zones are resolved against
// the zoneinfo database, so the returned policy's TimeConditions are ready to use.
ParseOutcome ParsePolicyDocument(std::string_view yaml);

// Reads a policy document. On failure returns kInvalidInput with the message
// "<source_name>: line L, column C: <first error>", followed by " (and N more errors)"
// when there were others.
Result<Policy> ParsePolicy(std::string_view yaml, std::string_view source_name);

}  // namespace sentinel::policy

#endif  // SENTINEL_CORE_POLICY_PARSER_H_
