// Reading SNS Query API responses: success documents and AWS error documents.
#ifndef SENTINEL_AWS_SNS_XML_H_
#define SENTINEL_AWS_SNS_XML_H_

#include <string>
#include <string_view>

#include "core/error.h"

namespace sentinel::aws {

// Each parser takes the HTTP status and body of one SNS call and returns its result, or:
//   - for an AWS error document (<ErrorResponse><Error><Code/><Message/></Error>, or
//     <Response><Errors><Error> alike), whatever the status:
//     "sns <Action>: <Code>: <Message>" (or "sns <Action>: <Code> (HTTP <status>)" when
//     the message is empty), with a hint where one helps, and the code
//       kUnavailable, worth sending again later, when the status is 5xx or 429, the code
//       is a throttling or internal error (Throttled, Throttling, KMSThrottling,
//       InternalError, ...), or it blames the sender's credentials, which a later command
//       may have fresh (ExpiredToken, RequestExpired, InvalidClientTokenId,
//       SignatureDoesNotMatch, UnrecognizedClientException);
//       kInvalidInput, never worth sending again, for every other error (NotFound,
//       AuthorizationError, InvalidParameter, KMSDisabled, ...), which SNS sends as 4xx;
//   - for any other body it cannot use (not XML, truncated, another document, a missing
//     or empty field, a non-2xx status without an AWS error document):
//     "sns <Action>: unreadable response (HTTP <status>): <what is wrong>", kInvalidInput
//     when the status is 4xx other than 429 (the request was refused as it is), otherwise
//     kUnavailable.
// IsPermanentSnsError tells the two apart for callers that retry.
// Element names are matched by local name, so any namespace prefix is accepted. Values
// are trimmed of surrounding whitespace. Server text in messages is made printable and
// cut to length. Pure functions of their input, safe to call from any thread.

// PublishResponse/PublishResult/MessageId.
[[nodiscard]] Result<std::string> ParsePublishResponse(long status, std::string_view body);

// CreateTopicResponse/CreateTopicResult/TopicArn.
[[nodiscard]] Result<std::string> ParseCreateTopicResponse(long status, std::string_view body);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_SNS_XML_H_
