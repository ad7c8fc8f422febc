// Error values shared by every module: a code to branch on and a message for people.
#ifndef SENTINEL_CORE_ERROR_H_
#define SENTINEL_CORE_ERROR_H_

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace sentinel {

// What kind of failure an Error is. Callers branch on this, never on message text.
// The CLI maps codes to exit status (see cli/exit_code.h).
enum class ErrorCode {
  kInvalidInput,  // bad flag, config, policy, profile or value out of bounds (exit 2)
  kNotFound,      // a named thing does not exist (exit 2 when the user named it)
  kDenied,        // refused by a rule (exit 3)
  kConflict,      // a state change lost a race or is not allowed from the current state
  kUnavailable,   // network, AWS, store or file system failure (exit 1)
  kInternal,      // a bug or an impossible state (exit 1)
};

// Returns a stable lower-case name for `code`, such as "invalid input".
std::string_view ErrorCodeName(ErrorCode code);

// A failure: a code plus a message saying what was being done to which object and why,
// e.g. "loading policy file:/p.yaml: line 3, column 5: unknown key 'conditon'".
// Messages never contain secrets. An optional hint is shown on its own `hint:` line.
class [[nodiscard]] Error {
 public:
  Error(ErrorCode code, std::string message, std::string hint = {})
      : code_(code), message_(std::move(message)), hint_(std::move(hint)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& hint() const { return hint_; }

  // Returns a copy whose message is "<context>: <message>", keeping code and hint.
  Error WithContext(std::string_view context) const;

  // Returns a copy with `hint` replacing any earlier hint.
  Error WithHint(std::string hint) const;

 private:
  ErrorCode code_;
  std::string message_;
  std::string hint_;
};

// The result of an operation that yields a T or fails with an Error.
template <typename T>
using Result = std::expected<T, Error>;

// The result of an operation that yields nothing but may fail.
using Status = std::expected<void, Error>;

// Shorthand for returning a failure: `return Fail(ErrorCode::kNotFound, "...")`.
inline std::unexpected<Error> Fail(ErrorCode code, std::string message, std::string hint = {}) {
  return std::unexpected<Error>(Error(code, std::move(message), std::move(hint)));
}

// Shorthand for propagating an existing error with extra context.
inline std::unexpected<Error> Fail(const Error& error, std::string_view context) {
  return std::unexpected<Error>(error.WithContext(context));
}

}  // namespace sentinel

#endif  // SENTINEL_CORE_ERROR_H_
