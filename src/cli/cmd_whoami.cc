// `sentinel whoami` (SPEC 4.3).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"

namespace sentinel::cli {
namespace {

int RunWhoami(Context& context, const std::optional<std::string>& profile) {
  auto session = context.OpenSession(profile, std::nullopt);
  if (!session) {
    return ReportError(session.error());
  }
  auto caller = (*session)->Identify();
  if (!caller) {
    return ReportError(caller.error().WithContext("identifying the caller"));
  }
  nlohmann::ordered_json out;
  out["arn"] = caller->arn;
  out["account"] = caller->account;
  out["type"] = caller->type;
  out["user"] = caller->user;
  std::puts(out.dump().c_str());
  return kExitOk;
}

}  // namespace

void RegisterWhoami(CLI::App& app, CommandAction& action) {
  auto profile = std::make_shared<std::optional<std::string>>();
  CLI::App* command = app.add_subcommand("whoami", "show who AWS says you are");
  command->add_option("--profile", *profile, "AWS profile whose base credentials to use");
  command->callback([profile, &action] {
    action = [profile](Context& context) { return RunWhoami(context, *profile); };
  });
}

}  // namespace sentinel::cli
