#include "aws/credential_chain.h"

#include <algorithm>
#include <utility>

#include "aws/quoted.h"
#include "core/time_format.h"

namespace sentinel::aws {
namespace {

std::string ProfileLabel(std::string_view name) { return "profile " + Quoted(name); }

// The name as Quoted shows it, without the quotes, for the arrows of a cycle.
std::string Bare(std::string_view name) {
  const std::string quoted = Quoted(name);
  return quoted.substr(1, quoted.size() - 2);
}

// How the config file writes the section of profile `name`.
std::string ConfigHeader(std::string_view name) {
  return name == "default" ? "[default]" : "[profile " + std::string(name) + "]";
}

bool HasStaticKeys(const Profile& profile) {
  return profile.aws_access_key_id.has_value() || profile.aws_secret_access_key.has_value();
}

// The key pair of `profile`; half a pair is an error rather than a reason to look elsewhere,
// so that sentinel never signs as someone the user did not mean.
Result<Credentials> StaticKeys(const Profile& profile) {
  if (!profile.aws_access_key_id.has_value()) {
    return Fail(ErrorCode::kInvalidInput,
                profile.Origin("aws_secret_access_key") + ": " + ProfileLabel(profile.name) +
                    ": aws_secret_access_key is set but aws_access_key_id is not");
  }
  if (!profile.aws_secret_access_key.has_value()) {
    return Fail(ErrorCode::kInvalidInput,
                profile.Origin("aws_access_key_id") + ": " + ProfileLabel(profile.name) +
                    ": aws_access_key_id is set but aws_secret_access_key is not");
  }
  Credentials credentials;
  credentials.access_key_id = *profile.aws_access_key_id;
  credentials.secret_access_key = *profile.aws_secret_access_key;
  if (profile.aws_session_token.has_value()) {
    credentials.session_token = *profile.aws_session_token;
  }
  return credentials;
}

CredentialSource FromEnvironment(Credentials credentials) {
  CredentialSource source;
  source.credentials = std::move(credentials);
  source.kind = CredentialKind::kEnvironment;
  source.description = "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  return source;
}

Result<CredentialSource> FromStaticKeys(const Profile& profile) {
  Result<Credentials> credentials = StaticKeys(profile);
  if (!credentials) {
    return std::unexpected(credentials.error());
  }
  CredentialSource source;
  source.credentials = std::move(*credentials);
  source.kind = CredentialKind::kStaticKeys;
  source.holder = profile.name;
  source.description = "static keys of " + ProfileLabel(profile.name) + " (" +
                       profile.Origin("aws_access_key_id") + ")";
  return source;
}

Result<CredentialSource> FromProcess(const Profile& profile, ProcessRunner& runner) {
  Result<Credentials> credentials =
      RunCredentialProcess(profile.name, *profile.credential_process, runner);
  if (!credentials) {
    return std::unexpected(credentials.error());
  }
  CredentialSource source;
  source.credentials = std::move(*credentials);
  source.kind = CredentialKind::kCredentialProcess;
  source.holder = profile.name;
  source.description = "credential_process of " + ProfileLabel(profile.name) + " (" +
                       profile.Origin("credential_process") + ")";
  return source;
}

Result<std::optional<CredentialSource>> AsOptional(Result<CredentialSource> source) {
  if (!source) {
    return std::unexpected(source.error());
  }
  return std::optional<CredentialSource>(std::move(*source));
}

// The credentials `profile` holds itself, in the order of the CLI's profile chain: keys
// from the credentials file, its credential_process, keys from the config file.
// Returns nullopt when it holds none.
Result<std::optional<CredentialSource>> OwnCredentials(const Profile& profile,
                                                       ProcessRunner& runner) {
  if (HasStaticKeys(profile) && profile.access_key_in_credentials_file) {
    return AsOptional(FromStaticKeys(profile));
  }
  if (profile.credential_process.has_value()) {
    return AsOptional(FromProcess(profile, runner));
  }
  if (HasStaticKeys(profile)) {
    return AsOptional(FromStaticKeys(profile));
  }
  return std::optional<CredentialSource>();
}

// `credential_source = Environment` is the one credential_source sentinel can honour;
// instance and container metadata are not its business.
Result<CredentialSource> FromCredentialSource(const Profile& profile, const Environment& env) {
  if (*profile.credential_source != "Environment") {
    return Fail(ErrorCode::kInvalidInput,
                profile.Origin("credential_source") + ": " + ProfileLabel(profile.name) +
                    ": credential_source " + Quoted(*profile.credential_source) +
                    " is not supported (only Environment is)",
                "use source_profile = NAME to name a profile that holds keys");
  }
  Result<std::optional<Credentials>> credentials = EnvironmentCredentials(env);
  if (!credentials) {
    return std::unexpected(credentials.error());
  }
  if (!credentials->has_value()) {
    return Fail(ErrorCode::kInvalidInput,
                ProfileLabel(profile.name) +
                    ": credential_source is Environment, but AWS_ACCESS_KEY_ID is not set");
  }
  return FromEnvironment(std::move(**credentials));
}

std::unexpected<Error> BothSources(const Profile& profile) {
  return Fail(ErrorCode::kInvalidInput, profile.Origin("credential_source") + ": " +
                                            ProfileLabel(profile.name) +
                                            ": has both source_profile and credential_source; "
                                            "keep one");
}

std::unexpected<Error> Cycle(std::string_view target, const std::vector<std::string>& path) {
  std::string arrows;
  for (const std::string& name : path) {
    arrows += (arrows.empty() ? "" : " -> ") + Bare(name);
  }
  return Fail(ErrorCode::kInvalidInput, ProfileLabel(target) + ": source_profile cycle: " + arrows,
              "a profile may name itself as source_profile only when it holds "
              "aws_access_key_id and aws_secret_access_key");
}

std::unexpected<Error> NoCredentials(const SharedConfig& config, const Profile& profile) {
  return Fail(ErrorCode::kInvalidInput,
              ProfileLabel(profile.name) +
                  " has no credentials: no source_profile, no aws_access_key_id and "
                  "aws_secret_access_key, no credential_process, and AWS_ACCESS_KEY_ID is not "
                  "set",
              "add 'source_profile = NAME' or 'credential_process = COMMAND' under " +
                  ConfigHeader(profile.name) + " in " + config.config_path() + ", or keys under [" +
                  profile.name + "] in " + config.credentials_path());
}

std::unexpected<Error> SourceHasNoCredentials(const SharedConfig& config, std::string_view target,
                                              const Profile& source) {
  return Fail(ErrorCode::kInvalidInput,
              ProfileLabel(target) + ": source_profile " + Quoted(source.name) +
                  " has no credentials: no aws_access_key_id and aws_secret_access_key and no "
                  "credential_process",
              "add keys under [" + source.name + "] in " + config.credentials_path() +
                  ", or 'credential_process = COMMAND' under " + ConfigHeader(source.name) +
                  " in " + config.config_path());
}

std::unexpected<Error> RoleWithoutSource(std::string_view target, const Profile& role) {
  std::string hint;
  if (role.credential_process.has_value()) {
    hint =
        "a profile with role_arn takes its credentials from source_profile, so its "
        "credential_process is not used";
  }
  return Fail(ErrorCode::kInvalidInput,
              ProfileLabel(target) + ": source_profile " + Quoted(role.name) +
                  " has role_arn but neither source_profile nor credential_source",
              std::move(hint));
}

// The credentials of `holder`, the source_profile of `parent`, which must have some.
Result<CredentialSource> HolderCredentials(const SharedConfig& config, std::string_view parent,
                                           const Profile& holder, ProcessRunner& runner) {
  Result<std::optional<CredentialSource>> own = OwnCredentials(holder, runner);
  if (!own) {
    return std::unexpected(own.error());
  }
  if (!own->has_value()) {
    return SourceHasNoCredentials(config, parent, holder);
  }
  return std::move(**own);
}

// Attaches the roles met on the walk (nearest the target first) in assuming order.
Result<CredentialSource> WithRoles(Result<CredentialSource> source,
                                   const std::vector<Profile>& roles) {
  if (source) {
    source->role_chain.assign(roles.rbegin(), roles.rend());
  }
  return source;
}

// Follows source_profile from `target`, which has one.
Result<CredentialSource> WalkSourceProfiles(const SharedConfig& config, const Profile& target,
                                            const Environment& env, ProcessRunner& runner) {
  if (target.credential_source.has_value()) {
    return BothSources(target);
  }
  if (*target.source_profile == target.name) {
    if (!HasStaticKeys(target)) {
      return Cycle(target.name, {target.name, target.name});
    }
    return HolderCredentials(config, target.name, target, runner);
  }

  std::vector<std::string> path = {target.name};
  std::vector<Profile> roles;  // nearest the target first
  std::string parent = target.name;
  std::string next = *target.source_profile;
  while (true) {
    const bool seen = std::ranges::find(path, next) != path.end();
    path.push_back(next);
    if (seen) {
      return Cycle(target.name, path);
    }
    Result<Profile> profile = config.GetProfile(next);
    if (!profile) {
      return Fail(ErrorCode::kInvalidInput,
                  ProfileLabel(parent) + ": source_profile: " + profile.error().message(),
                  profile.error().hint());
    }

    // As in the CLI, static keys beat a role, and a profile without a role holds the
    // credentials whatever else it says.
    if (HasStaticKeys(*profile) || !profile->role_arn.has_value()) {
      return WithRoles(HolderCredentials(config, parent, *profile, runner), roles);
    }
    if (profile->credential_source.has_value()) {
      if (profile->source_profile.has_value()) {
        return BothSources(*profile);
      }
      roles.push_back(*profile);
      return WithRoles(FromCredentialSource(*profile, env), roles);
    }
    if (!profile->source_profile.has_value()) {
      return RoleWithoutSource(target.name, *profile);
    }
    roles.push_back(*profile);
    parent = next;
    next = *profile->source_profile;
  }
}

// A profile without source_profile: the environment's keys, then its own.
Result<CredentialSource> WithoutSourceProfile(const SharedConfig& config, const Profile& target,
                                              const Environment& env, ProcessRunner& runner) {
  if (target.credential_source.has_value()) {
    return FromCredentialSource(target, env);
  }
  Result<std::optional<Credentials>> from_env = EnvironmentCredentials(env);
  if (!from_env) {
    return std::unexpected(from_env.error());
  }
  if (from_env->has_value()) {
    return FromEnvironment(std::move(**from_env));
  }
  Result<std::optional<CredentialSource>> own = OwnCredentials(target, runner);
  if (!own) {
    return std::unexpected(own.error());
  }
  if (!own->has_value()) {
    return NoCredentials(config, target);
  }
  return std::move(**own);
}

}  // namespace

Result<std::optional<Credentials>> EnvironmentCredentials(const Environment& env) {
  const std::optional<std::string> access_key_id = env.Get("AWS_ACCESS_KEY_ID");
  if (!access_key_id.has_value()) {
    return std::optional<Credentials>();
  }
  std::optional<std::string> secret_access_key = env.Get("AWS_SECRET_ACCESS_KEY");
  if (!secret_access_key.has_value()) {
    return Fail(ErrorCode::kInvalidInput,
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
                "set both, or unset AWS_ACCESS_KEY_ID to use a profile");
  }

  Credentials credentials;
  credentials.access_key_id = *access_key_id;
  credentials.secret_access_key = Secret(std::move(*secret_access_key));
  for (std::string_view name : {"AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"}) {
    if (std::optional<std::string> token = env.Get(name)) {
      credentials.session_token = Secret(std::move(*token));
      break;
    }
  }
  if (std::optional<std::string> expiration = env.Get("AWS_CREDENTIAL_EXPIRATION")) {
    Result<TimePoint> time = ParseTime(*expiration);
    if (!time) {
      return Fail(time.error(), "AWS_CREDENTIAL_EXPIRATION");
    }
    credentials.expiration = *time;
  }
  return std::optional<Credentials>(std::move(credentials));
}

Result<CredentialSource> ResolveProfileSource(const SharedConfig& config, std::string_view profile,
                                              const Environment& env, ProcessRunner& runner) {
  Result<Profile> target = config.GetProfile(profile);
  if (!target) {
    return std::unexpected(target.error());
  }
  Result<CredentialSource> source = target->source_profile.has_value()
                                        ? WalkSourceProfiles(config, *target, env, runner)
                                        : WithoutSourceProfile(config, *target, env, runner);
  if (source) {
    source->profile = std::string(profile);
  }
  return source;
}

Result<CredentialSource> ResolveDefaultChain(const SharedConfig& config, const Environment& env,
                                             ProcessRunner& runner) {
  Result<std::optional<Credentials>> from_env = EnvironmentCredentials(env);
  if (!from_env) {
    return std::unexpected(from_env.error());
  }
  if (from_env->has_value()) {
    return FromEnvironment(std::move(**from_env));
  }

  std::string variable = "AWS_PROFILE";
  std::optional<std::string> name = env.Get(variable);
  if (!name.has_value()) {
    variable = "AWS_DEFAULT_PROFILE";
    name = env.Get(variable);
  }
  if (!name.has_value()) {
    if (!config.HasProfile("default")) {
      return Fail(ErrorCode::kInvalidInput,
                  "no credentials: AWS_ACCESS_KEY_ID and AWS_PROFILE are not set and there is no "
                  "[default] profile in " +
                      config.config_path() + " or " + config.credentials_path(),
                  "set AWS_PROFILE, or pass --aws-profile NAME");
    }
    name = "default";
  } else if (!config.HasProfile(*name)) {
    Result<Profile> missing = config.GetProfile(*name);
    return Fail(missing.error(), variable);
  }
  return ResolveProfileSource(config, *name, env, runner);
}

}  // namespace sentinel::aws
