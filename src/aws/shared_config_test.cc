#include "aws/shared_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sentinel::aws {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(SENTINEL_SOURCE_DIR) + "/src/aws/testdata/" + name,
                   std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

SharedConfig MustLoad(std::string_view config, std::string_view credentials = "") {
  Result<SharedConfig> shared = SharedConfig::FromText(config, "/home/u/.aws/config", credentials,
                                                       "/home/u/.aws/credentials");
  EXPECT_TRUE(shared.has_value()) << shared.error().message();
  return shared.has_value() ? std::move(*shared) : SharedConfig::FromText("", "c", "", "k").value();
}

Profile MustGet(const SharedConfig& shared, std::string_view name) {
  Result<Profile> profile = shared.GetProfile(name);
  EXPECT_TRUE(profile.has_value()) << name << ": " << profile.error().message();
  return profile.value_or(Profile{});
}

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sentinel-cfg-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, std::string_view text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(SharedConfigLoadTest, ReadsTheFilesNamedByTheEnvironment) {
  TempDir dir;
  const std::string config = dir.Write("config", "[profile dev]\nregion = eu-west-1\n");
  const std::string credentials = dir.Write("creds", "[dev]\naws_access_key_id = AKIADEV\n");
  Result<SharedConfig> shared = SharedConfig::Load(
      MapEnvironment({{"AWS_CONFIG_FILE", config}, {"AWS_SHARED_CREDENTIALS_FILE", credentials}}));
  ASSERT_TRUE(shared.has_value()) << shared.error().message();
  EXPECT_EQ(shared->config_path(), config);
  EXPECT_EQ(shared->credentials_path(), credentials);
  const Profile dev = MustGet(*shared, "dev");
  EXPECT_EQ(dev.region, "eu-west-1");
  EXPECT_EQ(dev.aws_access_key_id, "AKIADEV");
  EXPECT_EQ(dev.Origin("region"), config + ": line 2");
  EXPECT_EQ(dev.Origin("aws_access_key_id"), credentials + ": line 2");
}

TEST(SharedConfigLoadTest, DefaultsToTheFilesUnderHome) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() + "/.aws");
  dir.Write(".aws/config", "[default]\nregion = us-west-2\n");
  dir.Write(".aws/credentials", "[default]\naws_access_key_id = AKIAHOME\n");
  Result<SharedConfig> shared = SharedConfig::Load(MapEnvironment({{"HOME", dir.path()}}));
  ASSERT_TRUE(shared.has_value()) << shared.error().message();
  EXPECT_EQ(shared->config_path(), dir.path() + "/.aws/config");
  EXPECT_EQ(shared->credentials_path(), dir.path() + "/.aws/credentials");
  const Profile profile = MustGet(*shared, "default");
  EXPECT_EQ(profile.region, "us-west-2");
  EXPECT_EQ(profile.aws_access_key_id, "AKIAHOME");
}

TEST(SharedConfigLoadTest, ExpandsVariablesAndTildeInThePaths) {
  TempDir dir;
  dir.Write("config", "[profile x]\nregion = r\n");
  Result<SharedConfig> shared =
      SharedConfig::Load(MapEnvironment({{"HOME", dir.path()},
                                         {"AWS_CONFIG_FILE", "~/config"},
                                         {"AWS_SHARED_CREDENTIALS_FILE", "$HOME/none"}}));
  ASSERT_TRUE(shared.has_value()) << shared.error().message();
  EXPECT_EQ(shared->config_path(), dir.path() + "/config");
  EXPECT_EQ(shared->credentials_path(), dir.path() + "/none");
  EXPECT_TRUE(shared->HasProfile("x"));
}

TEST(SharedConfigLoadTest, MissingFilesReadAsEmpty) {
  TempDir dir;
  Result<SharedConfig> shared = SharedConfig::Load(
      MapEnvironment({{"AWS_CONFIG_FILE", dir.path() + "/absent"},
                      {"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/no/such/dir/file"}}));
  ASSERT_TRUE(shared.has_value()) << shared.error().message();
  EXPECT_TRUE(shared->ProfileNames().empty());
  Result<Profile> profile = shared->GetProfile("default");
  ASSERT_FALSE(profile.has_value());
  EXPECT_EQ(profile.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(profile.error().hint(),
            "no profiles are defined; add a [profile NAME] section to " + dir.path() + "/absent");
}

TEST(SharedConfigLoadTest, FailsWithoutAHomeForTheDefaultPaths) {
  Result<SharedConfig> shared = SharedConfig::Load(MapEnvironment());
  ASSERT_FALSE(shared.has_value());
  EXPECT_EQ(shared.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(shared.error().message(),
            "locating the AWS config file: expanding path '~/.aws/config': HOME is not set and "
            "the home directory is unknown");
}

TEST(SharedConfigLoadTest, RejectsADirectory) {
  TempDir dir;
  Result<SharedConfig> shared = SharedConfig::Load(MapEnvironment(
      {{"AWS_CONFIG_FILE", dir.path()}, {"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/x"}}));
  ASSERT_FALSE(shared.has_value());
  EXPECT_EQ(shared.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(shared.error().message(),
            "reading AWS config file " + dir.path() + ": not a regular file");
}

TEST(SharedConfigLoadTest, RejectsAFifoWithoutBlocking) {
  TempDir dir;
  const std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Result<SharedConfig> shared = SharedConfig::Load(MapEnvironment(
      {{"AWS_CONFIG_FILE", dir.path() + "/none"}, {"AWS_SHARED_CREDENTIALS_FILE", fifo}}));
  ASSERT_FALSE(shared.has_value());
  EXPECT_EQ(shared.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(shared.error().message(),
            "reading AWS credentials file " + fifo + ": not a regular file");
}

TEST(SharedConfigLoadTest, RejectsAnUnreadableFile) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "root reads files whatever their mode";
  }
  TempDir dir;
  const std::string credentials = dir.Write("credentials", "[a]\n");
  ASSERT_EQ(chmod(credentials.c_str(), 0), 0);
  Result<SharedConfig> shared = SharedConfig::Load(MapEnvironment(
      {{"AWS_CONFIG_FILE", dir.path() + "/none"}, {"AWS_SHARED_CREDENTIALS_FILE", credentials}}));
  ASSERT_FALSE(shared.has_value());
  EXPECT_EQ(shared.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(shared.error().message(),
            "reading AWS credentials file " + credentials + ": Permission denied");
}

TEST(SharedConfigLoadTest, MalformedFilesNameTheFileAndLine) {
  TempDir dir;
  const std::string config = dir.Write("config", "[default]\nregion = x\n[profile p]\noops\n");
  const std::string credentials = dir.Write("credentials", "[default]\naws_access_key_id = A\n");
  Result<SharedConfig> shared = SharedConfig::Load(
      MapEnvironment({{"AWS_CONFIG_FILE", config}, {"AWS_SHARED_CREDENTIALS_FILE", credentials}}));
  ASSERT_FALSE(shared.has_value());
  EXPECT_EQ(shared.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(shared.error().message(), config + ": line 4: expected 'key = value'");

  dir.Write("config", "[default]\n");
  dir.Write("credentials", "[default]\naws_access_key_id = A\naws_access_key_id = B\n");
  shared = SharedConfig::Load(
      MapEnvironment({{"AWS_CONFIG_FILE", config}, {"AWS_SHARED_CREDENTIALS_FILE", credentials}}));
  ASSERT_FALSE(shared.has_value());
  EXPECT_EQ(shared.error().message(),
            credentials +
                ": line 3: key 'aws_access_key_id' appears twice in section 'default' (first on "
                "line 2)");
}

TEST(SharedConfigTest, ConfigSectionsBecomeProfilesAsInTheCli) {
  const struct {
    const char* header;
    const char* profile;  // nullptr: not a profile
  } cases[] = {
      {"[default]", "default"},
      {"[profile a]", "a"},
      {"[profile   a  ]", "a"},
      {"[profile \"a b\"]", "a b"},
      {"[profile 'q']", "q"},
      {"[profile a\\ b]", "a b"},
      {"[profilex y]", "y"},  // botocore only checks the prefix, then splits
      {"[profile default]", "default"},
      {"[ profile a ]", nullptr},  // the leading blank hides the prefix from the CLI
      {"[a]", nullptr},
      {"[Default]", nullptr},
      {"[profile]", nullptr},
      {"[profile a b]", nullptr},
      {"[profile \"a]", nullptr},
      {"[sso-session a]", nullptr},
      {"[services a]", nullptr},
  };
  for (const auto& c : cases) {
    const SharedConfig shared = MustLoad(std::string(c.header) + "\nregion = r\n");
    if (c.profile == nullptr) {
      EXPECT_TRUE(shared.ProfileNames().empty()) << c.header;
      continue;
    }
    EXPECT_THAT(shared.ProfileNames(), ElementsAre(c.profile)) << c.header;
    EXPECT_EQ(MustGet(shared, c.profile).region, "r") << c.header;
  }
}

TEST(SharedConfigTest, ALaterSectionForTheSameProfileReplacesTheEarlier) {
  const SharedConfig shared = MustLoad(
      "[default]\nregion = a\noutput = json\n"
      "[profile default]\nregion = b\n");
  const Profile profile = MustGet(shared, "default");
  EXPECT_EQ(profile.region, "b");
  EXPECT_FALSE(profile.values.contains("output"));
}

TEST(SharedConfigTest, CredentialsFileKeysWinKeyByKey) {
  const SharedConfig shared =
      MustLoad("[profile p]\nregion = from-config\naws_access_key_id = AKIACONFIG\nrole_arn = r\n",
               "[p]\naws_access_key_id = AKIACREDS\nregion = from-creds\n"
               "[only-creds]\naws_access_key_id = AKIAONLY\n"
               "[profile spaced]\naws_access_key_id = AKIASPACED\n");
  const Profile p = MustGet(shared, "p");
  EXPECT_EQ(p.region, "from-creds");
  EXPECT_EQ(p.aws_access_key_id, "AKIACREDS");
  EXPECT_TRUE(p.access_key_in_credentials_file);
  EXPECT_EQ(p.role_arn, "r");
  EXPECT_EQ(p.Origin("role_arn"), "/home/u/.aws/config: line 4");
  EXPECT_EQ(p.Origin("region"), "/home/u/.aws/credentials: line 3");
  EXPECT_TRUE(p.values.at("region").from_credentials_file);
  EXPECT_FALSE(p.values.at("role_arn").from_credentials_file);
  // Sections of the credentials file are profile names as written.
  EXPECT_THAT(shared.ProfileNames(), ElementsAre("only-creds", "p", "profile spaced"));
}

TEST(SharedConfigTest, ReadsTheSampleFiles) {
  const SharedConfig shared = MustLoad(ReadTestdata("config"), ReadTestdata("credentials"));
  EXPECT_THAT(shared.ProfileNames(), ElementsAre("base", "ci", "default", "prod", "prod-gated",
                                                 "sso-dev", "staging", "with space"));

  const Profile prod = MustGet(shared, "prod");
  EXPECT_EQ(prod.role_arn, "arn:aws:iam::123456789012:role/Admin");
  EXPECT_EQ(prod.source_profile, "base");
  EXPECT_EQ(prod.external_id, "d2c9-prod");
  EXPECT_EQ(prod.duration_seconds, 7200);
  EXPECT_EQ(prod.values.at("role_session_name").value.text, "alice");
  EXPECT_EQ(prod.values.at("s3").value.sub_section->at("max_concurrent_requests"), "20");
  EXPECT_EQ(prod.Origin("external_id"), "/home/u/.aws/config: line 15");

  const Profile base = MustGet(shared, "base");
  EXPECT_EQ(base.credential_process, "/usr/local/bin/fetch-creds --account base");
  EXPECT_EQ(base.aws_access_key_id, "AKIAI44QH8DHBEXAMPLE");
  ASSERT_TRUE(base.aws_secret_access_key.has_value());
  EXPECT_EQ(base.aws_secret_access_key->Reveal(), "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY");
  ASSERT_TRUE(base.aws_session_token.has_value());
  EXPECT_EQ(base.aws_session_token->Reveal(), "IQoJb3JpZ2luX2VjEXAMPLETOKEN");
  EXPECT_EQ(base.region, "eu-central-1");

  const Profile staging = MustGet(shared, "staging");
  EXPECT_EQ(staging.region, "us-east-2");
  ASSERT_EQ(staging.service_endpoint_urls.size(), 2u);
  EXPECT_EQ(staging.service_endpoint_urls.at("sts").url, "http://127.0.0.1:5000");
  EXPECT_EQ(staging.service_endpoint_urls.at("sts").origin.ToString(),
            "/home/u/.aws/config: line 49");
  EXPECT_EQ(staging.service_endpoint_urls.at("dynamodb").url, "http://127.0.0.1:5000/");

  EXPECT_EQ(MustGet(shared, "default").values.at("cli_pager").value.text, "");
  EXPECT_EQ(MustGet(shared, "with space").region, "ap-southeast-2");
  ASSERT_NE(shared.FindSsoSession("corp"), nullptr);
  EXPECT_EQ(shared.FindSsoSession("corp")->values.at("sso_region").text, "us-east-1");
  EXPECT_NE(shared.FindServices("local-moto"), nullptr);
  EXPECT_EQ(shared.FindServices("nope"), nullptr);
  EXPECT_FALSE(shared.HasProfile("preview"));
}

TEST(SharedConfigTest, SecretsStayOutOfTheRawValues) {
  const SharedConfig shared = MustLoad("", ReadTestdata("credentials"));
  const Profile base = MustGet(shared, "base");
  EXPECT_TRUE(base.values.contains("aws_access_key_id"));
  EXPECT_FALSE(base.values.contains("aws_secret_access_key"));
  EXPECT_FALSE(base.values.contains("aws_session_token"));
  EXPECT_EQ(base.Origin("aws_secret_access_key"), "/home/u/.aws/credentials: line 7");
  std::ostringstream printed;
  printed << *base.aws_secret_access_key;
  EXPECT_EQ(printed.str(), "***");
}

TEST(SharedConfigTest, TheOlderSessionTokenNameWinsAndEmptyMeansNone) {
  const struct {
    const char* lines;
    const char* want;  // nullptr: no token
  } cases[] = {
      {"aws_session_token = new\n", "new"},
      {"aws_security_token = old\n", "old"},
      {"aws_session_token = new\naws_security_token = old\n", "old"},
      {"aws_session_token =\n", nullptr},
      {"aws_security_token =\naws_session_token = new\n", "new"},
  };
  for (const auto& c : cases) {
    const Profile p = MustGet(MustLoad("", std::string("[p]\n") + c.lines), "p");
    if (c.want == nullptr) {
      EXPECT_FALSE(p.aws_session_token.has_value()) << c.lines;
    } else {
      ASSERT_TRUE(p.aws_session_token.has_value()) << c.lines;
      EXPECT_EQ(p.aws_session_token->Reveal(), c.want) << c.lines;
    }
  }
}

TEST(SharedConfigTest, DefaultSectionKeysReachEveryProfileAsInTheCli) {
  const SharedConfig shared = MustLoad("[DEFAULT]\nregion = everywhere\n[profile a]\n[default]\n");
  EXPECT_EQ(MustGet(shared, "a").region, "everywhere");
  EXPECT_EQ(MustGet(shared, "default").region, "everywhere");
}

TEST(SharedConfigTest, DurationSecondsIsValidated) {
  const struct {
    const char* value;
    std::optional<int> want;  // nullopt: an error
  } cases[] = {
      {"900", 900},   {"43200", 43200},
      {"3600", 3600}, {"0900", 900},
      {"899", {}},    {"43201", {}},
      {"60", {}},     {"0", {}},
      {"-900", {}},   {"+900", {}},
      {"1e3", {}},    {"3600s", {}},
      {"1h", {}},     {"9999999999999999999", {}},
      {"36 00", {}},
  };
  for (const auto& c : cases) {
    const SharedConfig shared =
        MustLoad(std::string("[profile p]\nregion = x\nduration_seconds = ") + c.value + "\n");
    Result<Profile> p = shared.GetProfile("p");
    if (c.want.has_value()) {
      ASSERT_TRUE(p.has_value()) << c.value << ": " << p.error().message();
      EXPECT_EQ(p->duration_seconds, c.want) << c.value;
      continue;
    }
    ASSERT_FALSE(p.has_value()) << c.value;
    EXPECT_EQ(p.error().code(), ErrorCode::kInvalidInput) << c.value;
    EXPECT_EQ(p.error().message(),
              "/home/u/.aws/config: line 3: profile 'p': duration_seconds must be a whole number "
              "of seconds from 900 to 43200, got '" +
                  std::string(c.value) + "'")
        << c.value;
  }
}

TEST(SharedConfigTest, RejectsMalformedSettingsNamingFileLineProfileAndKey) {
  const struct {
    const char* lines;
    const char* message;
  } cases[] = {
      {"role_arn =\n", "line 2: profile 'p': role_arn is empty"},
      {"source_profile =\n", "line 2: profile 'p': source_profile is empty"},
      {"credential_process =\n", "line 2: profile 'p': credential_process is empty"},
      {"external_id =\n", "line 2: profile 'p': external_id is empty"},
      {"credential_source =\n", "line 2: profile 'p': credential_source is empty"},
      {"duration_seconds =\n", "line 2: profile 'p': duration_seconds is empty"},
      {"aws_access_key_id =\n", "line 2: profile 'p': aws_access_key_id is empty"},
      {"aws_secret_access_key =\n", "line 2: profile 'p': aws_secret_access_key is empty"},
      {"role_arn =\n  a = b\n",
       "line 2: profile 'p': role_arn is an indented block; expected one value"},
      {"x = 1\nrole_arn = arn:aws:iam::1:role/a\n  arn:aws:iam::1:role/b\n",
       "line 3: profile 'p': role_arn spans several lines; expected one value"},
      {"region = eu-west-1\n  us-east-1\n",
       "line 2: profile 'p': region spans several lines; expected one value"},
      {"endpoint_url =\n  x = y\n",
       "line 2: profile 'p': endpoint_url is an indented block; expected one value"},
  };
  for (const auto& c : cases) {
    Result<Profile> p = MustLoad(std::string("[profile p]\n") + c.lines).GetProfile("p");
    ASSERT_FALSE(p.has_value()) << c.lines;
    EXPECT_EQ(p.error().code(), ErrorCode::kInvalidInput) << c.lines;
    EXPECT_EQ(p.error().message(), "/home/u/.aws/config: " + std::string(c.message)) << c.lines;
  }
}

TEST(SharedConfigTest, EmptyRegionAndEndpointMeanUnset) {
  const Profile p = MustGet(MustLoad("[profile p]\nregion =\nendpoint_url =\n"), "p");
  EXPECT_EQ(p.region, std::nullopt);
  EXPECT_EQ(p.endpoint_url, std::nullopt);
}

TEST(SharedConfigTest, CaBundleIsReadAndEmptyMeansUnset) {
  const SharedConfig shared =
      MustLoad("[profile p]\nca_bundle = /etc/corp/ca.pem\n[profile q]\nca_bundle =\n");
  EXPECT_EQ(MustGet(shared, "p").ca_bundle, "/etc/corp/ca.pem");
  EXPECT_EQ(MustGet(shared, "q").ca_bundle, std::nullopt);
}

TEST(SharedConfigTest, MalformedSecretsAreReportedWithoutTheirValue) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  for (const std::string& lines : {"aws_secret_access_key = " + secret + "\n  " + secret + "\n",
                                   "aws_secret_access_key =\n  k = " + secret + "\n",
                                   "aws_session_token = " + secret + "\n  more\n",
                                   "aws_security_token =\n  " + secret + " = x\n"}) {
    Result<Profile> p = MustLoad("", "[p]\n" + lines).GetProfile("p");
    ASSERT_FALSE(p.has_value()) << lines;
    EXPECT_THAT(p.error().message(), HasSubstr("/home/u/.aws/credentials: line 2: profile 'p'"));
    EXPECT_THAT(p.error().message(), Not(HasSubstr("wJalr")));
  }
}

TEST(SharedConfigTest, IgnoreConfiguredEndpointUrlsIsTrueOnlyForTrue) {
  for (const auto& [value, want] : {std::pair{"true", true},
                                    {"TRUE", true},
                                    {"True", true},
                                    {"false", false},
                                    {"yes", false},
                                    {"1", false},
                                    {"", false}}) {
    const Profile p = MustGet(
        MustLoad(std::string("[profile p]\nignore_configured_endpoint_urls = ") + value + "\n"),
        "p");
    EXPECT_EQ(p.ignore_configured_endpoint_urls, want) << value;
  }
}

TEST(SharedConfigTest, ServiceEndpointsComeFromTheNamedServicesSection) {
  const SharedConfig shared = MustLoad(
      "[services moto]\nsts =\n  endpoint_url = http://127.0.0.1:5000\n  other = 1\n"
      "ssm = flat\nsns =\n  other = 2\n"
      "[profile a]\nservices = moto\n"
      "[profile b]\nservices = missing\n"
      "[profile c]\n");
  const Profile a = MustGet(shared, "a");
  ASSERT_EQ(a.service_endpoint_urls.size(), 1u);
  EXPECT_EQ(a.service_endpoint_urls.at("sts").url, "http://127.0.0.1:5000");
  EXPECT_EQ(a.service_endpoint_urls.at("sts").origin.ToString(), "/home/u/.aws/config: line 2");
  EXPECT_EQ(a.services, "moto");
  EXPECT_TRUE(a.services_section_exists);
  const Profile b = MustGet(shared, "b");
  EXPECT_EQ(b.services, "missing");
  EXPECT_FALSE(b.services_section_exists);
  EXPECT_TRUE(b.service_endpoint_urls.empty());
  const Profile c = MustGet(shared, "c");
  EXPECT_EQ(c.services, std::nullopt);
  EXPECT_TRUE(c.service_endpoint_urls.empty());
}

TEST(SharedConfigTest, UnknownProfileListsTheClosestKnownOnes) {
  const SharedConfig shared = MustLoad(
      "[profile prod]\n[profile staging]\n[profile dev]\n[profile a1]\n[profile a2]\n"
      "[profile a3]\n[default]\n");
  Result<Profile> p = shared.GetProfile("prodd");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(p.error().message(),
            "profile 'prodd' not found in /home/u/.aws/config or /home/u/.aws/credentials");
  EXPECT_EQ(p.error().hint(), "known profiles: 'prod', 'a1', 'a2', 'a3', 'dev' and 2 more");
}

TEST(SharedConfigTest, UnknownProfileWrittenAsABareSectionGetsAPointedHint) {
  Result<Profile> p = MustLoad("[prod]\nrole_arn = x\n[profile dev]\n").GetProfile("prod");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(p.error().hint(),
            "the config file has a section [prod], but profiles there are written [profile prod]");
}

TEST(SplitShellWordsTest, SplitsLikePythonShlex) {
  const struct {
    const char* text;
    std::vector<std::string> want;
  } cases[] = {
      {"profile a", {"profile", "a"}},
      {"  profile \t a  ", {"profile", "a"}},
      {"profile \"a b\"", {"profile", "a b"}},
      {"profile 'a \"b\"'", {"profile", "a \"b\""}},
      {"profile \"a \\\"b\\\" \\\\ \\x\"", {"profile", "a \"b\" \\ \\x"}},
      {"profile a\\ b", {"profile", "a b"}},
      {"profile a\"b c\"d", {"profile", "ab cd"}},
      {"profile ''", {"profile", ""}},
      {"", {}},
      {"#x y", {"#x", "y"}},
  };
  for (const auto& c : cases) {
    std::optional<std::vector<std::string>> got = SplitShellWords(c.text);
    ASSERT_TRUE(got.has_value()) << c.text;
    EXPECT_EQ(*got, c.want) << c.text;
  }
  for (const char* text : {"profile \"a", "profile 'a", "profile a\\", "profile \"a\\"}) {
    EXPECT_FALSE(SplitShellWords(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace sentinel::aws
