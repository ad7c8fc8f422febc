#include "cli/output.h"

#include <cstdio>
#include <string>

namespace sentinel::cli {

int ExitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
    case ErrorCode::kNotFound:
      return kExitUsage;
    case ErrorCode::kDenied:
    case ErrorCode::kConflict:
      return kExitRefused;
    case ErrorCode::kUnavailable:
    case ErrorCode::kInternal:
      return kExitFailure;
  }
  return kExitFailure;
}

int ReportError(const Error& error) {
  std::string text = "sentinel: error: " + error.message() + "\n";
  if (!error.hint().empty()) {
    text += "hint: " + error.hint() + "\n";
  }
  std::fputs(text.c_str(), stderr);
  return ExitCodeFor(error.code());
}

void Notice(std::string_view message) {
  std::string text = "sentinel: ";
  text += message;
  text += '\n';
  std::fputs(text.c_str(), stderr);
}

}  // namespace sentinel::cli
