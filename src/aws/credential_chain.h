// Base credentials: what sentinel itself signs with before it assumes any role.
#ifndef SENTINEL_AWS_CREDENTIAL_CHAIN_H_
#define SENTINEL_AWS_CREDENTIAL_CHAIN_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credential_process.h"
#include "aws/credentials.h"
#include "aws/environment.h"
#include "aws/shared_config.h"
#include "core/error.h"

namespace sentinel::aws {

// Where base credentials were found.
enum class CredentialKind {
  kEnvironment,        // AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
  kStaticKeys,         // aws_access_key_id / aws_secret_access_key of a profile
  kCredentialProcess,  // the credential_process of a profile
};

// Base credentials and the roles between them and the profile asked for.
struct CredentialSource {
  Credentials credentials;
  CredentialKind kind = CredentialKind::kEnvironment;

  // The profile that was resolved: the one asked for, or the one the default chain
  // picked; "" when the default chain used environment variables.
  std::string profile;

  // The profile whose keys or credential_process gave the credentials; "" for the
  // environment.
  std::string holder;

  // Says where the credentials came from, for --debug and messages; never a secret:
  // "static keys of profile 'base' (/root/.aws/credentials: line 2)".
  std::string description;

  // Role profiles between the holder and `profile`, excluding both, in the order their
  // roles are to be assumed: the first with the base credentials, each next one with the
  // session of the one before; then `profile`'s own role_arn, if it has one.
  std::vector<Profile> role_chain;
};

// Finds the base credentials of `profile` (SPEC section 1):
//  - With source_profile: walks the source_profile chain to the first profile that holds
//    static keys or has no role_arn, and takes its credentials as the CLI's profile chain
//    does: keys from the credentials file, else its credential_process, else keys from the
//    config file. A role profile without static keys on the way is added to role_chain
//    and the walk continues at its source_profile (or, for `credential_source =
//    Environment`, ends at the environment's keys). A profile may name itself as
//    source_profile only when it holds static keys, as in the CLI.
//  - Without source_profile: the environment's keys first, then the profile's own static
//    keys or credential_process.
// Fails with kNotFound when `profile` does not exist; with kInvalidInput for a
// source_profile that does not exist, a cycle ("profile 'a': source_profile cycle: a -> b
// -> a"), a profile with no credentials (the hint says how to give it some), half a key
// pair, both source_profile and credential_source, or an unsupported credential_source;
// and with the errors of RunCredentialProcess. Messages never contain secrets.
[[nodiscard]] Result<CredentialSource> ResolveProfileSource(const SharedConfig& config,
                                                            std::string_view profile,
                                                            const Environment& env,
                                                            ProcessRunner& runner);

// The standard chain, for commands that identify the caller without a profile: the
// environment's keys; else the profile named by AWS_PROFILE (else AWS_DEFAULT_PROFILE,
// else "default"), resolved with ResolveProfileSource. Fails with kNotFound when the named
// profile does not exist, with kInvalidInput when nothing supplies credentials, and with
// the errors of ResolveProfileSource.
[[nodiscard]] Result<CredentialSource> ResolveDefaultChain(const SharedConfig& config,
                                                           const Environment& env,
                                                           ProcessRunner& runner);

// Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SECURITY_TOKEN (else
// AWS_SESSION_TOKEN, botocore's order) and AWS_CREDENTIAL_EXPIRATION. Returns nullopt when
// AWS_ACCESS_KEY_ID is unset. Fails with kInvalidInput when AWS_ACCESS_KEY_ID is set
// without AWS_SECRET_ACCESS_KEY, or AWS_CREDENTIAL_EXPIRATION is not RFC 3339.
[[nodiscard]] Result<std::optional<Credentials>> EnvironmentCredentials(const Environment& env);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_CREDENTIAL_CHAIN_H_
