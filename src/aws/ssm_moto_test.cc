// SsmClient against a real SSM implementation: moto's server, over CurlHttpClient.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "aws/curl_http_client.h"
#include "aws/ssm.h"
#include "aws/test_support/moto_server.h"

namespace sentinel::aws {
namespace {

const Credentials kAnyKeys{
    "AKIAIOSFODNN7EXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"), Secret(), {}};

class SsmMotoTest : public test_support::MotoTest {
 protected:
  SsmEndpoint Endpoint() const { return {endpoint(), "eu-west-1"}; }

  // Puts (or overwrites) a parameter with the same signed JSON call the client uses.
  void Put(const std::string& name, const std::string& value, const std::string& type) {
    const nlohmann::json body = {
        {"Name", name}, {"Value", value}, {"Type", type}, {"Overwrite", true}};
    auto response =
        SendSsmCall(http_, Endpoint(), "PutParameter", body.dump(), kAnyKeys, clock_.Now());
    ASSERT_TRUE(response.has_value()) << response.error().message();
    ASSERT_EQ(response->status, 200) << response->body;
  }

  SystemClock clock_;
  CurlHttpClient http_{CurlHttpClientOptions{}};
};

TEST_F(SsmMotoTest, ReadsAStringAndItsVersion) {
  Put("/sentinel/test/plain", "version: \"1\"\nrules: []\n", "String");
  SsmClient ssm(http_, Endpoint(), clock_);
  auto first = ssm.GetParameter(kAnyKeys, "/sentinel/test/plain", true);
  ASSERT_TRUE(first.has_value()) << first.error().message();
  EXPECT_EQ(first->name, "/sentinel/test/plain");
  EXPECT_EQ(first->type, "String");
  EXPECT_EQ(first->value, "version: \"1\"\nrules: []\n");

  Put("/sentinel/test/plain", "changed", "String");
  auto second = ssm.GetParameter(kAnyKeys, "/sentinel/test/plain", true);
  ASSERT_TRUE(second.has_value()) << second.error().message();
  EXPECT_EQ(second->value, "changed");
  EXPECT_EQ(second->version, first->version + 1);
}

TEST_F(SsmMotoTest, DecryptsASecureString) {
  Put("/sentinel/test/secure", "rules: [] # secure", "SecureString");
  SsmClient ssm(http_, Endpoint(), clock_);
  auto decrypted = ssm.GetParameter(kAnyKeys, "/sentinel/test/secure", true);
  ASSERT_TRUE(decrypted.has_value()) << decrypted.error().message();
  EXPECT_EQ(decrypted->type, "SecureString");
  EXPECT_EQ(decrypted->value, "rules: [] # secure");
  EXPECT_GE(decrypted->version, 1);

  // Without decryption SSM hands back the ciphertext, not the text.
  auto encrypted = ssm.GetParameter(kAnyKeys, "/sentinel/test/secure", false);
  ASSERT_TRUE(encrypted.has_value()) << encrypted.error().message();
  EXPECT_NE(encrypted->value, "rules: [] # secure");
}

TEST_F(SsmMotoTest, AMissingParameterIsParameterNotFound) {
  SsmClient ssm(http_, Endpoint(), clock_);
  auto got = ssm.GetParameter(kAnyKeys, "/sentinel/test/absent", true);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(got.error().message().starts_with("ssm GetParameter: ParameterNotFound: "))
      << got.error().message();
}

}  // namespace
}  // namespace sentinel::aws
