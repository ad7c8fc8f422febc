#include "aws/endpoints.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sentinel::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

SharedConfig Config(std::string_view text) {
  Result<SharedConfig> shared = SharedConfig::FromText(text, "/c", "", "/k");
  EXPECT_TRUE(shared.has_value()) << shared.error().message();
  return shared.has_value() ? std::move(*shared) : SharedConfig::FromText("", "c", "", "k").value();
}

Profile Get(const SharedConfig& config, std::string_view name) {
  Result<Profile> profile = config.GetProfile(name);
  EXPECT_TRUE(profile.has_value()) << profile.error().message();
  return profile.value_or(Profile{});
}

TEST(ResolveRegionTest, FollowsThePrecedence) {
  const Profile dev = Get(Config("[profile dev]\nregion = eu-central-1\n"), "dev");
  const Profile bare = Get(Config("[profile bare]\noutput = json\n"), "bare");
  const struct {
    const char* name;
    std::optional<std::string> flag;
    MapEnvironment env;
    const Profile* profile;
    std::optional<std::string> want;
    const char* source;
  } cases[] = {
      {"flag first", "ap-south-1",
       MapEnvironment({{"AWS_REGION", "us-east-1"}, {"AWS_DEFAULT_REGION", "us-west-2"}}), &dev,
       "ap-south-1", "--region"},
      {"AWS_REGION next", std::nullopt,
       MapEnvironment({{"AWS_REGION", "us-east-1"}, {"AWS_DEFAULT_REGION", "us-west-2"}}), &dev,
       "us-east-1", "AWS_REGION"},
      {"AWS_DEFAULT_REGION next", std::nullopt,
       MapEnvironment({{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "us-west-2"}}), &dev, "us-west-2",
       "AWS_DEFAULT_REGION"},
      {"profile last", std::nullopt, MapEnvironment(), &dev, "eu-central-1",
       "profile 'dev' (/c: line 2)"},
      {"profile without region", std::nullopt, MapEnvironment(), &bare, std::nullopt, ""},
      {"no profile", std::nullopt, MapEnvironment(), nullptr, std::nullopt, ""},
      {"no profile but env", std::nullopt, MapEnvironment({{"AWS_DEFAULT_REGION", "sa-east-1"}}),
       nullptr, "sa-east-1", "AWS_DEFAULT_REGION"},
  };
  for (const auto& c : cases) {
    Result<std::optional<Region>> got = ResolveRegion(c.flag, c.profile, c.env);
    ASSERT_TRUE(got.has_value()) << c.name << ": " << got.error().message();
    if (!c.want.has_value()) {
      EXPECT_FALSE(got->has_value()) << c.name;
      continue;
    }
    ASSERT_TRUE(got->has_value()) << c.name;
    EXPECT_EQ((*got)->name, *c.want) << c.name;
    EXPECT_EQ((*got)->source, c.source) << c.name;
  }
}

TEST(ResolveRegionTest, RejectsValuesThatAreNotRegionNames) {
  const Profile commented = Get(Config("[profile dev]\nregion = eu-west-1 # Ireland\n"), "dev");
  const struct {
    std::optional<std::string> flag;
    MapEnvironment env;
    const Profile* profile;
    std::string message;
  } cases[] = {
      {"", MapEnvironment(), nullptr, "--region: invalid region ''"},
      {"eu-west-1/", MapEnvironment(), nullptr, "--region: invalid region 'eu-west-1/'"},
      {"-eu", MapEnvironment(), nullptr, "--region: invalid region '-eu'"},
      {std::string(64, 'a'), MapEnvironment(), nullptr, "--region: invalid region 'aaaa"},
      {std::nullopt, MapEnvironment({{"AWS_REGION", "eu west 1"}}), nullptr,
       "AWS_REGION: invalid region 'eu west 1'"},
      {std::nullopt, MapEnvironment({{"AWS_DEFAULT_REGION", "eu-west-1."}}), nullptr,
       "AWS_DEFAULT_REGION: invalid region 'eu-west-1.'"},
      // The CLI keeps a '#' after a value, so a commented region is not a region.
      {std::nullopt, MapEnvironment(), &commented,
       "profile 'dev' (/c: line 2): invalid region 'eu-west-1 # Ireland': expected letters, "
       "digits and '-', such as eu-west-1"},
  };
  for (const auto& c : cases) {
    Result<std::optional<Region>> got = ResolveRegion(c.flag, c.profile, c.env);
    ASSERT_FALSE(got.has_value()) << c.message;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput) << c.message;
    EXPECT_THAT(got.error().message(), ::testing::StartsWith(c.message));
  }
  EXPECT_TRUE(ResolveRegion(std::string(63, 'a'), nullptr, MapEnvironment()).has_value());
}

constexpr char kEndpointConfig[] =
    "[profile full]\n"
    "region = eu-west-1\n"
    "endpoint_url = http://profile.example:1111\n"
    "services = local\n"
    "[services local]\n"
    "sts =\n"
    "  endpoint_url = http://services.example:2222/\n"
    "[profile plain]\n"
    "endpoint_url = http://profile.example:1111\n"
    "[profile ignoring]\n"
    "endpoint_url = http://profile.example:1111\n"
    "ignore_configured_endpoint_urls = true\n"
    "[profile none]\n";

TEST(ResolveEndpointTest, FollowsThePrecedence) {
  const SharedConfig config = Config(kEndpointConfig);
  const Profile full = Get(config, "full");
  const Profile plain = Get(config, "plain");
  const Profile ignoring = Get(config, "ignoring");
  const Profile none = Get(config, "none");
  const MapEnvironment all({{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"},
                            {"AWS_ENDPOINT_URL", "http://global.example:3333"}});
  const struct {
    const char* name;
    const char* service;
    std::optional<std::string> region;
    const Profile* profile;
    MapEnvironment env;
    const char* url;
    const char* signing_region;
    const char* source;
  } cases[] = {
      {"service variable first", "sts", "eu-west-1", &full, all, "http://127.0.0.1:5000",
       "eu-west-1", "AWS_ENDPOINT_URL_STS"},
      {"global variable next", "ssm", "eu-west-1", &full, all, "http://global.example:3333",
       "eu-west-1", "AWS_ENDPOINT_URL"},
      {"services section next", "sts", "eu-west-1", &full,
       MapEnvironment({{"AWS_ENDPOINT_URL_SSM", "http://ssm.example"}}),
       "http://services.example:2222", "eu-west-1",
       "[services local] sts endpoint_url (/c: line 6)"},
      {"profile endpoint_url next", "dynamodb", "eu-west-1", &full, MapEnvironment(),
       "http://profile.example:1111", "eu-west-1", "endpoint_url of profile 'full' (/c: line 3)"},
      {"profile endpoint_url without region", "sns", std::nullopt, &plain, MapEnvironment(),
       "http://profile.example:1111", "us-east-1", "endpoint_url of profile 'plain' (/c: line 9)"},
      {"default", "ssm", "eu-west-1", &none, MapEnvironment(),
       "https://ssm.eu-west-1.amazonaws.com", "eu-west-1", "the default endpoint for eu-west-1"},
      {"default without profile", "dynamodb", "us-east-2", nullptr, MapEnvironment(),
       "https://dynamodb.us-east-2.amazonaws.com", "us-east-2",
       "the default endpoint for us-east-2"},
      {"regional sts", "sts", "ap-southeast-2", nullptr, MapEnvironment(),
       "https://sts.ap-southeast-2.amazonaws.com", "ap-southeast-2",
       "the default endpoint for ap-southeast-2"},
      {"global sts without region", "sts", std::nullopt, nullptr, MapEnvironment(),
       "https://sts.amazonaws.com", "us-east-1", "the global STS endpoint"},
      {"china", "sns", "cn-north-1", nullptr, MapEnvironment(),
       "https://sns.cn-north-1.amazonaws.com.cn", "cn-north-1",
       "the default endpoint for cn-north-1"},
      {"configured without region", "sts", std::nullopt, nullptr,
       MapEnvironment({{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"}}), "http://127.0.0.1:5000",
       "us-east-1", "AWS_ENDPOINT_URL"},
      {"ignored by the environment", "sts", "eu-west-1", &full,
       MapEnvironment({{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"},
                       {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}}),
       "https://sts.eu-west-1.amazonaws.com", "eu-west-1", "the default endpoint for eu-west-1"},
      {"ignored by the profile", "sts", "eu-west-1", &ignoring,
       MapEnvironment({{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"}}),
       "https://sts.eu-west-1.amazonaws.com", "eu-west-1", "the default endpoint for eu-west-1"},
      {"the environment overrules the profile's ignore", "sts", "eu-west-1", &ignoring,
       MapEnvironment({{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"}}),
       "http://profile.example:1111", "eu-west-1",
       "endpoint_url of profile 'ignoring' (/c: line 11)"},
      {"a service id with a dash", "secrets-manager", "eu-west-1", nullptr,
       MapEnvironment({{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm.example"}}),
       "http://sm.example", "eu-west-1", "AWS_ENDPOINT_URL_SECRETS_MANAGER"},
  };
  for (const auto& c : cases) {
    Result<Endpoint> got = ResolveEndpoint(c.service, c.region, c.profile, c.env);
    ASSERT_TRUE(got.has_value()) << c.name << ": " << got.error().message();
    EXPECT_EQ(got->url, c.url) << c.name;
    EXPECT_EQ(got->signing_region, c.signing_region) << c.name;
    EXPECT_EQ(got->source, c.source) << c.name;
  }
}

TEST(ResolveEndpointTest, EachServiceReadsItsOwnVariable) {
  const MapEnvironment env({{"AWS_ENDPOINT_URL_STS", "http://sts.local"},
                            {"AWS_ENDPOINT_URL_SSM", "http://ssm.local"},
                            {"AWS_ENDPOINT_URL_DYNAMODB", "http://dynamodb.local"},
                            {"AWS_ENDPOINT_URL_SNS", "http://sns.local"}});
  for (const char* service : {"sts", "ssm", "dynamodb", "sns"}) {
    Result<Endpoint> got = ResolveEndpoint(service, "eu-west-1", nullptr, env);
    ASSERT_TRUE(got.has_value()) << service << ": " << got.error().message();
    EXPECT_EQ(got->url, "http://" + std::string(service) + ".local");
  }
}

TEST(ResolveEndpointTest, NormalizesValidUrls) {
  const struct {
    const char* url;
    const char* want;
  } cases[] = {
      {"http://127.0.0.1:5000", "http://127.0.0.1:5000"},
      {"http://127.0.0.1:5000/", "http://127.0.0.1:5000"},
      {"HTTPS://Example.COM//", "https://Example.COM"},
      {"http://localhost/prefix/path/", "http://localhost/prefix/path"},
      {"http://[::1]:4566", "http://[::1]:4566"},
      {"http://[fe80::1]/", "http://[fe80::1]"},
      {"http://moto_server:65535", "http://moto_server:65535"},
  };
  for (const auto& c : cases) {
    Result<Endpoint> got =
        ResolveEndpoint("sts", "eu-west-1", nullptr, MapEnvironment({{"AWS_ENDPOINT_URL", c.url}}));
    ASSERT_TRUE(got.has_value()) << c.url << ": " << got.error().message();
    EXPECT_EQ(got->url, c.want) << c.url;
  }
}

TEST(ResolveEndpointTest, RejectsMalformedUrlsNamingWhereTheyCameFrom) {
  const struct {
    const char* url;
    const char* message;
  } cases[] = {
      {"ftp://x",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'ftp://x': the scheme must be http "
       "or https"},
      {"127.0.0.1:5000",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL '127.0.0.1:5000': expected "
       "http:// or https:// followed by a host"},
      {"http://", "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://': the host is missing"},
      {"http:///path",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http:///path': the host is "
       "missing"},
      {"http://:80",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://:80': the host is "
       "missing"},
      {"http://h:0",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://h:0': the port must be a "
       "number from 1 to 65535"},
      {"http://h:65536",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://h:65536': the port "
       "must be a number from 1 to 65535"},
      {"http://h:8o",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://h:8o': the port must "
       "be a number from 1 to 65535"},
      {"http://h:", "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://h:': the port is empty"},
      {"http://h:1:2",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://h:1:2': the port must "
       "be a number from 1 to 65535"},
      {"http://ex!ample",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://ex!ample': the host "
       "'ex!ample' is not a host name or IP address"},
      {"http://[::1",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://[::1': the IPv6 address "
       "has no closing ']'"},
      {"http://[::1]x",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://[::1]x': unexpected "
       "text after the IPv6 address"},
      {"http://[::g]",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://[::g]': the host "
       "'::g' is not a host name or IP address"},
      {"http://h/a b",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://h/a b': it contains a "
       "blank, a control character or non-ASCII text"},
      {"http://h/?x=1",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://h/...': a query or "
       "fragment is not allowed"},
      {"http://h/#top",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://h/...': a query or "
       "fragment is not allowed"},
      {"http://user:pw@h",
       "AWS_ENDPOINT_URL_STS: invalid endpoint URL 'http://...': user "
       "information is not allowed"},
  };
  for (const auto& c : cases) {
    Result<Endpoint> got = ResolveEndpoint("sts", "eu-west-1", nullptr,
                                           MapEnvironment({{"AWS_ENDPOINT_URL_STS", c.url}}));
    ASSERT_FALSE(got.has_value()) << c.url;
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput) << c.url;
    EXPECT_EQ(got.error().message(), c.message);
  }
}

TEST(ResolveEndpointTest, ConfigFileUrlErrorsNameFileLineAndProfile) {
  const SharedConfig config = Config(
      "[profile dev]\nendpoint_url = localhost:5000\n"
      "[profile svc]\nservices = s\n[services s]\nssm =\n  endpoint_url = ftp://x\n"
      "[profile lost]\nservices = gone\n");
  const Profile dev_profile = Get(config, "dev");
  Result<Endpoint> dev = ResolveEndpoint("sts", "eu-west-1", &dev_profile, MapEnvironment());
  ASSERT_FALSE(dev.has_value());
  EXPECT_EQ(dev.error().message(),
            "/c: line 2: profile 'dev': endpoint_url: invalid endpoint URL 'localhost:5000': "
            "expected http:// or https:// followed by a host");

  const Profile svc = Get(config, "svc");
  Result<Endpoint> ssm = ResolveEndpoint("ssm", "eu-west-1", &svc, MapEnvironment());
  ASSERT_FALSE(ssm.has_value());
  EXPECT_EQ(ssm.error().message(),
            "/c: line 6: [services s] ssm endpoint_url: invalid endpoint URL 'ftp://x': the scheme "
            "must be http or https");
  EXPECT_TRUE(ResolveEndpoint("sts", "eu-west-1", &svc, MapEnvironment()).has_value());

  const Profile lost = Get(config, "lost");
  Result<Endpoint> missing = ResolveEndpoint("sts", "eu-west-1", &lost, MapEnvironment());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(missing.error().message(),
            "/c: line 9: profile 'lost': services names 'gone', but there is no [services gone] "
            "section");
  // An environment variable is found before the services section is looked at.
  EXPECT_TRUE(
      ResolveEndpoint("sts", "eu-west-1", &lost, MapEnvironment({{"AWS_ENDPOINT_URL", "http://h"}}))
          .has_value());
}

TEST(ResolveEndpointTest, NeedsARegionForRegionalServices) {
  Result<Endpoint> got = ResolveEndpoint("ssm", std::nullopt, nullptr, MapEnvironment());
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(got.error().message(),
            "no region for ssm: pass --region, or set AWS_REGION, AWS_DEFAULT_REGION or the "
            "profile's region");

  Result<Endpoint> bad = ResolveEndpoint("ssm", "eu west", nullptr, MapEnvironment());
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().message(), ::testing::StartsWith("resolving the ssm endpoint: invalid "
                                                           "region 'eu west'"));
  Result<Endpoint> service = ResolveEndpoint("", "eu-west-1", nullptr, MapEnvironment());
  ASSERT_FALSE(service.has_value());
  EXPECT_EQ(service.error().code(), ErrorCode::kInternal);
}

TEST(ResolveEndpointTest, NeverShowsCredentialsHiddenInAUrl) {
  for (const char* url :
       {"http://AKIAEXAMPLE:wJalrXUtnFEMI@host", "http://wJalrXUtnFEMI@host/x",
        "http://host/?X-Amz-Signature=wJalrXUtnFEMI", "http://host/#wJalrXUtnFEMI",
        "ftp://u:wJalrXUtnFEMI@host", "wJalrXUtnFEMI@host"}) {
    Result<Endpoint> got =
        ResolveEndpoint("sts", "eu-west-1", nullptr, MapEnvironment({{"AWS_ENDPOINT_URL", url}}));
    ASSERT_FALSE(got.has_value()) << url;
    EXPECT_THAT(got.error().message(), Not(HasSubstr("wJalr"))) << url;
  }
}

}  // namespace
}  // namespace sentinel::aws
