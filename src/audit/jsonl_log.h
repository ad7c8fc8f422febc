// The decision log file: JSON Lines, appended whole lines at a time, mode 0600.
#ifndef SENTINEL_AUDIT_JSONL_LOG_H_
#define SENTINEL_AUDIT_JSONL_LOG_H_

#include <nlohmann/json.hpp>
#include <string>

#include "app/decision_log.h"
#include "core/error.h"

namespace sentinel::audit {

// Appends JSON objects as lines to one file. Each Append opens the file with
// O_APPEND | O_CREAT (mode 0600; a missing parent directory is created 0700) and writes
// the whole line with one write(2), so lines from concurrent processes never interleave.
// Thread-safe: no state is shared between calls.
class JsonlLog final : public app::DecisionLog {
 public:
  explicit JsonlLog(std::string path) : path_(std::move(path)) {}

  // Appends `record` as one line. Fails with kUnavailable naming the path when the file
  // cannot be opened or fully written.
  [[nodiscard]] Status Append(const nlohmann::ordered_json& record) const;

  // Writes `entry` as a `kind: decision` line (SPEC section 9).
  [[nodiscard]] Status Record(const app::DecisionEntry& entry) override;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Converts a decision entry to its JSON object, fields in the SPEC's order.
nlohmann::ordered_json DecisionEntryToJson(const app::DecisionEntry& entry);

}  // namespace sentinel::audit

#endif  // SENTINEL_AUDIT_JSONL_LOG_H_
