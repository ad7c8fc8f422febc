// The AWS shared config file (~/.aws/config) and shared credentials file
// (~/.aws/credentials), read with the AWS CLI's semantics.
#ifndef SENTINEL_AWS_SHARED_CONFIG_H_
#define SENTINEL_AWS_SHARED_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/environment.h"
#include "aws/ini.h"
#include "core/error.h"
#include "core/secret.h"

namespace sentinel::aws {

// Where a setting was read: a file and a 1-based line.
struct ValueOrigin {
  std::string file;
  int line = 0;

  // Returns "<file>: line <line>", the prefix of every message about the setting.
  std::string ToString() const;
};

// A setting as written in a file, with where it was read. Never holds a secret key or a
// session token (see Profile::values).
struct ProfileValue {
  IniValue value;
  ValueOrigin origin;
  bool from_credentials_file = false;  // else from the config file
};

// An endpoint URL for one service, set in a `[services NAME]` section.
struct ServiceEndpointUrl {
  std::string url;
  ValueOrigin origin;
};

// One profile: the merge of its config-file section and its credentials-file section,
// the latter winning key by key, as in the CLI. Typed fields are validated; an absent
// key is nullopt.
struct Profile {
  std::string name;

  std::optional<std::string> role_arn;
  std::optional<std::string> source_profile;
  std::optional<std::string> credential_source;  // read so it can be refused clearly
  std::optional<std::string> external_id;
  std::optional<int> duration_seconds;  // 900..43200
  std::optional<std::string> region;
  std::optional<std::string> endpoint_url;
  std::optional<std::string> ca_bundle;  // PEM file of CAs to trust instead of the system's
  std::optional<std::string> credential_process;
  bool ignore_configured_endpoint_urls = false;

  std::optional<std::string> aws_access_key_id;
  std::optional<Secret> aws_secret_access_key;
  // aws_security_token (the older name) if set, else aws_session_token: botocore's order.
  std::optional<Secret> aws_session_token;
  // True when aws_access_key_id was read from the credentials file. The CLI prefers
  // such keys to credential_process, and credential_process to keys in the config file.
  bool access_key_in_credentials_file = false;

  // `services = NAME`: the `[services NAME]` section that holds per-service settings,
  // whether that section exists (the CLI fails when it does not, once it looks for an
  // endpoint there), and the endpoint URLs it sets, keyed by lower-case service id
  // ("sts", "dynamodb"). A service block that is not indented is ignored.
  std::optional<std::string> services;
  bool services_section_exists = false;
  std::map<std::string, ServiceEndpointUrl> service_endpoint_urls;

  // Every key of the profile, with its origin, except aws_secret_access_key,
  // aws_session_token and aws_security_token, which live only in the Secrets above.
  std::map<std::string, ProfileValue> values;

  // Where each key (including the secret ones) was read.
  std::map<std::string, ValueOrigin> origins;

  // Returns the origin of `key` as "<file>: line N", or "" when the profile lacks it.
  std::string Origin(std::string_view key) const;
};

// The two shared files, parsed. Immutable after loading; safe to share between threads.
class SharedConfig {
 public:
  // Reads AWS_CONFIG_FILE (default ~/.aws/config) and AWS_SHARED_CREDENTIALS_FILE
  // (default ~/.aws/credentials), both expanded with ExpandPath. A file that does not
  // exist reads as empty. Fails with kInvalidInput naming the file (and the line, for
  // syntax errors) when a file is not a regular file, cannot be opened, is over 16 MiB or
  // is malformed (see ParseIni); with kUnavailable when reading fails midway.
  [[nodiscard]] static Result<SharedConfig> Load(const Environment& env);

  // Builds from file contents already read; the paths are used in messages and as
  // origins. Fails like Load for malformed text.
  [[nodiscard]] static Result<SharedConfig> FromText(std::string_view config_text,
                                                     std::string config_path,
                                                     std::string_view credentials_text,
                                                     std::string credentials_path);

  const std::string& config_path() const { return config_path_; }
  const std::string& credentials_path() const { return credentials_path_; }

  // Returns the names of every profile, sorted.
  std::vector<std::string> ProfileNames() const;

  // True when a profile `name` exists in either file.
  bool HasProfile(std::string_view name) const;

  // Returns profile `name`. Profiles are `[default]` and `[profile NAME]` in the config
  // file (NAME split like a shell word, so `[profile "a b"]` is "a b"; other sections
  // such as a bare `[NAME]` are not profiles) and every `[NAME]` of the credentials file.
  // Fails with kNotFound (hint: some known profile names, closest first) when there is
  // no such profile, and with kInvalidInput "<file>: line N: profile 'x': <key> ..." when
  // a key sentinel reads is malformed: an indented block or several lines where one value
  // belongs; an empty role_arn, source_profile, credential_source, external_id,
  // credential_process, duration_seconds, aws_access_key_id or aws_secret_access_key; or
  // a duration_seconds that is not a whole number from 900 to 43200. Values of secret
  // keys never appear in messages.
  [[nodiscard]] Result<Profile> GetProfile(std::string_view name) const;

  // Returns the `[sso-session NAME]` or `[services NAME]` section, or nullptr. These are
  // kept aside from profiles, as in the CLI.
  const IniSection* FindSsoSession(std::string_view name) const;
  const IniSection* FindServices(std::string_view name) const;

 private:
  // The keys of one profile before validation, secret ones included.
  using RawProfile = std::map<std::string, ProfileValue>;

  Error NotFound(std::string_view name) const;

  std::string config_path_;
  std::string credentials_path_;
  std::map<std::string, RawProfile, std::less<>> profiles_;
  std::map<std::string, IniSection, std::less<>> sso_sessions_;
  std::map<std::string, IniSection, std::less<>> services_;
  std::vector<std::string> other_sections_;  // config sections that are not profiles
};

// Splits `text` into words like Python's shlex.split, as the CLI does for `[profile
// NAME]` headers: blanks separate words, '...' and "..." quote, a backslash escapes.
// Returns nullopt for an unclosed quote or a trailing backslash.
std::optional<std::vector<std::string>> SplitShellWords(std::string_view text);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_SHARED_CONFIG_H_
