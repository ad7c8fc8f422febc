#include "aws/query_api.h"

#include <gtest/gtest.h>

namespace sentinel::aws {
namespace {

TEST(QueryApiTest, FormEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(FormEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(FormEncode("a b+c&d=e/f:g"), "a%20b%2Bc%26d%3De%2Ff%3Ag");
  EXPECT_EQ(FormEncode("\xc3\xa9\n"), "%C3%A9%0A");
  EXPECT_EQ(FormEncode(std::string_view("\0", 1)), "%00");
  EXPECT_EQ(FormEncode(""), "");
}

TEST(QueryApiTest, QueryBodyPutsActionAndVersionFirst) {
  EXPECT_EQ(QueryBody("Publish", "2010-03-31", {}), "Action=Publish&Version=2010-03-31");
  EXPECT_EQ(QueryBody("Publish", "2010-03-31", {{"A.b", "x y"}, {"C", ""}}),
            "Action=Publish&Version=2010-03-31&A.b=x%20y&C=");
}

TEST(QueryApiTest, QueryApiUrlAddsTheRootPathOnlyWhenMissing) {
  EXPECT_EQ(QueryApiUrl("http://127.0.0.1:5000"), "http://127.0.0.1:5000/");
  EXPECT_EQ(QueryApiUrl("https://sns.eu-west-1.amazonaws.com/"),
            "https://sns.eu-west-1.amazonaws.com/");
  EXPECT_EQ(QueryApiUrl("https://h/prefix"), "https://h/prefix");
  EXPECT_EQ(QueryApiUrl("https://h?x=1"), "https://h?x=1");
}

TEST(QueryApiTest, WithoutSecretsMasksKeyAndTokenEverywhere) {
  const Credentials credentials{"AKID", Secret("s3cr3t"), Secret("t0k"), {}};
  const Error error(ErrorCode::kUnavailable, "s3cr3t and t0k and s3cr3ts3cr3t", "hint");
  const Error masked = WithoutSecrets(error, credentials);
  EXPECT_EQ(masked.message(), "*** and *** and ******");
  EXPECT_EQ(masked.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(masked.hint(), "hint");
  // A secret that the mask itself contains must not loop.
  const Credentials starry{"AKID", Secret("*"), Secret(), {}};
  EXPECT_EQ(WithoutSecrets(Error(ErrorCode::kInternal, "a*b"), starry).message(), "a***b");
}

}  // namespace
}  // namespace sentinel::aws
