// The environment `sentinel exec` gives its child (SPEC section 4.2).
#ifndef SENTINEL_CLI_EXEC_ENV_H_
#define SENTINEL_CLI_EXEC_ENV_H_

#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "core/clock.h"

namespace sentinel::cli {

// Returns `parent` ("NAME=value" strings) with the issued credentials set
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION),
// AWS_REGION and AWS_DEFAULT_REGION when `region` is known, AWS_SENTINEL=<profile>, and
// without AWS_PROFILE, AWS_DEFAULT_PROFILE, AWS_SECURITY_TOKEN and AWS_CREDENTIAL_FILE, so
// the child's SDK uses these credentials and nothing else.
std::vector<std::string> BuildExecEnvironment(const std::vector<std::string>& parent,
                                              const aws::Credentials& credentials,
                                              TimePoint reported_expiration,
                                              const std::optional<std::string>& region,
                                              const std::string& profile);

}  // namespace sentinel::cli

#endif  // SENTINEL_CLI_EXEC_ENV_H_
