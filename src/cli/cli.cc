#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/commands.h"
#include "cli/output.h"
#include "version.h"

namespace sentinel::cli {
namespace {

// Commands that register together. Building every command's flags costs a tenth of a
// `credentials` call, so only the family the command line names is built; help, a typo
// or no command at all builds them all, for CLI11's listing and suggestions.
struct CommandFamily {
  std::array<std::string_view, 6> names;  // unused places stay empty
  void (*add)(CLI::App&, CommandAction&);
  // Whether the family's commands also send notifications an earlier command left queued.
  bool delivers_notifications;
};

constexpr CommandFamily kFamilies[] = {
    {{"credentials"}, RegisterCredentials, false},
    {{"exec"}, RegisterExec, false},
    {{"whoami"}, RegisterWhoami, false},
    {{"policy"}, RegisterPolicy, false},
    {{"request", "list", "check", "approve", "deny", "cancel"}, RegisterRequests, true},
    {{"breakglass", "breakglass-list", "breakglass-check", "breakglass-close"},
     RegisterBreakGlass,
     true},
    {{"init"}, RegisterInit, true},
};

// The first word of the command line that is not a global flag or its value: the
// command's name, or "" when a flag other than the global ones comes first.
std::string_view ChosenCommand(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--config" || word == "--aws-profile") {
      ++i;
    } else if (word == "--debug" || word.starts_with("--config=") ||
               word.starts_with("--aws-profile=")) {
      continue;
    } else if (word.starts_with('-')) {
      return {};
    } else {
      return word;
    }
  }
  return {};
}

const CommandFamily* FindFamily(std::string_view command) {
  if (command.empty()) {
    return nullptr;
  }
  for (const CommandFamily& family : kFamilies) {
    if (std::find(family.names.begin(), family.names.end(), command) != family.names.end()) {
      return &family;
    }
  }
  return nullptr;
}

}  // namespace

int Main(int argc, char** argv) {
  // `--version` is answered before anything else is set up, so it costs no more than
  // starting the process.
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::fputs("sentinel " SENTINEL_VERSION "\n", stdout);
    return kExitOk;
  }

  CLI::App app("sentinel: a policy gate in front of AWS credentials", "sentinel");
  app.require_subcommand(1);
  GlobalFlags flags;
  app.add_option("--config", flags.config, "sentinel config file");
  app.add_option("--aws-profile", flags.aws_profile,
                 "act as whoever this AWS profile's base credentials belong to");
  app.add_flag("--debug", flags.debug, "diagnostics on stderr (never secrets)");
  app.set_version_flag("--version", "sentinel " SENTINEL_VERSION);

  CommandAction action;
  const std::string_view chosen = ChosenCommand(argc, argv);
  const CommandFamily* family = FindFamily(chosen);
  if (family == nullptr && !chosen.empty()) {
    return ReportError(Error(ErrorCode::kInvalidInput,
                             "unknown command '" + std::string(chosen) + "'",
                             "see `sentinel --help` for the commands"));
  }
  if (family != nullptr) {
    family->add(app, action);
  } else {
    for (const CommandFamily& each : kFamilies) {
      each.add(app, action);
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    ReportError(Error(ErrorCode::kInvalidInput, message, "see `sentinel --help`"));
    return kExitUsage;
  }
  if (!action) {
    return ReportError(Error(ErrorCode::kInternal, "no command was selected"));
  }
  Context context(flags);
  const int status = action(context);

  // Notifications left in the outbox by earlier commands go out with the next command of
  // the request and break-glass family; the credentials path stays free of that work.
  if (family != nullptr && family->delivers_notifications) {
    context.DeliverPendingNotifications();
  }
  return status;
}

}  // namespace sentinel::cli
