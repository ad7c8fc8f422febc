// Feeds fuzzed bodies to the STS response parsers. Parsing must never crash; a failure
// must name its action and be kUnavailable, or kInvalidInput only for an AWS error
// document; a success must carry every required field.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/sts_xml.h"

namespace {

using sentinel::Error;
using sentinel::ErrorCode;
using sentinel::aws::Credentials;

void Check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void CheckError(const Error& error, std::string_view action) {
  Check(error.message().starts_with("sts " + std::string(action) + ": "));
  Check(error.code() == ErrorCode::kUnavailable || error.code() == ErrorCode::kInvalidInput);
}

void CheckCredentials(const Credentials& credentials) {
  Check(!credentials.access_key_id.empty());
  Check(!credentials.secret_access_key.empty());
  Check(!credentials.session_token.empty());
  Check(credentials.expiration.has_value());
}

}  // namespace

// Input layout: a selector byte (parser in the low two bits, HTTP status 200 or 400 by
// bit 2), then the body.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::uint8_t selector = data[0];
  const long status = (selector & 4) != 0 ? 400 : 200;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  switch (selector & 3) {
    case 0: {
      auto got = sentinel::aws::ParseGetCallerIdentityResponse(status, body);
      if (got) {
        Check(!got->arn.empty() && !got->account.empty() && !got->user_id.empty());
      } else {
        CheckError(got.error(), "GetCallerIdentity");
      }
      break;
    }
    case 1: {
      auto got = sentinel::aws::ParseAssumeRoleResponse(status, body);
      if (got) {
        CheckCredentials(got->credentials);
        Check(!got->assumed_role_arn.empty() && !got->assumed_role_id.empty());
      } else {
        CheckError(got.error(), "AssumeRole");
      }
      break;
    }
    default: {
      auto got = sentinel::aws::ParseGetSessionTokenResponse(status, body);
      if (got) {
        CheckCredentials(*got);
      } else {
        CheckError(got.error(), "GetSessionToken");
      }
      break;
    }
  }
  return 0;
}
