#include "aws/sns_xml.h"

#include <gtest/gtest.h>

#include <string>

namespace sentinel::aws {
namespace {

// Shaped like SNS's answers (element order and namespace as SNS sends them; ids made up).
// Nothing follows the root element, so every strict prefix is truncated.
const std::string kPublishXml =
    R"(<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult>
    <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId>
  </PublishResult>
  <ResponseMetadata>
    <RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId>
  </ResponseMetadata>
</PublishResponse>)";

const std::string kCreateTopicXml =
    R"(<CreateTopicResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <CreateTopicResult>
    <TopicArn>arn:aws:sns:us-east-1:123456789012:sentinel</TopicArn>
  </CreateTopicResult>
  <ResponseMetadata><RequestId>a8dec8b3-33a4-11df-8963-01868b7c937a</RequestId></ResponseMetadata>
</CreateTopicResponse>)";

std::string ErrorXml(std::string_view code, std::string_view message) {
  return R"(<ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>)" +
         std::string(code) + "</Code><Message>" + std::string(message) +
         "</Message></Error><RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>"
         "</ErrorResponse>";
}

TEST(SnsXmlTest, ReadsTheMessageId) {
  auto id = ParsePublishResponse(200, kPublishXml);
  ASSERT_TRUE(id.has_value()) << id.error().message();
  EXPECT_EQ(*id, "567910cd-659e-55d4-8ccb-5aaf14679dc0");
}

TEST(SnsXmlTest, ReadsTheTopicArn) {
  auto arn = ParseCreateTopicResponse(200, kCreateTopicXml);
  ASSERT_TRUE(arn.has_value()) << arn.error().message();
  EXPECT_EQ(*arn, "arn:aws:sns:us-east-1:123456789012:sentinel");
}

TEST(SnsXmlTest, AcceptsAnyNamespacePrefix) {
  auto id = ParsePublishResponse(
      200,
      R"(<s:PublishResponse xmlns:s="x"><s:PublishResult><s:MessageId> m-1 </s:MessageId></s:PublishResult></s:PublishResponse>)");
  ASSERT_TRUE(id.has_value()) << id.error().message();
  EXPECT_EQ(*id, "m-1");
}

// Which AWS errors are worth sending again, and which never are.
TEST(SnsXmlTest, ClassifiesAwsErrors) {
  struct Case {
    long status;
    std::string_view code;
    ErrorCode want;
    bool hinted;
  };
  const Case cases[] = {
      {404, "NotFound", ErrorCode::kInvalidInput, true},
      {403, "AuthorizationError", ErrorCode::kInvalidInput, true},
      {400, "InvalidParameter", ErrorCode::kInvalidInput, false},
      {400, "InvalidParameterValue", ErrorCode::kInvalidInput, false},
      {400, "KMSDisabled", ErrorCode::kInvalidInput, false},
      {403, "InvalidSecurity", ErrorCode::kInvalidInput, false},
      {500, "InternalError", ErrorCode::kUnavailable, false},
      {503, "ServiceUnavailable", ErrorCode::kUnavailable, false},
      {502, "NotFound", ErrorCode::kUnavailable, true},  // a 5xx is retried whatever its code
      {429, "Throttled", ErrorCode::kUnavailable, false},
      {400, "Throttling", ErrorCode::kUnavailable, false},
      {400, "KMSThrottling", ErrorCode::kUnavailable, false},
      {403, "ExpiredToken", ErrorCode::kUnavailable, true},
      {403, "InvalidClientTokenId", ErrorCode::kUnavailable, false},
      {403, "SignatureDoesNotMatch", ErrorCode::kUnavailable, true},
      {400, "RequestExpired", ErrorCode::kUnavailable, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.code) + " " + std::to_string(c.status));
    auto got = ParsePublishResponse(c.status, ErrorXml(c.code, "it went wrong"));
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code(), c.want);
    EXPECT_EQ(got.error().message(), "sns Publish: " + std::string(c.code) + ": it went wrong");
    EXPECT_EQ(got.error().hint().empty(), !c.hinted) << got.error().hint();
  }
}

TEST(SnsXmlTest, NotFoundHintNamesTheSetting) {
  auto got = ParsePublishResponse(404, ErrorXml("NotFound", "Topic does not exist"));
  ASSERT_FALSE(got.has_value());
  EXPECT_NE(got.error().hint().find("notify.sns_topic_arn"), std::string::npos);
}

TEST(SnsXmlTest, ReadsTheEc2StyleErrorDocument) {
  auto got = ParseCreateTopicResponse(
      403,
      "<Response><Errors><Error><Code>AuthorizationError</Code><Message>no</Message></Error>"
      "</Errors></Response>");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(got.error().message(), "sns CreateTopic: AuthorizationError: no");
}

TEST(SnsXmlTest, ErrorWithoutMessageNamesTheStatus) {
  auto got = ParsePublishResponse(
      400, "<ErrorResponse><Error><Code>InvalidParameter</Code></Error></ErrorResponse>");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message(), "sns Publish: InvalidParameter (HTTP 400)");
}

TEST(SnsXmlTest, ServerTextIsMadePrintableAndCut) {
  auto got =
      ParsePublishResponse(400, ErrorXml("Bad\x1b[2J", "line\nbreak " + std::string(5000, 'x')));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message().find('\x1b'), std::string::npos);
  EXPECT_EQ(got.error().message().find('\n'), std::string::npos);
  EXPECT_LT(got.error().message().size(), 1300u);
}

TEST(SnsXmlTest, UnusableBodiesAreUnreadable) {
  struct Case {
    long status;
    std::string body;
    ErrorCode want;
    std::string_view message;
  };
  const Case cases[] = {
      {200, "", ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 200): not XML: No document element found at byte "
       "0"},
      {200, "{\"MessageId\":\"x\"}", ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 200): not XML: No document element found at byte "
       "17"},
      {200, "<CreateTopicResponse/>", ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 200): expected <PublishResponse>, got "
       "<CreateTopicResponse>"},
      {200, "<PublishResponse/>", ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 200): missing PublishResult"},
      {200, "<PublishResponse><PublishResult/></PublishResponse>", ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 200): missing PublishResult/MessageId"},
      {200,
       "<PublishResponse><PublishResult><MessageId> </MessageId></PublishResult></PublishResponse>",
       ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 200): empty PublishResult/MessageId"},
      {200,
       "<PublishResponse><PublishResult><MessageId>" + std::string(3000, 'a') +
           "</MessageId></PublishResult></PublishResponse>",
       ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 200): MessageId is longer than 2048 bytes"},
      {200, "<ErrorResponse><Error><Message>no code</Message></Error></ErrorResponse>",
       ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 200): AWS error document without a Code"},
      // A 4xx without an AWS error (a proxy's page) is refused as sent; a 5xx may pass.
      {403, "<html><body>Forbidden</body></html>", ErrorCode::kInvalidInput,
       "sns Publish: unreadable response (HTTP 403): no AWS error document in the body"},
      {503, "<html><body>Service Unavailable</body></html>", ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 503): no AWS error document in the body"},
      {429, "slow down", ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 429): not XML: No document element found at byte "
       "9"},
      {302, kPublishXml, ErrorCode::kUnavailable,
       "sns Publish: unreadable response (HTTP 302): no AWS error document in the body"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 80));
    auto got = ParsePublishResponse(c.status, c.body);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code(), c.want);
    EXPECT_EQ(got.error().message(), c.message);
  }
}

// Every strict prefix of a good answer is an error, never a crash or a success.
TEST(SnsXmlTest, EveryTruncationFails) {
  for (const std::string* xml : {&kPublishXml, &kCreateTopicXml}) {
    for (std::size_t size = 0; size < xml->size(); ++size) {
      const std::string_view prefix(xml->data(), size);
      auto publish = ParsePublishResponse(200, prefix);
      auto create = ParseCreateTopicResponse(200, prefix);
      ASSERT_FALSE(publish.has_value()) << size;
      ASSERT_FALSE(create.has_value()) << size;
      EXPECT_EQ(publish.error().code(), ErrorCode::kUnavailable);
      EXPECT_TRUE(publish.error().message().starts_with("sns Publish: unreadable response"));
    }
  }
}

// Flipping any byte of a good answer yields the same id, another id, or an error; never a
// crash. A flip inside the MessageId text changes the id and is not an error.
TEST(SnsXmlTest, CorruptedBytesNeverCrash) {
  int errors = 0;
  for (std::size_t at = 0; at < kPublishXml.size(); ++at) {
    for (char replacement : {'\0', '<', '>', '/', '"', '\xff'}) {
      std::string corrupted = kPublishXml;
      corrupted[at] = replacement;
      auto got = ParsePublishResponse(200, corrupted);
      if (!got) {
        ++errors;
        EXPECT_TRUE(got.error().message().starts_with("sns Publish: ")) << at;
      } else {
        EXPECT_FALSE(got->empty());
      }
    }
  }
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace sentinel::aws
