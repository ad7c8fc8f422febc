#include "cli/exec_env.h"

#include <array>
#include <string_view>

#include "core/time_format.h"

namespace sentinel::cli {
namespace {

std::string_view NameOf(std::string_view entry) { return entry.substr(0, entry.find('=')); }

}  // namespace

std::vector<std::string> BuildExecEnvironment(const std::vector<std::string>& parent,
                                              const aws::Credentials& credentials,
                                              TimePoint reported_expiration,
                                              const std::optional<std::string>& region,
                                              const std::string& profile) {
  // Variables that would make the child's SDK look elsewhere for credentials, plus the ones
  // set below (so they are not duplicated).
  static constexpr std::array<std::string_view, 12> kDropped = {
      "AWS_PROFILE",        "AWS_DEFAULT_PROFILE",
      "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_FILE",
      "AWS_ACCESS_KEY_ID",  "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",  "AWS_CREDENTIAL_EXPIRATION",
      "AWS_REGION",         "AWS_DEFAULT_REGION",
      "AWS_SENTINEL",       "AWS_SESSION_EXPIRATION"};
  std::vector<std::string> env;
  env.reserve(parent.size() + 8);
  for (const std::string& entry : parent) {
    const std::string_view name = NameOf(entry);
    bool dropped = false;
    for (std::string_view d : kDropped) {
      dropped = dropped || name == d;
    }
    if (!dropped || (!region && (name == "AWS_REGION" || name == "AWS_DEFAULT_REGION"))) {
      env.push_back(entry);
    }
  }
  env.push_back("AWS_ACCESS_KEY_ID=" + credentials.access_key_id);
  env.push_back("AWS_SECRET_ACCESS_KEY=" + credentials.secret_access_key.Reveal());
  if (!credentials.session_token.empty()) {
    env.push_back("AWS_SESSION_TOKEN=" + credentials.session_token.Reveal());
  }
  env.push_back("AWS_CREDENTIAL_EXPIRATION=" + FormatTime(reported_expiration));
  if (region) {
    env.push_back("AWS_REGION=" + *region);
    env.push_back("AWS_DEFAULT_REGION=" + *region);
  }
  env.push_back("AWS_SENTINEL=" + profile);
  return env;
}

}  // namespace sentinel::cli
