#include "aws/sns_xml.h"

#include <algorithm>
#include <array>
#include <exception>
#include <pugixml.hpp>

#include "aws/printable.h"
#include "aws/xml_nodes.h"

namespace sentinel::aws {
namespace {

constexpr std::size_t kMaxCodeLength = 128;
constexpr std::size_t kMaxMessageLength = 1024;
constexpr std::size_t kMaxValueLength = 2048;

// Codes that say "not now" rather than "not this": SNS and KMS throttling, internal
// failures, and credentials that have run out or are unknown, which the next sentinel
// command (with the user's refreshed credentials) may not have.
constexpr std::array<std::string_view, 18> kRetryableCodes = {
    "Throttled",
    "ThrottledException",
    "Throttling",
    "ThrottlingException",
    "KMSThrottling",
    "KMSThrottlingException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "TooManyRequestsException",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
};

using xml::Child;
using xml::LocalName;
using xml::Text;

bool IsClientStatus(long status) { return status >= 400 && status <= 499 && status != 429; }

bool IsRetryable(long status, std::string_view code) {
  if (status >= 500 || status == 429) {
    return true;
  }
  return std::ranges::find(kRetryableCodes, code) != kRetryableCodes.end();
}

std::string HintFor(std::string_view action, std::string_view code) {
  if (code == "NotFound" && action == "Publish") {
    return "check notify.sns_topic_arn: the topic must exist in the region and account its "
           "ARN names";
  }
  if (code == "AuthorizationError") {
    return "the credentials sentinel signs with need sns:" + std::string(action) + " on the topic";
  }
  if (code == "ExpiredToken" || code == "ExpiredTokenException") {
    return "the credentials have expired; refresh them and the next sentinel command retries";
  }
  if (code == "SignatureDoesNotMatch") {
    return "check the secret access key and that the system clock is right";
  }
  return {};
}

// Reads one action's response; every failure names the action and the HTTP status.
class ResponseReader {
 public:
  ResponseReader(std::string_view action, long status) : action_(action), status_(status) {}

  std::unexpected<Error> Unreadable(std::string_view why) const {
    const ErrorCode code =
        IsClientStatus(status_) ? ErrorCode::kInvalidInput : ErrorCode::kUnavailable;
    return Fail(code, "sns " + std::string(action_) + ": unreadable response (HTTP " +
                          std::to_string(status_) + "): " + std::string(why));
  }

  // The trimmed text of <Action>Response/<Action>Result/<field>, or the error that an AWS
  // error document or an unusable body stands for.
  Result<std::string> ResultField(std::string_view body, std::string_view field) const {
    pugi::xml_document doc;
    pugi::xml_parse_result parsed;
    try {
      parsed = doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
    } catch (const std::exception&) {
      return Unreadable("out of memory while parsing");
    }
    if (!parsed) {
      return Unreadable("not XML: " + std::string(parsed.description()) + " at byte " +
                        std::to_string(parsed.offset));
    }
    const pugi::xml_node root = doc.document_element();
    if (LocalName(root) == "ErrorResponse" || LocalName(root) == "Response") {
      return AwsError(root);
    }
    if (status_ < 200 || status_ > 299) {
      return Unreadable("no AWS error document in the body");
    }
    const std::string response = std::string(action_) + "Response";
    if (LocalName(root) != response) {
      return Unreadable("expected <" + response + ">, got <" + Printable(root.name(), 64) + ">");
    }
    const std::string result_name = std::string(action_) + "Result";
    const pugi::xml_node result = Child(root, result_name);
    if (!result) {
      return Unreadable("missing " + result_name);
    }
    const pugi::xml_node node = Child(result, field);
    if (!node) {
      return Unreadable("missing " + result_name + "/" + std::string(field));
    }
    const std::string_view text = Text(node);
    if (text.empty()) {
      return Unreadable("empty " + result_name + "/" + std::string(field));
    }
    if (text.size() > kMaxValueLength) {
      return Unreadable(std::string(field) + " is longer than " + std::to_string(kMaxValueLength) +
                        " bytes");
    }
    return std::string(text);
  }

 private:
  std::unexpected<Error> AwsError(pugi::xml_node error_response) const {
    pugi::xml_node error = Child(error_response, "Error");
    if (!error) {
      error = Child(Child(error_response, "Errors"), "Error");
    }
    const std::string_view code = Text(Child(error, "Code"));
    if (code.empty()) {
      return Unreadable("AWS error document without a Code");
    }
    const std::string_view message = Text(Child(error, "Message"));
    std::string text = "sns " + std::string(action_) + ": " + Printable(code, kMaxCodeLength);
    if (message.empty()) {
      text += " (HTTP " + std::to_string(status_) + ")";
    } else {
      text += ": " + Printable(message, kMaxMessageLength);
    }
    const ErrorCode error_code =
        IsRetryable(status_, code) ? ErrorCode::kUnavailable : ErrorCode::kInvalidInput;
    return Fail(error_code, std::move(text), HintFor(action_, code));
  }

  std::string_view action_;
  long status_;
};

}  // namespace

Result<std::string> ParsePublishResponse(long status, std::string_view body) {
  return ResponseReader("Publish", status).ResultField(body, "MessageId");
}

Result<std::string> ParseCreateTopicResponse(long status, std::string_view body) {
  return ResponseReader("CreateTopic", status).ResultField(body, "TopicArn");
}

}  // namespace sentinel::aws
