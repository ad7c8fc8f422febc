// `sentinel init` (SPEC 4.7): a config and an example policy where none exist.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"

namespace sentinel::cli {
namespace {

constexpr const char* kExampleConfig =
    R"(# sentinel configuration. Every key is optional; these are the defaults.
# policy: file:~/.config/sentinel/policy.yaml     # or ssm:/sentinel/policies/default
# policy_cache_ttl: 5m
# store: sqlite:~/.local/state/sentinel/sentinel.db
# decision_log: ~/.local/state/sentinel/decisions.jsonl
# notify:
#   webhook: https://hooks.example.com/sentinel
#   webhook_secret_env: SENTINEL_WEBHOOK_SECRET
#   sns_topic_arn: arn:aws:sns:eu-west-1:123456789012:sentinel
)";

constexpr const char* kExamplePolicy =
    R"(# sentinel policy: first matching rule wins; no match denies.
# Check it with `sentinel policy validate`.
version: "1"
rules:
  - name: production-needs-approval
    effect: require_approval
    conditions:
      profiles: [prod]
  - name: developers
    effect: allow
    conditions:
      profiles: [dev, staging]
      users: [alice, bob@example.com]
      time:
        days: [monday, tuesday, wednesday, thursday, friday]
        hours: {start: "07:00", end: "21:00"}
        timezone: UTC
    max_duration: 2h
approvals:
  - name: production-approvers
    profiles: [prod]
    approvers: [carol]
    max_duration: 8h
breakglass:
  - name: on-call
    profiles: [prod]
    users: [alice]
    reason_codes: [incident, security]
    max_duration: 2h
rate_limits:
  - name: production-brakes
    profiles: [prod]
    cooldown: 30m
    max_per_user: 3
    window: 24h
)";

// Creates `path` with `content`, mode 0600, its directory 0700, unless it exists.
// Returns whether it was created.
Result<bool> CreateIfAbsent(const std::string& path, const char* content) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Fail(ErrorCode::kUnavailable, "creating " + parent.string() + ": " + ec.message());
    }
    std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return false;
    }
    return Fail(ErrorCode::kUnavailable, "creating " + path + ": " + std::strerror(errno));
  }
  const std::size_t length = std::strlen(content);
  const bool written = ::write(fd, content, length) == static_cast<ssize_t>(length);
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    return Fail(ErrorCode::kUnavailable, "writing " + path + ": " + std::strerror(errno));
  }
  return true;
}

int RunInit(Context& context) {
  auto settings = context.Settings();
  if (!settings) {
    return ReportError(settings.error());
  }
  nlohmann::ordered_json out;
  auto config = CreateIfAbsent((*settings)->config_path, kExampleConfig);
  if (!config) {
    return ReportError(config.error());
  }
  out["config"] = (*settings)->config_path;
  out["config_created"] = *config;

  const app::PolicyLocation& policy = (*settings)->policy;
  out["policy"] = policy.uri;
  if (policy.kind == app::PolicyLocation::Kind::kFile) {
    auto created = CreateIfAbsent(policy.path, kExamplePolicy);
    if (!created) {
      return ReportError(created.error());
    }
    out["policy_created"] = *created;
  } else {
    out["policy_created"] = false;
  }

  auto store = context.OpenStore();
  if (!store) {
    return ReportError(store.error());
  }
  out["store"] = (*settings)->store.uri;
  std::puts(out.dump().c_str());
  return kExitOk;
}

}  // namespace

// The example policy `init` writes; it must always validate (tested).
std::string_view ExamplePolicy() { return kExamplePolicy; }

void RegisterInit(CLI::App& app, CommandAction& action) {
  CLI::App* command =
      app.add_subcommand("init", "create the config, an example policy and the state store");
  command->callback([&action] { action = [](Context& context) { return RunInit(context); }; });
}

}  // namespace sentinel::cli
