// AWS credentials as sentinel holds them.
#ifndef SENTINEL_AWS_CREDENTIALS_H_
#define SENTINEL_AWS_CREDENTIALS_H_

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/secret.h"

namespace sentinel::aws {

// A set of AWS credentials. The access key id is not secret and may be logged;
// the secret key and the session token are Secrets and print as "***".
struct Credentials {
  std::string access_key_id;
  Secret secret_access_key;
  Secret session_token;                 // empty for long-term IAM user keys
  std::optional<TimePoint> expiration;  // set for temporary credentials
};

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_CREDENTIALS_H_
