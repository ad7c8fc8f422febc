#include "audit/jsonl_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/time_format.h"

namespace sentinel::audit {
namespace {

Status EnsureParentDirectory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) {
    return {};
  }
  std::error_code ec;
  if (std::filesystem::exists(parent, ec)) {
    return {};
  }
  // Created one level at a time so every new directory gets mode 0700.
  std::filesystem::path partial;
  for (const auto& part : parent) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return Fail(ErrorCode::kUnavailable,
                  "creating directory " + partial.string() + ": " + std::strerror(errno));
    }
  }
  return {};
}

}  // namespace

Status JsonlLog::Append(const nlohmann::ordered_json& record) const {
  const std::string context = "writing decision log " + path_;
  if (auto made = EnsureParentDirectory(path_); !made) {
    return Fail(made.error(), context);
  }

  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';

  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Fail(ErrorCode::kUnavailable, context + ": " + std::strerror(errno));
  }
  const ssize_t written = ::write(fd, line.data(), line.size());
  const int write_errno = errno;
  const int closed = ::close(fd);
  if (written < 0) {
    return Fail(ErrorCode::kUnavailable, context + ": " + std::strerror(write_errno));
  }
  if (static_cast<std::size_t>(written) != line.size()) {
    return Fail(ErrorCode::kUnavailable, context + ": short write (disk full?)");
  }
  if (closed != 0) {
    return Fail(ErrorCode::kUnavailable, context + ": " + std::strerror(errno));
  }
  return {};
}

nlohmann::ordered_json DecisionEntryToJson(const app::DecisionEntry& entry) {
  nlohmann::ordered_json out;
  out["time"] = FormatTime(entry.time);
  out["kind"] = "decision";
  out["user"] = entry.user;
  out["profile"] = entry.profile;
  out["effect"] = entry.effect;
  out["outcome"] = entry.outcome;
  out["rule"] = entry.rule;
  out["rule_index"] = entry.rule_index;
  out["reason"] = entry.reason;
  out["policy"] = entry.policy;
  auto put = [&out](const char* key, const auto& value) {
    if (value) {
      out[key] = *value;
    }
  };
  put("request_id", entry.request_id);
  put("source_identity", entry.source_identity);
  put("role_arn", entry.role_arn);
  put("credential_type", entry.credential_type);
  put("session_duration_seconds", entry.session_duration_seconds);
  if (entry.expiration) {
    out["expiration"] = FormatTime(*entry.expiration);
  }
  put("approved_request_id", entry.approved_request_id);
  put("break_glass_event_id", entry.break_glass_event_id);
  return out;
}

Status JsonlLog::Record(const app::DecisionEntry& entry) {
  return Append(DecisionEntryToJson(entry));
}

}  // namespace sentinel::audit
