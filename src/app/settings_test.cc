#include "app/settings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace sentinel::app {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end() || it->second.empty()) {
      return std::nullopt;
    }
    return it->second;
  };
}

TEST(SettingsTest, DefaultsFollowXdgAndHome) {
  auto settings = ParseSettings("", "/c.yaml", Env({{"HOME", "/home/a"}}));
  ASSERT_TRUE(settings.has_value());
  EXPECT_EQ(settings->policy.uri, "file:/home/a/.config/sentinel/policy.yaml");
  EXPECT_EQ(settings->store.sqlite_path, "/home/a/.local/state/sentinel/sentinel.db");
  EXPECT_EQ(settings->decision_log, "/home/a/.local/state/sentinel/decisions.jsonl");
  EXPECT_EQ(settings->policy_cache_ttl.count(), 300);

  auto xdg = ParseSettings(
      "", "/c.yaml",
      Env({{"HOME", "/home/a"}, {"XDG_CONFIG_HOME", "/x/c"}, {"XDG_STATE_HOME", "/x/s"}}));
  ASSERT_TRUE(xdg.has_value());
  EXPECT_EQ(xdg->policy.path, "/x/c/sentinel/policy.yaml");
  EXPECT_EQ(xdg->decision_log, "/x/s/sentinel/decisions.jsonl");
}

TEST(SettingsTest, ParsesEveryKey) {
  const char* yaml = R"(policy: ssm:/sentinel/policies/default
policy_cache_ttl: 1m30s
store: dynamodb:?requests=r&breakglass=b&region=eu-west-1
decision_log: ~/logs/d.jsonl
notify:
  webhook: https://hooks.example.com/sentinel
  webhook_secret_env: SENTINEL_WEBHOOK_SECRET
  sns_topic_arn: arn:aws:sns:eu-west-1:123456789012:sentinel
)";
  auto settings = ParseSettings(yaml, "/c.yaml", Env({{"HOME", "/h"}}));
  ASSERT_TRUE(settings.has_value()) << settings.error().message();
  EXPECT_EQ(settings->policy.kind, PolicyLocation::Kind::kSsm);
  EXPECT_EQ(settings->policy.path, "/sentinel/policies/default");
  EXPECT_EQ(settings->policy_cache_ttl.count(), 90);
  EXPECT_EQ(settings->store.kind, StoreLocation::Kind::kDynamoDb);
  EXPECT_EQ(settings->store.requests_table, "r");
  EXPECT_EQ(settings->store.breakglass_table, "b");
  EXPECT_EQ(settings->store.region, "eu-west-1");
  EXPECT_EQ(settings->decision_log, "/h/logs/d.jsonl");
  EXPECT_EQ(settings->notify.webhook, "https://hooks.example.com/sentinel");
  EXPECT_EQ(settings->notify.webhook_secret_env, "SENTINEL_WEBHOOK_SECRET");
  EXPECT_EQ(settings->notify.sns_topic_arn, "arn:aws:sns:eu-west-1:123456789012:sentinel");
}

TEST(SettingsTest, ZeroPolicyCacheTtlTurnsTheCacheOff) {
  auto settings = ParseSettings("policy_cache_ttl: 0s\n", "/c.yaml", Env({{"HOME", "/h"}}));
  ASSERT_TRUE(settings.has_value()) << settings.error().message();
  EXPECT_EQ(settings->policy_cache_ttl.count(), 0);
}

TEST(SettingsTest, ErrorsNameFileLineAndKey) {
  const struct {
    const char* yaml;
    const char* want;
  } cases[] = {
      {"polcy: file:/p.yaml\n", "/c.yaml: line 1, column 8: unknown key 'polcy'"},
      {"store: sqlite:/s.db\npolicy: http://x\n", "line 2, column 9: 'policy': invalid policy URI"},
      {"store: mysql://x\n", "line 1, column 8: 'store': invalid store URI 'mysql://x'"},
      {"store: dynamodb:?tables=x\n", "unknown option 'tables'"},
      {"policy_cache_ttl: 5 minutes\n", "line 1, column 19: 'policy_cache_ttl': invalid duration"},
      {"notify:\n  webhok: https://x\n", "line 2, column 3: unknown key 'notify.webhok'"},
      {"notify:\n  webhook: ftp://x\n",
       "line 2, column 12: 'notify.webhook' must be an http(s) URL"},
      {"notify:\n  sns_topic_arn: topic\n", "'notify.sns_topic_arn' must be an SNS topic ARN"},
      {"notify: yes\n", "'notify' must be a mapping"},
      {"policy: [a, b]\n", "line 1, column 9: 'policy' must be a string"},
      {"- a\n- b\n", "the configuration must be a mapping"},
      {"policy: 'unterminated\n", "/c.yaml: line"},
      {"decision_log:\n", "'decision_log' must be a string"},
  };
  for (const auto& c : cases) {
    auto settings = ParseSettings(c.yaml, "/c.yaml", Env({{"HOME", "/h"}}));
    ASSERT_FALSE(settings.has_value()) << c.yaml;
    EXPECT_EQ(settings.error().code(), ErrorCode::kInvalidInput) << c.yaml;
    EXPECT_NE(settings.error().message().find(c.want), std::string::npos)
        << c.yaml << " -> " << settings.error().message();
  }
}

TEST(SettingsTest, TruncatedConfigNeverCrashes) {
  const std::string yaml =
      "policy: file:/p.yaml\nstore: sqlite:/s.db\nnotify:\n  webhook: https://h/x\n";
  for (std::size_t n = 0; n <= yaml.size(); ++n) {
    auto settings = ParseSettings(yaml.substr(0, n), "/c.yaml", Env({{"HOME", "/h"}}));
    if (!settings.has_value()) {
      EXPECT_NE(settings.error().message().find("/c.yaml"), std::string::npos);
    }
  }
}

TEST(SettingsTest, LoadSettingsFindsFilesInOrder) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "sentinel-settings";
  std::filesystem::create_directories(dir / "sentinel");
  std::ofstream(dir / "sentinel" / "config.yaml") << "decision_log: /from-xdg\n";
  std::ofstream(dir / "env.yaml") << "decision_log: /from-env\n";

  auto env = Env({{"HOME", "/h"}, {"XDG_CONFIG_HOME", dir.string()}});
  auto from_xdg = LoadSettings(std::nullopt, env);
  ASSERT_TRUE(from_xdg.has_value());
  EXPECT_EQ(from_xdg->decision_log, "/from-xdg");

  auto env2 = Env({{"HOME", "/h"},
                   {"XDG_CONFIG_HOME", dir.string()},
                   {"SENTINEL_CONFIG", (dir / "env.yaml").string()}});
  auto from_env = LoadSettings(std::nullopt, env2);
  ASSERT_TRUE(from_env.has_value());
  EXPECT_EQ(from_env->decision_log, "/from-env");

  auto missing_flag = LoadSettings((dir / "nope.yaml").string(), env2);
  ASSERT_FALSE(missing_flag.has_value());
  EXPECT_NE(missing_flag.error().message().find("nope.yaml"), std::string::npos);

  auto absent_default = LoadSettings(std::nullopt, Env({{"HOME", "/nonexistent-home"}}));
  ASSERT_TRUE(absent_default.has_value());
  EXPECT_FALSE(absent_default->config_found);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sentinel::app
