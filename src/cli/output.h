// How the CLI reports results and failures: JSON on stdout, messages on stderr.
#ifndef SENTINEL_CLI_OUTPUT_H_
#define SENTINEL_CLI_OUTPUT_H_

#include <string_view>

#include "core/error.h"

namespace sentinel::cli {

// Exit statuses (SPEC section 4).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // network, AWS, store
inline constexpr int kExitUsage = 2;    // bad flag, config, policy, profile, value
inline constexpr int kExitRefused = 3;  // refused by a rule

// Maps an error code to the exit status the SPEC assigns it.
int ExitCodeFor(ErrorCode code);

// Writes "sentinel: error: <message>" and, when the error has one, "hint: <hint>" to
// stderr. Returns ExitCodeFor(error.code()) so callers can `return ReportError(e);`.
int ReportError(const Error& error);

// Writes "sentinel: <message>" to stderr (progress and notices, not errors).
void Notice(std::string_view message);

}  // namespace sentinel::cli

#endif  // SENTINEL_CLI_OUTPUT_H_
