#include "aws/sts_xml.h"

#include <algorithm>
#include <array>
#include <exception>
#include <pugixml.hpp>
#include <string>

#include "aws/printable.h"
#include "aws/xml_nodes.h"
#include "core/time_format.h"

namespace sentinel::aws {
namespace {

constexpr std::size_t kMaxCodeLength = 128;
constexpr std::size_t kMaxMessageLength = 1024;

using xml::Child;
using xml::LocalName;
using xml::Text;

bool IsInvalidInputCode(std::string_view code) {
  return code == "ValidationError" || code == "InvalidParameterValue" ||
         code == "MalformedPolicyDocument" || code == "PackedPolicyTooLarge";
}

bool MentionsDuration(std::string_view message) {
  for (std::string_view word : {"duration", "Duration"}) {
    if (message.find(word) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// One line of advice for the errors a user can act on. The duration hint is chosen by
// the message because AWS reports an over-long session as a plain ValidationError.
std::string HintFor(std::string_view action, std::string_view code, std::string_view message) {
  if (code == "ValidationError" && MentionsDuration(message)) {
    return "ask for a shorter session with --duration or the profile's duration_seconds; "
           "a role allows at most its MaxSessionDuration (1h unless raised)";
  }
  if (code == "ExpiredToken") {
    return "the base credentials have expired; refresh them and retry";
  }
  if (code == "InvalidClientTokenId") {
    return "AWS does not recognise the base access key; check the source profile's keys";
  }
  if (code == "SignatureDoesNotMatch") {
    return "check the base secret access key and that the system clock is right";
  }
  if (code == "RegionDisabledException") {
    return "STS is not active in this region; activate it or choose another --region";
  }
  if (code == "AccessDenied" && action == "AssumeRole") {
    return "the role's trust policy must allow this caller sts:AssumeRole and "
           "sts:SetSourceIdentity";
  }
  return {};
}

// Reads one action's response; every failure names the action and the HTTP status.
class ResponseReader {
 public:
  ResponseReader(std::string_view action, long status) : action_(action), status_(status) {}

  std::unexpected<Error> Unreadable(std::string_view why) const {
    return Fail(ErrorCode::kUnavailable, "sts " + std::string(action_) +
                                             ": unreadable response (HTTP " +
                                             std::to_string(status_) + "): " + std::string(why));
  }

  // Parses `body` into `doc` and returns the action's Result element, or the error that
  // an AWS error document or an unusable body stands for.
  Result<pugi::xml_node> Load(pugi::xml_document& doc, std::string_view body) const {
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
    const pugi::xml_node result = Child(root, std::string(action_) + "Result");
    if (!result) {
      return Unreadable("missing " + std::string(action_) + "Result");
    }
    return result;
  }

  // The trimmed text at `path` ("Credentials/AccessKeyId") below `from`; missing or
  // empty is an error naming the path.
  Result<std::string> Required(pugi::xml_node from, std::string_view path) const {
    pugi::xml_node node = from;
    std::size_t start = 0;
    while (start <= path.size()) {
      const std::size_t slash = std::min(path.find('/', start), path.size());
      node = Child(node, path.substr(start, slash - start));
      if (!node) {
        return Unreadable("missing " + std::string(path.substr(0, slash)));
      }
      start = slash + 1;
    }
    const std::string_view text = Text(node);
    if (text.empty()) {
      return Unreadable("empty " + std::string(path));
    }
    return std::string(text);
  }

  // Required() for each of `paths`, in order; the first failure is the error.
  template <std::size_t N>
  Result<std::array<std::string, N>> RequiredAll(pugi::xml_node from,
                                                 const std::string_view (&paths)[N]) const {
    std::array<std::string, N> values;
    for (std::size_t i = 0; i < N; ++i) {
      auto value = Required(from, paths[i]);
      if (!value) {
        return std::unexpected(value.error());
      }
      values[i] = std::move(*value);
    }
    return values;
  }

  // Credentials/{AccessKeyId, SecretAccessKey, SessionToken, Expiration} below `result`.
  // Errors name the field, never its value, except for the non-secret Expiration.
  Result<Credentials> ReadCredentials(pugi::xml_node result) const {
    auto fields = RequiredAll(result, {"Credentials/AccessKeyId", "Credentials/SecretAccessKey",
                                       "Credentials/SessionToken", "Credentials/Expiration"});
    if (!fields) {
      return std::unexpected(fields.error());
    }
    auto& [access_key_id, secret, token, expiration_text] = *fields;
    auto expiration = ParseTime(expiration_text);
    if (!expiration) {
      return Unreadable("Credentials/Expiration '" + Printable(expiration_text, 64) +
                        "' is not an RFC 3339 time");
    }
    return Credentials{std::move(access_key_id), Secret(std::move(secret)),
                       Secret(std::move(token)), *expiration};
  }

 private:
  // STS answers <ErrorResponse><Error>; the EC2-style <Response><Errors><Error> (which
  // moto also uses for authentication failures) is read the same way.
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
    std::string text = "sts " + std::string(action_) + ": " + Printable(code, kMaxCodeLength);
    if (message.empty()) {
      text += " (HTTP " + std::to_string(status_) + ")";
    } else {
      text += ": " + Printable(message, kMaxMessageLength);
    }
    const ErrorCode error_code =
        IsInvalidInputCode(code) ? ErrorCode::kInvalidInput : ErrorCode::kUnavailable;
    return Fail(error_code, std::move(text), HintFor(action_, code, message));
  }

  std::string_view action_;
  long status_;
};

}  // namespace

Result<CallerIdentity> ParseGetCallerIdentityResponse(long status, std::string_view body) {
  const ResponseReader reader("GetCallerIdentity", status);
  pugi::xml_document doc;
  auto result = reader.Load(doc, body);
  if (!result) {
    return std::unexpected(result.error());
  }
  auto fields = reader.RequiredAll(*result, {"Arn", "Account", "UserId"});
  if (!fields) {
    return std::unexpected(fields.error());
  }
  auto& [arn, account, user_id] = *fields;
  return CallerIdentity{std::move(arn), std::move(account), std::move(user_id)};
}

Result<AssumedRole> ParseAssumeRoleResponse(long status, std::string_view body) {
  const ResponseReader reader("AssumeRole", status);
  pugi::xml_document doc;
  auto result = reader.Load(doc, body);
  if (!result) {
    return std::unexpected(result.error());
  }
  auto credentials = reader.ReadCredentials(*result);
  if (!credentials) {
    return std::unexpected(credentials.error());
  }
  auto user = reader.RequiredAll(*result, {"AssumedRoleUser/Arn", "AssumedRoleUser/AssumedRoleId"});
  if (!user) {
    return std::unexpected(user.error());
  }
  auto& [arn, role_id] = *user;
  AssumedRole assumed{std::move(*credentials), std::move(arn), std::move(role_id), {}};
  const std::string_view source_identity = Text(Child(*result, "SourceIdentity"));
  if (!source_identity.empty()) {
    assumed.source_identity = std::string(source_identity);
  }
  return assumed;
}

Result<Credentials> ParseGetSessionTokenResponse(long status, std::string_view body) {
  const ResponseReader reader("GetSessionToken", status);
  pugi::xml_document doc;
  auto result = reader.Load(doc, body);
  if (!result) {
    return std::unexpected(result.error());
  }
  return reader.ReadCredentials(*result);
}

}  // namespace sentinel::aws
