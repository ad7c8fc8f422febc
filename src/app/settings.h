// sentinel's own configuration file (SPEC section 2).
#ifndef SENTINEL_APP_SETTINGS_H_
#define SENTINEL_APP_SETTINGS_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sentinel::app {

// Looks up an environment variable; returns nullopt when it is unset or empty.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Where the policy comes from.
struct PolicyLocation {
  enum class Kind { kFile, kSsm };
  Kind kind = Kind::kFile;
  std::string path;  // file path (with ~ expanded) or SSM parameter name
  std::string uri;   // as written, normalised: "file:/home/a/p.yaml", "ssm:/sentinel/p"
};

// Where requests and break-glass events are kept.
struct StoreLocation {
  enum class Kind { kSqlite, kDynamoDb };
  Kind kind = Kind::kSqlite;
  std::string sqlite_path;                               // for kSqlite, ~ expanded
  std::string requests_table = "sentinel-requests";      // for kDynamoDb
  std::string breakglass_table = "sentinel-breakglass";  // for kDynamoDb
  std::optional<std::string> region;                     // for kDynamoDb
  std::string uri;
};

struct NotifySettings {
  std::optional<std::string> webhook;             // http(s) URL
  std::optional<std::string> webhook_secret_env;  // name of the variable holding the secret
  std::optional<std::string> sns_topic_arn;
};

// Every setting, defaults filled in.
struct Settings {
  std::string config_path;  // the file looked at (it may not exist)
  bool config_found = false;
  PolicyLocation policy;
  std::chrono::seconds policy_cache_ttl{300};  // 0: ssm: policies are not cached
  StoreLocation store;
  std::string decision_log;  // path, ~ expanded
  NotifySettings notify;
};

// Finds and loads the configuration: `flag_path` (from --config; must exist), else
// $SENTINEL_CONFIG (must exist), else $XDG_CONFIG_HOME/sentinel/config.yaml or
// ~/.config/sentinel/config.yaml (may be absent: defaults apply). Fails with kInvalidInput
// naming the file, line and key for unknown keys, wrong types and malformed URIs, and for a
// file that cannot be read.
Result<Settings> LoadSettings(const std::optional<std::string>& flag_path, const EnvLookup& env);

// Parses configuration text; `path` names it in errors. Exposed for tests and fuzzing.
Result<Settings> ParseSettings(std::string_view yaml, const std::string& path,
                               const EnvLookup& env);

// Expands a leading "~/" with $HOME. Other paths are returned unchanged.
std::string ExpandHome(std::string_view path, const EnvLookup& env);

// The default locations, from $XDG_CONFIG_HOME / $XDG_STATE_HOME or ~/.config / ~/.local/state.
std::string DefaultConfigDir(const EnvLookup& env);
std::string DefaultStateDir(const EnvLookup& env);

}  // namespace sentinel::app

#endif  // SENTINEL_APP_SETTINGS_H_
