// Signs requests built from fuzzed bytes, by header and by presigned URL. Signing must
// never crash, must fail only with kInvalidInput, and on success must leave a complete
// signature behind.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/sigv4.h"

namespace {

using sentinel::ErrorCode;
using sentinel::Secret;
using sentinel::aws::Credentials;
using sentinel::aws::FindHeader;
using sentinel::aws::HttpRequest;
using sentinel::aws::SigningParams;
using sentinel::aws::SigningSteps;

// Cuts the next '\n'-terminated field off `input` (the rest when there is no '\n').
std::string_view NextField(std::string_view& input) {
  const std::size_t end = input.find('\n');
  const std::string_view field = input.substr(0, end);
  input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  return field;
}

void Check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

}  // namespace

// Input layout: a flags byte, then "method\nurl\nName:value\n...\n\nbody".
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::uint8_t flags = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  HttpRequest request;
  request.method = std::string(NextField(input));
  request.url = std::string(NextField(input));
  for (std::string_view line = NextField(input); !line.empty(); line = NextField(input)) {
    const std::size_t colon = line.find(':');
    request.headers.emplace_back(
        std::string(line.substr(0, colon)),
        colon == std::string_view::npos ? std::string() : std::string(line.substr(colon + 1)));
  }
  request.body = std::string(input);

  Credentials credentials;
  credentials.access_key_id = "AKIDEXAMPLE";
  credentials.secret_access_key = Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  if ((flags & 1) != 0) {
    credentials.session_token = Secret("token/with+chars=");
  }
  SigningParams params;
  params.region = "eu-west-1";
  params.service = "sts";
  params.time = std::chrono::sys_seconds(std::chrono::seconds(1440938160));
  params.normalize_path = (flags & 2) != 0;
  params.double_encode_path = (flags & 4) != 0;
  params.sign_body = (flags & 8) != 0;
  params.omit_session_token = (flags & 16) != 0;

  const HttpRequest original = request;
  SigningSteps steps;
  auto signed_ok = sentinel::aws::SignRequest(request, credentials, params, &steps);
  if (signed_ok) {
    Check(steps.signature.Reveal().size() == 64);
    Check(FindHeader(request.headers, "Authorization").ends_with(steps.signature.Reveal()));
  } else {
    Check(signed_ok.error().code() == ErrorCode::kInvalidInput);
    Check(request.headers == original.headers);
  }

  auto url =
      sentinel::aws::PresignUrl(original, credentials, params, std::chrono::seconds(60), &steps);
  if (url) {
    Check(url->ends_with("X-Amz-Signature=" + steps.signature.Reveal()));
  } else {
    Check(url.error().code() == ErrorCode::kInvalidInput);
  }
  return 0;
}
