// Who is asking: the user name that policies match, derived from a caller's ARN.
#ifndef SENTINEL_AWS_IDENTITY_H_
#define SENTINEL_AWS_IDENTITY_H_

#include <string>
#include <string_view>

#include "core/error.h"

namespace sentinel::aws {

// The kinds of caller sentinel recognises, as `Identity::type` spells them.
inline constexpr std::string_view kIdentityIamUser = "iam-user";
inline constexpr std::string_view kIdentityAssumedRole = "assumed-role";
inline constexpr std::string_view kIdentityFederatedUser = "federated-user";
inline constexpr std::string_view kIdentityRoot = "root";

// A caller as `sentinel whoami` prints it and as policies see it.
struct Identity {
  std::string arn;      // the caller's ARN, as STS GetCallerIdentity returned it
  std::string account;  // the 12-digit account id
  std::string type;     // one of kIdentityIamUser, ..., kIdentityRoot
  std::string user;     // the string policy `users` match (see IdentityFromArn)

  friend bool operator==(const Identity&, const Identity&) = default;
};

// Derives the identity from GetCallerIdentity's `arn` and `account`:
//   arn:aws:iam::123456789012:user/path/alice               -> iam-user, "alice"
//   arn:aws:sts::123456789012:assumed-role/Role/session     -> assumed-role, "session"
//   arn:aws:sts::123456789012:federated-user/bob            -> federated-user, "bob"
//   arn:aws:iam::123456789012:root                          -> root, "root"
// in any partition (aws, aws-cn, aws-us-gov, ...). The ARN's account must equal `account`
// and names must be valid STS/IAM names. Any other shape fails with kUnavailable naming
// the ARN: sentinel never guesses who a caller is.
[[nodiscard]] Result<Identity> IdentityFromArn(std::string_view arn, std::string_view account);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_IDENTITY_H_
