#include "aws/sns.h"

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "aws/printable.h"
#include "aws/sigv4.h"
#include "aws/sns_xml.h"
#include "core/text.h"

namespace sentinel::aws {
namespace {

constexpr std::string_view kApiVersion = "2010-03-31";
constexpr std::size_t kMaxMessageBytes = 256 * 1024;
constexpr std::size_t kMaxAttributes = 10;
constexpr std::size_t kMaxNameLength = 256;

std::unexpected<Error> InvalidParameter(std::string_view action, std::string_view what) {
  return Fail(ErrorCode::kInvalidInput, "sns " + std::string(action) + ": " + std::string(what));
}

bool IsTopicNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

bool IsTopicName(std::string_view name) {
  if (name.ends_with(".fifo")) {
    name.remove_suffix(5);
  }
  if (name.empty() || name.size() > kMaxNameLength) {
    return false;
  }
  for (char c : name) {
    if (!IsTopicNameChar(c)) {
      return false;
    }
  }
  return true;
}

bool IsDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return !text.empty();
}

// Region names are lower-case letters, digits and '-' ("eu-west-1", "us-gov-west-1").
bool IsRegionName(std::string_view text) {
  if (text.empty() || text.size() > 63) {
    return false;
  }
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// SNS's rules for message attribute names, checked here so a bad name is a clear local
// error instead of an InvalidParameter round trip.
bool IsAttributeName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string_view::npos || StartsWithIgnoringCase(name, "AWS.") ||
      StartsWithIgnoringCase(name, "Amazon.")) {
    return false;
  }
  for (char c : name) {
    if (!IsTopicNameChar(c) && c != '.') {
      return false;
    }
  }
  return true;
}

Status ValidateMessage(std::string_view message) {
  if (message.empty() || message.size() > kMaxMessageBytes) {
    return InvalidParameter("Publish", "Message must be 1 to " + std::to_string(kMaxMessageBytes) +
                                           " bytes, got " + std::to_string(message.size()));
  }
  if (!CountCharacters(message)) {
    return InvalidParameter("Publish", "Message is not valid UTF-8");
  }
  return {};
}

Status ValidateAttributes(const SnsStringAttributes& attributes) {
  if (attributes.size() > kMaxAttributes) {
    return InvalidParameter("Publish", "at most " + std::to_string(kMaxAttributes) +
                                           " message attributes are allowed, got " +
                                           std::to_string(attributes.size()));
  }
  for (const auto& [name, value] : attributes) {
    if (!IsAttributeName(name)) {
      return InvalidParameter(
          "Publish", "message attribute name '" + Printable(name, 64) + "' is not allowed by SNS");
    }
    if (value.empty() || !CountCharacters(value)) {
      return InvalidParameter("Publish",
                              "message attribute '" + name + "' needs a non-empty UTF-8 value");
    }
  }
  return {};
}

template <typename T>
Result<T> WithoutSecrets(Result<T> result, const Credentials& credentials) {
  if (!result) {
    return std::unexpected(WithoutSecrets(result.error(), credentials));
  }
  return result;
}

}  // namespace

Result<std::string> TopicArnRegion(std::string_view topic_arn) {
  // arn:partition:sns:region:account:name; the name holds no ':'.
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 6) {
    const std::size_t colon = topic_arn.find(':', start);
    if (colon == std::string_view::npos || parts.size() == 5) {
      parts.push_back(topic_arn.substr(start));
      break;
    }
    parts.push_back(topic_arn.substr(start, colon - start));
    start = colon + 1;
  }
  const bool valid = parts.size() == 6 && parts[0] == "arn" && !parts[1].empty() &&
                     parts[2] == "sns" && IsRegionName(parts[3]) && parts[4].size() == 12 &&
                     IsDigits(parts[4]) && IsTopicName(parts[5]);
  if (!valid) {
    return Fail(ErrorCode::kInvalidInput,
                "'" + Printable(topic_arn, 128) +
                    "' is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)");
  }
  return std::string(parts[3]);
}

bool IsPermanentSnsError(const Error& error) { return error.code() == ErrorCode::kInvalidInput; }

SnsClient::SnsClient(HttpClient& http, SnsEndpoint endpoint, const Clock& clock)
    : http_(http), endpoint_(std::move(endpoint)), clock_(clock) {}

Result<std::string> SnsClient::Publish(const Credentials& credentials, std::string_view topic_arn,
                                       std::string_view message,
                                       const SnsStringAttributes& attributes) {
  if (auto region = TopicArnRegion(topic_arn); !region) {
    return Fail(region.error(), "sns Publish");
  }
  if (auto valid = ValidateMessage(message); !valid) {
    return std::unexpected(valid.error());
  }
  if (auto valid = ValidateAttributes(attributes); !valid) {
    return std::unexpected(valid.error());
  }

  QueryParams params = {{"TopicArn", std::string(topic_arn)}, {"Message", std::string(message)}};
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    const std::string entry = "MessageAttributes.entry." + std::to_string(i + 1);
    params.emplace_back(entry + ".Name", attributes[i].first);
    params.emplace_back(entry + ".Value.DataType", "String");
    params.emplace_back(entry + ".Value.StringValue", attributes[i].second);
  }
  auto response = Call("Publish", params, credentials);
  if (!response) {
    return std::unexpected(response.error());
  }
  return WithoutSecrets(ParsePublishResponse(response->status, response->body), credentials);
}

Result<std::string> SnsClient::CreateTopic(const Credentials& credentials, std::string_view name) {
  if (name.ends_with(".fifo") || !IsTopicName(name)) {
    return InvalidParameter("CreateTopic", "topic name '" + Printable(name, 64) +
                                               "' must be 1 to 256 characters of A-Z a-z 0-9 _ -");
  }
  auto response = Call("CreateTopic", {{"Name", std::string(name)}}, credentials);
  if (!response) {
    return std::unexpected(response.error());
  }
  return WithoutSecrets(ParseCreateTopicResponse(response->status, response->body), credentials);
}

Result<HttpResponse> SnsClient::Call(std::string_view action, const QueryParams& params,
                                     const Credentials& credentials) {
  return SendQueryApiCall(http_, {"sns", kApiVersion, endpoint_.url, endpoint_.region}, action,
                          params, credentials, clock_.Now());
}

}  // namespace sentinel::aws
