#include "aws/ssm.h"

#include <exception>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "aws/printable.h"
#include "aws/query_api.h"
#include "aws/sigv4.h"

namespace sentinel::aws {
namespace {

constexpr std::string_view kGetParameter = "GetParameter";
constexpr std::size_t kMaxCodeLength = 128;
constexpr std::size_t kMaxMessageLength = 1024;

using Json = nlohmann::json;

std::unexpected<Error> Unreadable(long status, std::string_view why) {
  return Fail(ErrorCode::kUnavailable, "ssm GetParameter: unreadable response (HTTP " +
                                           std::to_string(status) + "): " + std::string(why));
}

ErrorCode CodeFor(std::string_view code) {
  if (code == "ParameterNotFound" || code == "ParameterVersionNotFound") {
    return ErrorCode::kNotFound;
  }
  if (code == "ValidationException" || code == "InvalidKeyId") {
    return ErrorCode::kInvalidInput;
  }
  return ErrorCode::kUnavailable;
}

// One line of advice for the errors a user can act on.
std::string HintFor(std::string_view code) {
  if (code == "ParameterNotFound") {
    return "check the parameter name and that the region and account of the AWS profile in use "
           "are where it lives";
  }
  if (code == "AccessDeniedException") {
    return "the base credentials need ssm:GetParameter on the parameter (and kms:Decrypt on "
           "its key for a SecureString)";
  }
  if (code == "UnrecognizedClientException" || code == "InvalidSignatureException") {
    return "check the base credentials and that the system clock is right";
  }
  return {};
}

// The string member `key` of `object`, or nullptr when absent or not a string.
const std::string* StringMember(const Json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) {
    return nullptr;
  }
  return &found->get_ref<const std::string&>();
}

// SSM names the error in "__type", as "Code" or "<namespace>#Code".
std::unexpected<Error> AwsError(long status, const std::string& type, const Json& document) {
  std::string_view code = type;
  if (const std::size_t hash = code.rfind('#'); hash != std::string_view::npos) {
    code.remove_prefix(hash + 1);
  }
  if (code.empty()) {
    return Unreadable(status, "AWS error document with an empty __type");
  }
  const std::string* message = StringMember(document, "message");
  if (message == nullptr) {
    message = StringMember(document, "Message");
  }
  std::string text = "ssm GetParameter: " + Printable(code, kMaxCodeLength);
  if (message == nullptr || message->empty()) {
    text += " (HTTP " + std::to_string(status) + ")";
  } else {
    text += ": " + Printable(*message, kMaxMessageLength);
  }
  return Fail(CodeFor(code), std::move(text), HintFor(code));
}

// Parameter.Version: a positive integer that fits in 64 bits.
Result<std::int64_t> ReadVersion(long status, const Json& parameter) {
  const auto found = parameter.find("Version");
  if (found == parameter.end()) {
    return Unreadable(status, "missing Parameter.Version");
  }
  if (found->is_number_unsigned()) {
    const auto value = found->get<std::uint64_t>();
    if (value == 0 ||
        value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return Unreadable(status, "Parameter.Version is out of range");
    }
    return static_cast<std::int64_t>(value);
  }
  if (found->is_number_integer() && found->get<std::int64_t>() > 0) {
    return found->get<std::int64_t>();
  }
  return Unreadable(status, "Parameter.Version is not a positive integer");
}

Result<SsmParameter> ReadParameter(long status, const Json& document) {
  const auto parameter = document.find("Parameter");
  if (parameter == document.end() || !parameter->is_object()) {
    return Unreadable(status, "missing Parameter object");
  }
  SsmParameter out;
  for (auto [key, field] : {std::pair{"Name", &out.name}, std::pair{"Type", &out.type}}) {
    const std::string* value = StringMember(*parameter, key);
    if (value == nullptr || value->empty()) {
      return Unreadable(status, std::string("missing or empty Parameter.") + key);
    }
    *field = *value;
  }
  const std::string* value = StringMember(*parameter, "Value");
  if (value == nullptr) {
    return Unreadable(status, "missing Parameter.Value");
  }
  out.value = *value;
  auto version = ReadVersion(status, *parameter);
  if (!version) {
    return std::unexpected(version.error());
  }
  out.version = *version;
  return out;
}

// JSON string escaping for the request body, by the same library that reads the answer.
std::string GetParameterBody(std::string_view name, bool with_decryption) {
  Json body = Json::object();
  body["Name"] = std::string(name);
  body["WithDecryption"] = with_decryption;
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Result<SsmParameter> ParseGetParameterResponse(long status, std::string_view body) {
  try {
    const Json document = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded() || !document.is_object()) {
      if (status < 200 || status > 299) {
        return Unreadable(status, "no AWS error document in the body");
      }
      return Unreadable(status, "not a JSON object");
    }
    if (const std::string* type = StringMember(document, "__type")) {
      return AwsError(status, *type, document);
    }
    if (status < 200 || status > 299) {
      return Unreadable(status, "no AWS error document in the body");
    }
    return ReadParameter(status, document);
  } catch (const std::exception&) {
    return Unreadable(status, "out of memory while parsing");
  }
}

Result<HttpResponse> SendSsmCall(HttpClient& http, const SsmEndpoint& endpoint,
                                 std::string_view action, std::string body,
                                 const Credentials& credentials, TimePoint now) {
  HttpRequest request;
  request.method = "POST";
  request.url = QueryApiUrl(endpoint.url);
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "AmazonSSM." + std::string(action)}};
  request.body = std::move(body);
  const SigningParams signing{.region = endpoint.region, .service = "ssm", .time = now};
  return SendSignedCall(http, std::move(request), "ssm " + std::string(action), endpoint.url,
                        credentials, signing);
}

SsmClient::SsmClient(HttpClient& http, SsmEndpoint endpoint, const Clock& clock)
    : http_(http), endpoint_(std::move(endpoint)), clock_(clock) {}

Result<SsmParameter> SsmClient::GetParameter(const Credentials& credentials, std::string_view name,
                                             bool with_decryption) {
  if (name.empty() || name.size() > 2048) {
    return Fail(ErrorCode::kInvalidInput,
                "ssm GetParameter: the parameter name must be 1 to 2048 characters");
  }
  auto response = SendSsmCall(http_, endpoint_, kGetParameter,
                              GetParameterBody(name, with_decryption), credentials, clock_.Now());
  if (!response) {
    return std::unexpected(response.error());
  }
  auto parameter = ParseGetParameterResponse(response->status, response->body);
  if (!parameter) {
    return std::unexpected(WithoutSecrets(parameter.error(), credentials));
  }
  return parameter;
}

}  // namespace sentinel::aws
