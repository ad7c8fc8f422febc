#include "aws/credential_chain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/time_format.h"

namespace sentinel::aws {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kConfigPath[] = "/home/u/.aws/config";
constexpr char kCredentialsPath[] = "/home/u/.aws/credentials";

// Every secret the fixtures hold; none may ever show up in a message.
const std::vector<std::string>& Secrets() {
  static const std::vector<std::string> secrets = {"SECRETcreds0000000000000000000000000000",
                                                   "SECRETconfig000000000000000000000000000",
                                                   "SECRETenv000000000000000000000000000000",
                                                   "SECRETprocess00000000000000000000000000",
                                                   "TOKENcreds",
                                                   "TOKENenv",
                                                   "TOKENprocess"};
  return secrets;
}

// Answers credential processes from a table of command -> output; records the calls.
class FakeRunner final : public ProcessRunner {
 public:
  Result<ProcessOutput> Run(std::string_view command) override {
    calls.emplace_back(command);
    const auto it = outputs.find(std::string(command));
    if (it == outputs.end()) {
      return ProcessOutput{127, 0, ""};
    }
    return it->second;
  }

  std::map<std::string, ProcessOutput> outputs = {
      {"fetch-creds",
       {0, 0,
        R"({"Version":1,"AccessKeyId":"AKIAPROCESS","SecretAccessKey":"SECRETprocess00000000000000000000000000","SessionToken":"TOKENprocess","Expiration":"2026-12-03T17:04:05Z"})"}},
      {"fail-creds", {3, 0, ""}},
      {"bad-creds", {0, 0, "oops SECRETprocess00000000000000000000000000"}},
  };
  std::vector<std::string> calls;
};

SharedConfig Config(std::string_view config, std::string_view credentials = "") {
  Result<SharedConfig> shared =
      SharedConfig::FromText(config, kConfigPath, credentials, kCredentialsPath);
  EXPECT_TRUE(shared.has_value()) << shared.error().message();
  return shared.has_value() ? std::move(*shared) : SharedConfig::FromText("", "c", "", "k").value();
}

// A credentials file where [base] holds keys.
constexpr char kBaseKeys[] =
    "[base]\n"
    "aws_access_key_id = AKIACREDS\n"
    "aws_secret_access_key = SECRETcreds0000000000000000000000000000\n"
    "aws_session_token = TOKENcreds\n";

MapEnvironment EnvWithKeys() {
  return MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                         {"AWS_SECRET_ACCESS_KEY", "SECRETenv000000000000000000000000000000"},
                         {"AWS_SESSION_TOKEN", "TOKENenv"}});
}

std::vector<std::string> RoleNames(const CredentialSource& source) {
  std::vector<std::string> names;
  for (const Profile& profile : source.role_chain) {
    names.push_back(profile.name);
  }
  return names;
}

TEST(ResolveProfileSourceTest, UsesTheSourceProfilesKeysAndIgnoresTheEnvironment) {
  const SharedConfig config = Config(
      "[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\n",
      kBaseKeys);
  FakeRunner runner;
  Result<CredentialSource> source = ResolveProfileSource(config, "prod", EnvWithKeys(), runner);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->kind, CredentialKind::kStaticKeys);
  EXPECT_EQ(source->profile, "prod");
  EXPECT_EQ(source->holder, "base");
  EXPECT_EQ(source->credentials.access_key_id, "AKIACREDS");
  EXPECT_EQ(source->credentials.secret_access_key.Reveal(), Secrets()[0]);
  EXPECT_EQ(source->credentials.session_token.Reveal(), "TOKENcreds");
  EXPECT_EQ(source->description,
            "static keys of profile 'base' (/home/u/.aws/credentials: line 2)");
  EXPECT_TRUE(source->role_chain.empty());
  EXPECT_TRUE(runner.calls.empty());
}

TEST(ResolveProfileSourceTest, RunsTheSourceProfilesCredentialProcess) {
  const SharedConfig config = Config(
      "[profile base]\ncredential_process = fetch-creds\n"
      "[profile prod]\nrole_arn = r\nsource_profile = base\n");
  FakeRunner runner;
  Result<CredentialSource> source = ResolveProfileSource(config, "prod", MapEnvironment(), runner);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->kind, CredentialKind::kCredentialProcess);
  EXPECT_EQ(source->holder, "base");
  EXPECT_EQ(source->credentials.access_key_id, "AKIAPROCESS");
  EXPECT_EQ(source->credentials.session_token.Reveal(), "TOKENprocess");
  EXPECT_EQ(FormatTime(*source->credentials.expiration), "2026-12-03T17:04:05Z");
  EXPECT_EQ(source->description,
            "credential_process of profile 'base' (/home/u/.aws/config: line 2)");
  EXPECT_EQ(runner.calls, std::vector<std::string>{"fetch-creds"});
}

// The CLI's profile chain: keys in the credentials file, then credential_process, then
// keys in the config file.
TEST(ResolveProfileSourceTest, AProfilesOwnCredentialsFollowTheCliOrder) {
  const struct {
    const char* config;
    const char* credentials;
    CredentialKind kind;
    const char* access_key_id;
  } cases[] = {
      {"[profile base]\ncredential_process = fetch-creds\n", kBaseKeys, CredentialKind::kStaticKeys,
       "AKIACREDS"},
      {"[profile base]\ncredential_process = fetch-creds\naws_access_key_id = AKIACONFIG\n"
       "aws_secret_access_key = SECRETconfig000000000000000000000000000\n",
       "", CredentialKind::kCredentialProcess, "AKIAPROCESS"},
      {"[profile base]\naws_access_key_id = AKIACONFIG\n"
       "aws_secret_access_key = SECRETconfig000000000000000000000000000\n",
       "", CredentialKind::kStaticKeys, "AKIACONFIG"},
      {"[profile base]\naws_access_key_id = AKIACONFIG\n"
       "aws_secret_access_key = SECRETconfig000000000000000000000000000\n",
       kBaseKeys, CredentialKind::kStaticKeys, "AKIACREDS"},
  };
  for (const auto& c : cases) {
    for (const char* target : {"base", "prod"}) {
      const SharedConfig config =
          Config(std::string(c.config) + "[profile prod]\nrole_arn = r\nsource_profile = base\n",
                 c.credentials);
      FakeRunner runner;
      Result<CredentialSource> source =
          ResolveProfileSource(config, target, MapEnvironment(), runner);
      ASSERT_TRUE(source.has_value()) << c.config << source.error().message();
      EXPECT_EQ(source->kind, c.kind) << c.config << target;
      EXPECT_EQ(source->credentials.access_key_id, c.access_key_id) << c.config << target;
      EXPECT_EQ(source->holder, "base");
    }
  }
}

TEST(ResolveProfileSourceTest, CollectsIntermediateRolesInAssumingOrder) {
  const SharedConfig config = Config(
      "[profile target]\nrole_arn = arn:t\nsource_profile = near\n"
      "[profile near]\nrole_arn = arn:near\nsource_profile = far\nexternal_id = x-near\n"
      "[profile far]\nrole_arn = arn:far\nsource_profile = base\n",
      kBaseKeys);
  FakeRunner runner;
  Result<CredentialSource> source =
      ResolveProfileSource(config, "target", MapEnvironment(), runner);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->holder, "base");
  EXPECT_EQ(source->profile, "target");
  EXPECT_THAT(RoleNames(*source), ElementsAre("far", "near"));
  EXPECT_EQ(source->role_chain[0].role_arn, "arn:far");
  EXPECT_EQ(source->role_chain[1].external_id, "x-near");
}

TEST(ResolveProfileSourceTest, StaticKeysBeatTheSourceProfilesOwnRole) {
  const SharedConfig config = Config(
      "[profile prod]\nrole_arn = arn:prod\nsource_profile = base\n"
      "[profile base]\nrole_arn = arn:base\nsource_profile = elsewhere\n",
      kBaseKeys);
  FakeRunner runner;
  Result<CredentialSource> source = ResolveProfileSource(config, "prod", MapEnvironment(), runner);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->holder, "base");
  EXPECT_TRUE(source->role_chain.empty());
}

TEST(ResolveProfileSourceTest, ASourceProfileWithoutARoleHoldsTheCredentials) {
  // `mid` has no role_arn, so like the CLI sentinel stops there: its source_profile is
  // not followed, and its credential_process gives the credentials.
  const SharedConfig config = Config(
      "[profile prod]\nrole_arn = arn:prod\nsource_profile = mid\n"
      "[profile mid]\nsource_profile = base\ncredential_process = fetch-creds\n",
      kBaseKeys);
  FakeRunner runner;
  Result<CredentialSource> source = ResolveProfileSource(config, "prod", MapEnvironment(), runner);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->holder, "mid");
  EXPECT_EQ(source->kind, CredentialKind::kCredentialProcess);
}

TEST(ResolveProfileSourceTest, AProfileMayBeItsOwnSourceWhenItHoldsKeys) {
  const SharedConfig config =
      Config("[profile base]\nrole_arn = arn:base\nsource_profile = base\n", kBaseKeys);
  FakeRunner runner;
  Result<CredentialSource> source = ResolveProfileSource(config, "base", MapEnvironment(), runner);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->kind, CredentialKind::kStaticKeys);
  EXPECT_EQ(source->holder, "base");
  EXPECT_EQ(source->profile, "base");
  EXPECT_TRUE(source->role_chain.empty());
}

TEST(ResolveProfileSourceTest, ATargetWithoutSourceProfileTakesEnvironmentKeysFirst) {
  const SharedConfig config =
      Config("[profile dev]\nrole_arn = arn:dev\n",
             "[dev]\n"
             "aws_access_key_id = AKIACREDS\n"
             "aws_secret_access_key = SECRETcreds0000000000000000000000000000\n");
  FakeRunner runner;
  Result<CredentialSource> source = ResolveProfileSource(config, "dev", EnvWithKeys(), runner);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->kind, CredentialKind::kEnvironment);
  EXPECT_EQ(source->profile, "dev");
  EXPECT_EQ(source->holder, "");
  EXPECT_EQ(source->credentials.access_key_id, "AKIAENV");
  EXPECT_EQ(source->credentials.session_token.Reveal(), "TOKENenv");
  EXPECT_EQ(source->description,
            "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");

  source = ResolveProfileSource(config, "dev", MapEnvironment(), runner);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->kind, CredentialKind::kStaticKeys);
  EXPECT_EQ(source->credentials.access_key_id, "AKIACREDS");
  EXPECT_TRUE(source->credentials.session_token.empty());
}

TEST(ResolveProfileSourceTest, ATargetWithoutSourceProfileMayUseItsProcess) {
  const SharedConfig config = Config("[profile gated]\ncredential_process = fetch-creds\n");
  FakeRunner runner;
  Result<CredentialSource> source = ResolveProfileSource(config, "gated", MapEnvironment(), runner);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->kind, CredentialKind::kCredentialProcess);
  EXPECT_EQ(source->holder, "gated");
}

TEST(ResolveProfileSourceTest, HonoursCredentialSourceEnvironment) {
  const SharedConfig config = Config(
      "[profile direct]\nrole_arn = arn:direct\ncredential_source = Environment\n"
      "[profile prod]\nrole_arn = arn:prod\nsource_profile = hop\n"
      "[profile hop]\nrole_arn = arn:hop\ncredential_source = Environment\n");
  FakeRunner runner;
  for (const char* name : {"direct", "prod"}) {
    Result<CredentialSource> source = ResolveProfileSource(config, name, EnvWithKeys(), runner);
    ASSERT_TRUE(source.has_value()) << name << ": " << source.error().message();
    EXPECT_EQ(source->kind, CredentialKind::kEnvironment) << name;
    EXPECT_EQ(source->credentials.access_key_id, "AKIAENV") << name;
  }
  Result<CredentialSource> prod = ResolveProfileSource(config, "prod", EnvWithKeys(), runner);
  EXPECT_THAT(RoleNames(*prod), ElementsAre("hop"));
}

struct ErrorCase {
  const char* name;
  std::string config;
  std::string credentials;
  const char* profile;
  ErrorCode code;
  std::string message;
  std::string hint;  // "" to skip
};

std::vector<ErrorCase> ProfileErrorCases() {
  const std::string keys = kBaseKeys;
  return {
      {"unknown profile", "[profile prod]\n", "", "prodd", ErrorCode::kNotFound,
       "profile 'prodd' not found in /home/u/.aws/config or /home/u/.aws/credentials",
       "known profiles: 'prod'"},
      {"missing source", "[profile prod]\nrole_arn = r\nsource_profile = bsae\n", keys, "prod",
       ErrorCode::kInvalidInput,
       "profile 'prod': source_profile: profile 'bsae' not found in /home/u/.aws/config or "
       "/home/u/.aws/credentials",
       "known profiles: 'base', 'prod'"},
      {"two-profile cycle",
       "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\n"
       "source_profile = a\n",
       "", "a", ErrorCode::kInvalidInput, "profile 'a': source_profile cycle: a -> b -> a", ""},
      {"self cycle without keys", "[profile a]\nrole_arn = r\nsource_profile = a\n", "", "a",
       ErrorCode::kInvalidInput, "profile 'a': source_profile cycle: a -> a",
       "a profile may name itself as source_profile only when it holds aws_access_key_id and "
       "aws_secret_access_key"},
      {"self cycle further on",
       "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\n"
       "source_profile = b\n",
       "", "a", ErrorCode::kInvalidInput, "profile 'a': source_profile cycle: a -> b -> b", ""},
      {"long cycle",
       "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\n"
       "source_profile = c\n[profile c]\nrole_arn = r\nsource_profile = b\n",
       "", "a", ErrorCode::kInvalidInput, "profile 'a': source_profile cycle: a -> b -> c -> b",
       ""},
      {"source without credentials",
       "[profile prod]\nrole_arn = r\nsource_profile = base\n"
       "[profile base]\nregion = eu-west-1\n",
       "", "prod", ErrorCode::kInvalidInput,
       "profile 'prod': source_profile 'base' has no credentials: no aws_access_key_id and "
       "aws_secret_access_key and no credential_process",
       "add keys under [base] in /home/u/.aws/credentials, or 'credential_process = COMMAND' "
       "under [profile base] in /home/u/.aws/config"},
      {"profile without credentials", "[profile dev]\nregion = eu-west-1\n", "", "dev",
       ErrorCode::kInvalidInput,
       "profile 'dev' has no credentials: no source_profile, no aws_access_key_id and "
       "aws_secret_access_key, no credential_process, and AWS_ACCESS_KEY_ID is not set",
       "add 'source_profile = NAME' or 'credential_process = COMMAND' under [profile dev] in "
       "/home/u/.aws/config, or keys under [dev] in /home/u/.aws/credentials"},
      {"default without credentials", "[default]\nregion = eu-west-1\n", "", "default",
       ErrorCode::kInvalidInput, "profile 'default' has no credentials",
       "add 'source_profile = NAME' or 'credential_process = COMMAND' under [default] in "
       "/home/u/.aws/config, or keys under [default] in /home/u/.aws/credentials"},
      {"key id without secret", "[profile prod]\nrole_arn = r\nsource_profile = base\n",
       "[base]\naws_access_key_id = AKIA\n", "prod", ErrorCode::kInvalidInput,
       "/home/u/.aws/credentials: line 2: profile 'base': aws_access_key_id is set but "
       "aws_secret_access_key is not",
       ""},
      {"secret without key id", "[profile dev]\n",
       "[dev]\naws_secret_access_key = SECRETcreds0000000000000000000000000000\n", "dev",
       ErrorCode::kInvalidInput,
       "/home/u/.aws/credentials: line 2: profile 'dev': aws_secret_access_key is set but "
       "aws_access_key_id is not",
       ""},
      {"role without source",
       "[profile prod]\nrole_arn = r\nsource_profile = mid\n[profile mid]\nrole_arn = r2\n"
       "credential_process = fetch-creds\n",
       "", "prod", ErrorCode::kInvalidInput,
       "profile 'prod': source_profile 'mid' has role_arn but neither source_profile nor "
       "credential_source",
       "a profile with role_arn takes its credentials from source_profile, so its "
       "credential_process is not used"},
      {"both sources",
       "[profile prod]\nrole_arn = r\nsource_profile = base\n"
       "credential_source = Environment\n",
       keys, "prod", ErrorCode::kInvalidInput,
       "/home/u/.aws/config: line 4: profile 'prod': has both source_profile and "
       "credential_source; keep one",
       ""},
      {"unsupported credential_source",
       "[profile prod]\nrole_arn = r\ncredential_source = Ec2InstanceMetadata\n", "", "prod",
       ErrorCode::kInvalidInput,
       "/home/u/.aws/config: line 3: profile 'prod': credential_source 'Ec2InstanceMetadata' is "
       "not supported (only Environment is)",
       "use source_profile = NAME to name a profile that holds keys"},
      {"credential_source without keys",
       "[profile prod]\nrole_arn = r\ncredential_source = Environment\n", "", "prod",
       ErrorCode::kInvalidInput,
       "profile 'prod': credential_source is Environment, but AWS_ACCESS_KEY_ID is not set", ""},
      {"failing process",
       "[profile prod]\nrole_arn = r\nsource_profile = base\n"
       "[profile base]\ncredential_process = fail-creds\n",
       "", "prod", ErrorCode::kUnavailable,
       "credential_process for profile 'base': exited with status 3", ""},
      {"bad process output",
       "[profile prod]\nrole_arn = r\nsource_profile = base\n"
       "[profile base]\ncredential_process = bad-creds\n",
       "", "prod", ErrorCode::kInvalidInput,
       "credential_process for profile 'base': output is not valid JSON (error at byte 1)", ""},
      {"invalid target setting",
       "[profile prod]\nrole_arn = r\nsource_profile = base\n"
       "duration_seconds = 60\n",
       keys, "prod", ErrorCode::kInvalidInput,
       "/home/u/.aws/config: line 4: profile 'prod': duration_seconds must be a whole number of "
       "seconds from 900 to 43200, got '60'",
       ""},
      {"invalid source setting",
       "[profile prod]\nrole_arn = r\nsource_profile = base\n"
       "[profile base]\nrole_arn =\n",
       keys, "prod", ErrorCode::kInvalidInput,
       "profile 'prod': source_profile: /home/u/.aws/config: line 5: profile 'base': role_arn "
       "is empty",
       ""},
  };
}

TEST(ResolveProfileSourceTest, EveryErrorSaysWhatIsWrong) {
  for (const ErrorCase& c : ProfileErrorCases()) {
    const SharedConfig config = Config(c.config, c.credentials);
    FakeRunner runner;
    Result<CredentialSource> source =
        ResolveProfileSource(config, c.profile, MapEnvironment(), runner);
    ASSERT_FALSE(source.has_value()) << c.name;
    EXPECT_EQ(source.error().code(), c.code) << c.name;
    EXPECT_THAT(source.error().message(), ::testing::StartsWith(c.message)) << c.name;
    if (!c.hint.empty()) {
      EXPECT_EQ(source.error().hint(), c.hint) << c.name;
    }
  }
}

TEST(EnvironmentCredentialsTest, FollowsTheSdkRules) {
  Result<std::optional<Credentials>> none = EnvironmentCredentials(
      MapEnvironment({{"AWS_SECRET_ACCESS_KEY", "SECRETenv000000000000000000000000000000"},
                      {"AWS_ACCESS_KEY_ID", ""}}));
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());  // a secret alone, or an empty key id, is no credentials

  Result<std::optional<Credentials>> full = EnvironmentCredentials(
      MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                      {"AWS_SECRET_ACCESS_KEY", "SECRETenv000000000000000000000000000000"},
                      {"AWS_SESSION_TOKEN", "new"},
                      {"AWS_SECURITY_TOKEN", "old"},
                      {"AWS_CREDENTIAL_EXPIRATION", "2026-12-03T18:04:05+01:00"}}));
  ASSERT_TRUE(full.has_value()) << full.error().message();
  ASSERT_TRUE(full->has_value());
  EXPECT_EQ((*full)->access_key_id, "AKIAENV");
  EXPECT_EQ((*full)->session_token.Reveal(), "old");  // botocore reads the older name first
  EXPECT_EQ(FormatTime(*(*full)->expiration), "2026-12-03T17:04:05Z");

  Result<std::optional<Credentials>> half =
      EnvironmentCredentials(MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKIAENV"}}));
  ASSERT_FALSE(half.has_value());
  EXPECT_EQ(half.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(half.error().message(), "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");

  Result<std::optional<Credentials>> expiry = EnvironmentCredentials(
      MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                      {"AWS_SECRET_ACCESS_KEY", "SECRETenv000000000000000000000000000000"},
                      {"AWS_CREDENTIAL_EXPIRATION", "soon"}}));
  ASSERT_FALSE(expiry.has_value());
  EXPECT_THAT(expiry.error().message(),
              ::testing::StartsWith("AWS_CREDENTIAL_EXPIRATION: invalid time 'soon'"));
}

TEST(ResolveDefaultChainTest, PicksTheSourceByPrecedence) {
  const SharedConfig config = Config(
      "[default]\nregion = eu-west-1\n"
      "[profile prod]\nrole_arn = arn:prod\nsource_profile = base\n"
      "[profile other]\ncredential_process = fetch-creds\n",
      std::string(kBaseKeys) +
          "[default]\naws_access_key_id = AKIADEFAULT\n"
          "aws_secret_access_key = SECRETcreds0000000000000000000000000000\n");
  const MapEnvironment with_keys = EnvWithKeys();
  const struct {
    const char* name;
    MapEnvironment env;
    CredentialKind kind;
    const char* profile;
    const char* access_key_id;
  } cases[] = {
      {"environment keys first",
       MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                       {"AWS_SECRET_ACCESS_KEY", "SECRETenv000000000000000000000000000000"},
                       {"AWS_PROFILE", "prod"}}),
       CredentialKind::kEnvironment, "", "AKIAENV"},
      {"AWS_PROFILE", MapEnvironment({{"AWS_PROFILE", "other"}}),
       CredentialKind::kCredentialProcess, "other", "AKIAPROCESS"},
      {"AWS_PROFILE over AWS_DEFAULT_PROFILE",
       MapEnvironment({{"AWS_PROFILE", "other"}, {"AWS_DEFAULT_PROFILE", "prod"}}),
       CredentialKind::kCredentialProcess, "other", "AKIAPROCESS"},
      {"AWS_DEFAULT_PROFILE", MapEnvironment({{"AWS_DEFAULT_PROFILE", "prod"}}),
       CredentialKind::kStaticKeys, "prod", "AKIACREDS"},
      {"empty AWS_PROFILE is unset", MapEnvironment({{"AWS_PROFILE", ""}}),
       CredentialKind::kStaticKeys, "default", "AKIADEFAULT"},
      {"default", MapEnvironment(), CredentialKind::kStaticKeys, "default", "AKIADEFAULT"},
  };
  for (const auto& c : cases) {
    FakeRunner runner;
    Result<CredentialSource> source = ResolveDefaultChain(config, c.env, runner);
    ASSERT_TRUE(source.has_value()) << c.name << ": " << source.error().message();
    EXPECT_EQ(source->kind, c.kind) << c.name;
    EXPECT_EQ(source->profile, c.profile) << c.name;
    EXPECT_EQ(source->credentials.access_key_id, c.access_key_id) << c.name;
  }
}

TEST(ResolveDefaultChainTest, ARoleProfileYieldsItsSourceAndRoles) {
  const SharedConfig config = Config(
      "[profile prod]\nrole_arn = arn:prod\nsource_profile = mid\n"
      "[profile mid]\nrole_arn = arn:mid\nsource_profile = base\n",
      kBaseKeys);
  FakeRunner runner;
  Result<CredentialSource> source =
      ResolveDefaultChain(config, MapEnvironment({{"AWS_PROFILE", "prod"}}), runner);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->profile, "prod");
  EXPECT_EQ(source->holder, "base");
  EXPECT_THAT(RoleNames(*source), ElementsAre("mid"));
}

TEST(ResolveDefaultChainTest, FailsClearlyWhenNothingGivesCredentials) {
  const SharedConfig config = Config("[profile prod]\n");
  FakeRunner runner;
  Result<CredentialSource> none = ResolveDefaultChain(config, MapEnvironment(), runner);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(none.error().message(),
            "no credentials: AWS_ACCESS_KEY_ID and AWS_PROFILE are not set and there is no "
            "[default] profile in /home/u/.aws/config or /home/u/.aws/credentials");
  EXPECT_EQ(none.error().hint(), "set AWS_PROFILE, or pass --aws-profile NAME");

  Result<CredentialSource> unknown =
      ResolveDefaultChain(config, MapEnvironment({{"AWS_PROFILE", "prd"}}), runner);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(),
            "AWS_PROFILE: profile 'prd' not found in /home/u/.aws/config or "
            "/home/u/.aws/credentials");
  EXPECT_EQ(unknown.error().hint(), "known profiles: 'prod'");

  Result<CredentialSource> unknown_default =
      ResolveDefaultChain(config, MapEnvironment({{"AWS_DEFAULT_PROFILE", "x"}}), runner);
  ASSERT_FALSE(unknown_default.has_value());
  EXPECT_THAT(unknown_default.error().message(), ::testing::StartsWith("AWS_DEFAULT_PROFILE: "));

  Result<CredentialSource> half =
      ResolveDefaultChain(config, MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKIA"}}), runner);
  ASSERT_FALSE(half.has_value());
  EXPECT_EQ(half.error().message(), "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
}

// Whatever goes wrong, no secret key or token from the files, the environment or a
// process reaches an error message or hint.
TEST(CredentialChainTest, NoSecretAppearsInAnyError) {
  const std::string all_secrets =
      "aws_secret_access_key = SECRETconfig000000000000000000000000000\n"
      "aws_session_token = TOKENcreds\n";
  std::vector<Error> errors;
  for (const ErrorCase& c : ProfileErrorCases()) {
    // The fixtures hold secrets in files, in the environment and in process output.
    const SharedConfig config = Config(c.config, c.credentials);
    FakeRunner runner;
    for (const MapEnvironment& env :
         {MapEnvironment(), MapEnvironment({{"AWS_SECRET_ACCESS_KEY", Secrets()[2]},
                                            {"AWS_SESSION_TOKEN", "TOKENenv"}})}) {
      Result<CredentialSource> source = ResolveProfileSource(config, c.profile, env, runner);
      if (!source.has_value()) {
        errors.push_back(source.error());
      }
    }
  }
  for (const char* credentials :
       {"[p]\naws_secret_access_key = SECRETcreds0000000000000000000000000000\n",
        "[p]\naws_access_key_id = A\naws_session_token = TOKENcreds\n",
        "[p]\naws_secret_access_key = SECRETcreds0000000000000000000000000000\n  TOKENcreds\n"}) {
    Result<SharedConfig> config =
        SharedConfig::FromText("[profile q]\nsource_profile = p\nrole_arn = r\n" + all_secrets,
                               kConfigPath, credentials, kCredentialsPath);
    if (!config) {
      errors.push_back(config.error());
      continue;
    }
    FakeRunner runner;
    for (const char* name : {"p", "q"}) {
      Result<CredentialSource> source =
          ResolveProfileSource(*config, name, MapEnvironment(), runner);
      if (!source.has_value()) {
        errors.push_back(source.error());
      }
    }
  }
  ASSERT_GE(errors.size(), ProfileErrorCases().size() + 3);
  for (const Error& error : errors) {
    for (const std::string& secret : Secrets()) {
      EXPECT_THAT(error.message(), Not(HasSubstr(secret)));
      EXPECT_THAT(error.hint(), Not(HasSubstr(secret)));
    }
  }
}

TEST(CredentialChainTest, RunsARealCredentialProcessScript) {
  std::string pattern = (std::filesystem::temp_directory_path() / "sentinel-chain-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const std::string script = pattern + "/creds";
  std::ofstream(script) << "#!/bin/sh\n"
                           "[ \"$1\" = base ] || exit 9\n"
                           "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIASCRIPT\", "
                           "\"SecretAccessKey\": \"s3cr3t\"}'\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  const SharedConfig config =
      Config("[profile base]\ncredential_process = " + script +
             " base\n[profile prod]\nrole_arn = r\nsource_profile = base\n");
  ShellProcessRunner runner;
  Result<CredentialSource> source = ResolveProfileSource(config, "prod", MapEnvironment(), runner);
  std::filesystem::remove_all(pattern);
  ASSERT_TRUE(source.has_value()) << source.error().message();
  EXPECT_EQ(source->kind, CredentialKind::kCredentialProcess);
  EXPECT_EQ(source->credentials.access_key_id, "AKIASCRIPT");
  EXPECT_EQ(source->credentials.secret_access_key.Reveal(), "s3cr3t");
}

}  // namespace
}  // namespace sentinel::aws
