// Reading STS Query API responses: success documents and AWS error documents.
#ifndef SENTINEL_AWS_STS_XML_H_
#define SENTINEL_AWS_STS_XML_H_

#include <string_view>

#include "aws/credentials.h"
#include "aws/sts.h"
#include "core/error.h"

namespace sentinel::aws {

// Each parser takes the HTTP status and body of one STS call and returns its result, or:
//   - for an <ErrorResponse><Error><Code/><Message/></Error> body (whatever the status;
//     <ErrorResponse> or <Response> with <Errors><Error> inside is read alike):
//     "sts <Action>: <Code>: <Message>" with kInvalidInput for ValidationError,
//     InvalidParameterValue, MalformedPolicyDocument and PackedPolicyTooLarge, and
//     kUnavailable for every other code, with a hint where one helps;
//   - for anything else it cannot use (not XML, truncated, another document, a non-2xx
//     status without an AWS error, a missing or empty field, a bad Expiration):
//     kUnavailable "sts <Action>: unreadable response (HTTP <status>): <what is wrong>".
// Element names are matched by local name, so any namespace prefix is accepted. Values
// are trimmed of surrounding whitespace. Error messages never quote a secret key or a
// session token; server text in them is made printable and cut to length.
// These are pure functions of their input, safe to call from any thread.

// GetCallerIdentityResponse/GetCallerIdentityResult/{Arn, Account, UserId}.
[[nodiscard]] Result<CallerIdentity> ParseGetCallerIdentityResponse(long status,
                                                                    std::string_view body);

// AssumeRoleResponse/AssumeRoleResult/{Credentials, AssumedRoleUser, SourceIdentity?}.
[[nodiscard]] Result<AssumedRole> ParseAssumeRoleResponse(long status, std::string_view body);

// GetSessionTokenResponse/GetSessionTokenResult/Credentials.
[[nodiscard]] Result<Credentials> ParseGetSessionTokenResponse(long status, std::string_view body);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_STS_XML_H_
