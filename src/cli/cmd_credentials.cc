// `sentinel credentials` and `sentinel exec` (SPEC 4.1, 4.2, 5).
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "app/issue.h"
#include "app/random.h"
#include "cli/child_process.h"
#include "cli/commands.h"
#include "cli/exec_env.h"
#include "cli/output.h"
#include "core/duration.h"
#include "core/ids.h"
#include "core/time_format.h"

extern char** environ;

namespace sentinel::cli {
namespace {

struct IssueFlags {
  std::string profile;
  std::optional<std::string> duration;
  std::optional<std::string> region;
};

struct Issued {
  app::IssuedSession session;
  std::optional<std::string> region;
};

void AddIssueFlags(CLI::App& command, IssueFlags& flags) {
  command.add_option("--profile", flags.profile, "AWS profile to issue credentials for")
      ->required();
  command.add_option("--duration", flags.duration, "session length, e.g. 1h or 45m");
  command.add_option("--region", flags.region, "AWS region for STS and the session");
}

// Decides and issues for `flags`: the whole of SPEC section 5.
Result<Issued> Issue(Context& context, const IssueFlags& flags) {
  app::IssueRequest request;
  request.profile = flags.profile;
  if (flags.duration) {
    auto duration = ParseDuration(*flags.duration);
    if (!duration) {
      return Fail(duration.error(), "--duration");
    }
    request.duration_flag = *duration;
  }

  auto config = context.AwsConfig();
  if (!config) {
    return std::unexpected(config.error());
  }
  auto profile = (*config)->GetProfile(flags.profile);
  if (!profile) {
    return std::unexpected(profile.error());
  }
  request.role_arn = profile->role_arn;
  request.external_id = profile->external_id;
  if (profile->duration_seconds) {
    request.profile_duration = std::chrono::seconds(*profile->duration_seconds);
  }

  auto session = context.OpenSession(flags.profile, flags.region);
  if (!session) {
    return std::unexpected(session.error());
  }
  auto policy = context.OpenPolicy(flags.profile, flags.region);
  if (!policy) {
    return std::unexpected(policy.error());
  }
  auto log = context.OpenDecisionLog();
  if (!log) {
    return std::unexpected(log.error());
  }
  app::SystemRandomSource random;
  app::IssuePorts ports{**session, **policy, **session, **log, random, context.clock(), [&context] {
                          return context.OpenStore();
                        }};
  auto issued = app::IssueCredentials(request, ports);
  if (!issued) {
    return std::unexpected(issued.error());
  }
  context.Debug("issued session " + *issued->entry.request_id + " for profile '" + flags.profile +
                "', expiring " + FormatTime(issued->expiration));
  return Issued{std::move(*issued), (*session)->region()};
}

int RunCredentials(Context& context, const IssueFlags& flags) {
  auto issued = Issue(context, flags);
  if (!issued) {
    return ReportError(issued.error());
  }
  const aws::Credentials& credentials = issued->session.credentials;
  nlohmann::ordered_json document;
  document["Version"] = 1;
  document["AccessKeyId"] = credentials.access_key_id;
  document["SecretAccessKey"] = credentials.secret_access_key.Reveal();
  document["SessionToken"] = credentials.session_token.Reveal();
  document["Expiration"] = FormatTime(issued->session.expiration);
  const std::string out = document.dump() + "\n";
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    return ReportError(Error(ErrorCode::kUnavailable, "writing credentials to stdout failed"));
  }
  return kExitOk;
}

std::vector<std::string> ParentEnvironment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    env.emplace_back(*entry);
  }
  return env;
}

int RunExec(Context& context, const IssueFlags& flags, std::vector<std::string> command) {
  if (auto nested = context.env().Get("AWS_SENTINEL")) {
    return ReportError(Error(ErrorCode::kInvalidInput,
                             "exec: already inside a sentinel session for profile '" + *nested +
                                 "' (AWS_SENTINEL is set)",
                             "exit that shell first, or unset AWS_SENTINEL"));
  }
  if (command.empty()) {
    command.push_back(context.env().Get("SHELL").value_or("/bin/sh"));
  }

  auto issued = Issue(context, flags);
  if (!issued) {
    return ReportError(issued.error());
  }
  const std::vector<std::string> env =
      BuildExecEnvironment(ParentEnvironment(), issued->session.credentials,
                           issued->session.expiration, issued->region, flags.profile);

  std::fflush(nullptr);
  auto status = RunChild(command, env);
  if (!status) {
    ReportError(status.error());
    return 127;
  }
  return *status;
}

}  // namespace

void RegisterCredentials(CLI::App& app, CommandAction& action) {
  auto flags = std::make_shared<IssueFlags>();
  CLI::App* command = app.add_subcommand("credentials", "print credentials for credential_process");
  AddIssueFlags(*command, *flags);
  command->callback([flags, &action] {
    action = [flags](Context& context) { return RunCredentials(context, *flags); };
  });
}

void RegisterExec(CLI::App& app, CommandAction& action) {
  auto flags = std::make_shared<IssueFlags>();
  auto command_line = std::make_shared<std::vector<std::string>>();
  CLI::App* command = app.add_subcommand("exec", "run a command with issued credentials");
  AddIssueFlags(*command, *flags);
  command->add_option("command", *command_line, "command and arguments (after --)");
  command->callback([flags, command_line, &action] {
    action = [flags, command_line](Context& context) {
      return RunExec(context, *flags, *command_line);
    };
  });
}

}  // namespace sentinel::cli
