// The policy read from a local file.
#ifndef SENTINEL_APP_FILE_POLICY_H_
#define SENTINEL_APP_FILE_POLICY_H_

#include <string>

#include "app/ports.h"

namespace sentinel::app {

// Reads, parses and compiles the policy at `path` on every Load(). The source reported is
// "file:<path> (sha256:<first 12 hex of the content's SHA-256>)", so the decision log
// records exactly which version of the file decided.
class FilePolicy final : public PolicyPort {
 public:
  explicit FilePolicy(std::string path) : path_(std::move(path)) {}

  // Fails with kUnavailable naming the path when the file cannot be read, and with
  // kInvalidInput ("loading policy file:<path>: line L, column C: ...") when it does not
  // parse.
  [[nodiscard]] Result<LoadedPolicy> Load() override;
  std::string SourceUri() const override { return "file:" + path_; }

 private:
  std::string path_;
};

// Parses and compiles policy text; `source` names it in errors and in the result.
[[nodiscard]] Result<LoadedPolicy> CompilePolicyText(std::string_view text,
                                                     const std::string& source);

}  // namespace sentinel::app

#endif  // SENTINEL_APP_FILE_POLICY_H_
