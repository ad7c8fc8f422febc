#include "app/settings.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/duration.h"

namespace sentinel::app {
namespace {

// Builds "<path>: line L, column C: <what>" for a node.
Error At(const std::string& path, const YAML::Mark& mark, const std::string& what) {
  std::string where = path;
  if (mark.line >= 0) {
    where +=
        ": line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
  }
  return Error(ErrorCode::kInvalidInput, where + ": " + what);
}

Result<std::string> ScalarOf(const YAML::Node& node, const std::string& key,
                             const std::string& path) {
  if (!node.IsScalar()) {
    return std::unexpected(At(path, node.Mark(), "'" + key + "' must be a string"));
  }
  std::string value = node.Scalar();
  if (value.empty()) {
    return std::unexpected(At(path, node.Mark(), "'" + key + "' must not be empty"));
  }
  return value;
}

bool IsHttpUrl(std::string_view url) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (url.starts_with(scheme) && url.size() > scheme.size() &&
        url.find_first_of(" \t\r\n") == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

bool IsSsmName(std::string_view name) {
  if (name.empty() || name.size() > 2048) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-' || c == '/';
    if (!ok) {
      return false;
    }
  }
  return true;
}

Result<PolicyLocation> ParsePolicyUri(const std::string& uri, const EnvLookup& env) {
  PolicyLocation location;
  if (uri.starts_with("file:") && uri.size() > 5) {
    location.kind = PolicyLocation::Kind::kFile;
    location.path = ExpandHome(uri.substr(5), env);
    location.uri = "file:" + location.path;
    return location;
  }
  if (uri.starts_with("ssm:") && IsSsmName(uri.substr(4))) {
    location.kind = PolicyLocation::Kind::kSsm;
    location.path = uri.substr(4);
    location.uri = uri;
    return location;
  }
  return Fail(ErrorCode::kInvalidInput,
              "invalid policy URI '" + uri + "': expected file:PATH or ssm:/PARAMETER/NAME");
}

// Parses "a=b&c=d" into the DynamoDB store's options.
Status ParseDynamoOptions(std::string_view query, StoreLocation& store) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == pair.size()) {
      return Fail(ErrorCode::kInvalidInput, "expected key=value, got '" + std::string(pair) + "'");
    }
    const std::string key(pair.substr(0, eq));
    const std::string value(pair.substr(eq + 1));
    if (key == "requests") {
      store.requests_table = value;
    } else if (key == "breakglass") {
      store.breakglass_table = value;
    } else if (key == "region") {
      store.region = value;
    } else {
      return Fail(ErrorCode::kInvalidInput,
                  "unknown option '" + key + "' (known: requests, breakglass, region)");
    }
  }
  return {};
}

Result<StoreLocation> ParseStoreUri(const std::string& uri, const EnvLookup& env) {
  StoreLocation store;
  store.uri = uri;
  if (uri.starts_with("sqlite:") && uri.size() > 7) {
    store.kind = StoreLocation::Kind::kSqlite;
    store.sqlite_path = ExpandHome(uri.substr(7), env);
    return store;
  }
  if (uri.starts_with("dynamodb:")) {
    store.kind = StoreLocation::Kind::kDynamoDb;
    std::string_view rest = std::string_view(uri).substr(9);
    if (rest.starts_with("?")) {
      rest.remove_prefix(1);
    } else if (!rest.empty()) {
      return Fail(ErrorCode::kInvalidInput,
                  "invalid store URI '" + uri + "': expected dynamodb:?requests=T&breakglass=T");
    }
    if (auto parsed = ParseDynamoOptions(rest, store); !parsed) {
      return Fail(parsed.error(), "invalid store URI '" + uri + "'");
    }
    return store;
  }
  return Fail(ErrorCode::kInvalidInput,
              "invalid store URI '" + uri + "': expected sqlite:PATH or dynamodb:?OPTIONS");
}

Status ParseNotify(const YAML::Node& node, const std::string& path, NotifySettings& notify) {
  if (!node.IsMap()) {
    return std::unexpected(At(path, node.Mark(), "'notify' must be a mapping"));
  }
  for (const auto& item : node) {
    const std::string key = item.first.Scalar();
    auto value = ScalarOf(item.second, "notify." + key, path);
    if (!value) {
      return std::unexpected(value.error());
    }
    if (key == "webhook") {
      if (!IsHttpUrl(*value)) {
        return std::unexpected(
            At(path, item.second.Mark(), "'notify.webhook' must be an http(s) URL"));
      }
      notify.webhook = *value;
    } else if (key == "webhook_secret_env") {
      notify.webhook_secret_env = *value;
    } else if (key == "sns_topic_arn") {
      if (!value->starts_with("arn:") || std::count(value->begin(), value->end(), ':') != 5) {
        return std::unexpected(
            At(path, item.second.Mark(), "'notify.sns_topic_arn' must be an SNS topic ARN"));
      }
      notify.sns_topic_arn = *value;
    } else {
      return std::unexpected(At(
          path, item.first.Mark(),
          "unknown key 'notify." + key + "' (known: webhook, webhook_secret_env, sns_topic_arn)"));
    }
  }
  return {};
}

Settings Defaults(const EnvLookup& env) {
  Settings settings;
  const std::string config_dir = DefaultConfigDir(env);
  const std::string state_dir = DefaultStateDir(env);
  settings.policy.kind = PolicyLocation::Kind::kFile;
  settings.policy.path = config_dir + "/policy.yaml";
  settings.policy.uri = "file:" + settings.policy.path;
  settings.store.kind = StoreLocation::Kind::kSqlite;
  settings.store.sqlite_path = state_dir + "/sentinel.db";
  settings.store.uri = "sqlite:" + settings.store.sqlite_path;
  settings.decision_log = state_dir + "/decisions.jsonl";
  return settings;
}

// Applies one top-level key to `settings`.
Status ApplyKey(const std::string& key, const YAML::Node& value, const std::string& path,
                const EnvLookup& env, Settings& settings) {
  if (key == "notify") {
    return ParseNotify(value, path, settings.notify);
  }
  auto text = ScalarOf(value, key, path);
  if (!text) {
    return std::unexpected(text.error());
  }
  Result<void> applied;
  if (key == "policy") {
    auto location = ParsePolicyUri(*text, env);
    if (location) {
      settings.policy = *location;
    } else {
      applied = std::unexpected(location.error());
    }
  } else if (key == "policy_cache_ttl") {
    auto ttl = ParseDurationOrZero(*text);  // 0s: no cache
    if (ttl) {
      settings.policy_cache_ttl = *ttl;
    } else {
      applied = std::unexpected(ttl.error());
    }
  } else if (key == "store") {
    auto store = ParseStoreUri(*text, env);
    if (store) {
      settings.store = *store;
    } else {
      applied = std::unexpected(store.error());
    }
  } else if (key == "decision_log") {
    settings.decision_log = ExpandHome(*text, env);
  } else {
    return std::unexpected(
        At(path, value.Mark(),
           "unknown key '" + key +
               "' (known: policy, policy_cache_ttl, store, decision_log, notify)"));
  }
  if (!applied) {
    return std::unexpected(At(path, value.Mark(), "'" + key + "': " + applied.error().message()));
  }
  return {};
}

}  // namespace

std::string ExpandHome(std::string_view path, const EnvLookup& env) {
  if (path == "~" || path.starts_with("~/")) {
    const std::string home = env("HOME").value_or("");
    return home + std::string(path.substr(1));
  }
  return std::string(path);
}

std::string DefaultConfigDir(const EnvLookup& env) {
  if (auto xdg = env("XDG_CONFIG_HOME"); xdg && xdg->starts_with("/")) {
    return *xdg + "/sentinel";
  }
  return ExpandHome("~/.config/sentinel", env);
}

std::string DefaultStateDir(const EnvLookup& env) {
  if (auto xdg = env("XDG_STATE_HOME"); xdg && xdg->starts_with("/")) {
    return *xdg + "/sentinel";
  }
  return ExpandHome("~/.local/state/sentinel", env);
}

Result<Settings> ParseSettings(std::string_view yaml, const std::string& path,
                               const EnvLookup& env) {
  Settings settings = Defaults(env);
  settings.config_path = path;
  settings.config_found = true;

  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return std::unexpected(At(path, e.mark, "invalid YAML: " + e.msg));
  }
  if (root.IsNull()) {
    return settings;  // an empty file means all defaults
  }
  if (!root.IsMap()) {
    return std::unexpected(At(path, root.Mark(), "the configuration must be a mapping"));
  }
  try {
    for (const auto& item : root) {
      if (!item.first.IsScalar()) {
        return std::unexpected(At(path, item.first.Mark(), "keys must be strings"));
      }
      if (auto applied = ApplyKey(item.first.Scalar(), item.second, path, env, settings);
          !applied) {
        return std::unexpected(applied.error());
      }
    }
  } catch (const YAML::Exception& e) {
    return std::unexpected(At(path, e.mark, e.msg));
  }
  return settings;
}

Result<Settings> LoadSettings(const std::optional<std::string>& flag_path, const EnvLookup& env) {
  std::string path;
  bool must_exist = true;
  if (flag_path) {
    path = ExpandHome(*flag_path, env);
  } else if (auto from_env = env("SENTINEL_CONFIG")) {
    path = ExpandHome(*from_env, env);
  } else {
    path = DefaultConfigDir(env) + "/config.yaml";
    must_exist = false;
  }

  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    if (!must_exist && !std::filesystem::exists(path, ec)) {
      Settings settings = Defaults(env);
      settings.config_path = path;
      return settings;
    }
    return Fail(ErrorCode::kInvalidInput, "reading config " + path + ": cannot open file",
                "check the path given by --config or SENTINEL_CONFIG");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseSettings(text.str(), path, env);
}

}  // namespace sentinel::app
