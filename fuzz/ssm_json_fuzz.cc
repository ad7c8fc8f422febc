// Feeds fuzzed bodies to the SSM GetParameter response parser. Parsing must never crash; a
// failure must name the action and carry one of the codes the parser documents; a success
// must come from a 2xx answer and carry every required field.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aws/ssm.h"

namespace {

using sentinel::ErrorCode;

void Check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

}  // namespace

// Input layout: a selector byte (HTTP status 200 or 400 by bit 0), then the body.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const long status = (data[0] & 1) != 0 ? 400 : 200;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  auto got = sentinel::aws::ParseGetParameterResponse(status, body);
  if (got) {
    Check(status == 200);
    Check(!got->name.empty() && !got->type.empty() && got->version > 0);
  } else {
    Check(got.error().message().starts_with("ssm GetParameter: "));
    const ErrorCode code = got.error().code();
    Check(code == ErrorCode::kUnavailable || code == ErrorCode::kNotFound ||
          code == ErrorCode::kInvalidInput);
  }
  return 0;
}
