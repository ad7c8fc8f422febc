// Feeds fuzzed bodies to the SNS response parsers. Parsing must never crash; a failure
// must name its action and be kUnavailable or kInvalidInput, and kInvalidInput (which
// makes the outbox give a notification up) only for a 4xx status or an AWS error
// document; a success must carry a non-empty value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/sns_xml.h"

namespace {

using sentinel::Error;
using sentinel::ErrorCode;
using sentinel::Result;

void Check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void CheckResult(const Result<std::string>& got, std::string_view action, long status,
                 std::string_view body) {
  if (got) {
    Check(!got->empty());
    Check(status >= 200 && status <= 299);
    return;
  }
  const Error& error = got.error();
  Check(error.message().starts_with("sns " + std::string(action) + ": "));
  Check(error.code() == ErrorCode::kUnavailable || error.code() == ErrorCode::kInvalidInput);
  if (error.code() == ErrorCode::kInvalidInput) {
    // Only a 4xx, or an AWS error document (which needs a Code element), is permanent.
    const bool client_status = status >= 400 && status <= 499 && status != 429;
    Check(client_status || body.find("Code") != std::string_view::npos);
  }
  if (status >= 500 || status == 429) {
    Check(error.code() == ErrorCode::kUnavailable);
  }
}

constexpr long kStatuses[] = {200, 400, 403, 404, 429, 500, 503, 302};

}  // namespace

// Input layout: a selector byte (parser in bit 0, HTTP status from kStatuses by bits 1 to
// 3), then the body.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::uint8_t selector = data[0];
  const long status = kStatuses[(selector >> 1) & 7];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  if ((selector & 1) == 0) {
    CheckResult(sentinel::aws::ParsePublishResponse(status, body), "Publish", status, body);
  } else {
    CheckResult(sentinel::aws::ParseCreateTopicResponse(status, body), "CreateTopic", status, body);
  }
  return 0;
}
