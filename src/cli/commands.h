// Each command adds itself to the CLI11 app and runs through a Context.
#ifndef SENTINEL_CLI_COMMANDS_H_
#define SENTINEL_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/context.h"

namespace sentinel::cli {

// What a parsed command does; returns the process exit status.
using CommandAction = std::function<int(Context&)>;

// Each registers its subcommand(s) on `app`. When the user picks one, CLI11 calls back and
// the command stores its action in `action`, to be run after parsing.
void RegisterCredentials(CLI::App& app, CommandAction& action);
void RegisterExec(CLI::App& app, CommandAction& action);
void RegisterWhoami(CLI::App& app, CommandAction& action);
void RegisterPolicy(CLI::App& app, CommandAction& action);
// request, list, check, approve, deny, cancel (SPEC 4.4).
void RegisterRequests(CLI::App& app, CommandAction& action);
// breakglass, breakglass-list, breakglass-check, breakglass-close (SPEC 4.5).
void RegisterBreakGlass(CLI::App& app, CommandAction& action);
void RegisterInit(CLI::App& app, CommandAction& action);

// The example policy `sentinel init` writes.
std::string_view ExamplePolicy();

// Runs sentinel with the process's arguments; returns the exit status.
int Main(int argc, char** argv);

}  // namespace sentinel::cli

#endif  // SENTINEL_CLI_COMMANDS_H_
