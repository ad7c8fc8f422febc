// The Amazon SNS client: publishing sentinel's lifecycle notifications to a topic.
#ifndef SENTINEL_AWS_SNS_H_
#define SENTINEL_AWS_SNS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/query_api.h"
#include "core/clock.h"
#include "core/error.h"

namespace sentinel::aws {

// Where SNS requests go and how they are signed. A topic lives in one region: publish
// through that region's endpoint (see TopicArnRegion).
struct SnsEndpoint {
  std::string url;     // "https://sns.eu-west-1.amazonaws.com" or "http://127.0.0.1:5000"
  std::string region;  // the SigV4 signing region, e.g. "eu-west-1"
};

// Message attributes of type String, sent in this order: {name, value}.
using SnsStringAttributes = std::vector<std::pair<std::string, std::string>>;

// Returns the region of a topic ARN ("arn:aws:sns:eu-west-1:123456789012:sentinel" ->
// "eu-west-1"). Fails with kInvalidInput, quoting the ARN, unless it has the form
// arn:<partition>:sns:<region>:<12-digit account>:<topic name of 1 to 256 characters of
// A-Z a-z 0-9 _ -, with an optional ".fifo" suffix>.
[[nodiscard]] Result<std::string> TopicArnRegion(std::string_view topic_arn);

// True when an error of this client means the same request would fail the same way
// again: the request was refused as it is (kInvalidInput: an unknown topic, missing
// permission, an invalid parameter, incomplete credentials). Every other failure (a
// transport failure, 5xx, throttling, expired or unrecognised credentials, an unreadable
// answer) may pass, and the call is worth repeating later.
bool IsPermanentSnsError(const Error& error);

// Calls SNS's Query API (POST, form-encoded, Version 2010-03-31) signed with SigV4 for
// service "sns". Every method signs with the Credentials it is given. Errors read
// "sns <Action>: <Code>: <AWS message>" for AWS errors (see sns_xml.h for which are
// kInvalidInput and which kUnavailable), "sns <Action> <endpoint URL>: <why>" for a
// transport or signing failure (kUnavailable, or kInvalidInput for an unusable URL), and
// kInvalidInput for parameters or credentials refused before anything is sent. No error
// message contains a secret key, session token or signature.
// The client holds references: `http` and `clock` must outlive it. Not thread-safe
// (HttpClient is used from one thread at a time).
class SnsClient {
 public:
  SnsClient(HttpClient& http, SnsEndpoint endpoint, const Clock& clock);

  // Publishes `message` (1 byte to 256 KiB of UTF-8) to `topic_arn` with `attributes`
  // as String message attributes (at most 10; names 1 to 256 characters of A-Z a-z 0-9
  // _ - . without a leading, trailing or doubled '.' and not starting with "AWS." or
  // "Amazon." in any case; values non-empty UTF-8), and returns the
  // MessageId SNS assigned. Fails with kInvalidInput before sending when these do not
  // hold or the ARN is malformed (TopicArnRegion).
  [[nodiscard]] Result<std::string> Publish(const Credentials& credentials,
                                            std::string_view topic_arn, std::string_view message,
                                            const SnsStringAttributes& attributes = {});

  // Creates the standard topic `name` (1 to 256 characters of A-Z a-z 0-9 _ -), or
  // finds it when it exists, and returns its ARN. For setup and tests.
  [[nodiscard]] Result<std::string> CreateTopic(const Credentials& credentials,
                                                std::string_view name);

  const SnsEndpoint& endpoint() const { return endpoint_; }

 private:
  // Signs and sends one Query API call; returns the raw response for the parser.
  Result<HttpResponse> Call(std::string_view action, const QueryParams& params,
                            const Credentials& credentials);

  HttpClient& http_;
  SnsEndpoint endpoint_;
  const Clock& clock_;
};

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_SNS_H_
