#include <openssl/crypto.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "cli/commands.h"
#include "cli/output.h"
#include "version.h"

namespace sentinel::cli {

int Main(int argc, char** argv) {
  // `--version` is answered before anything else is set up, so it costs no more than
  // starting the process.
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::fputs("sentinel " SENTINEL_VERSION "\n", stdout);
    return kExitOk;
  }

  // OpenSSL frees its providers and tables from an atexit handler by default: a third of a
  // millisecond at the end of every `credentials` call, for memory the exit returns anyway.
  // This must come before OpenSSL's first use; a failure here only keeps the default.
  (void)OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);

  CLI::App app("sentinel: a policy gate in front of AWS credentials", "sentinel");
  app.require_subcommand(1);
  GlobalFlags flags;
  app.add_option("--config", flags.config, "sentinel config file");
  app.add_option("--aws-profile", flags.aws_profile,
                 "act as whoever this AWS profile's base credentials belong to");
  app.add_flag("--debug", flags.debug, "diagnostics on stderr (never secrets)");
  app.set_version_flag("--version", "sentinel " SENTINEL_VERSION);

  CommandAction action;
  RegisterCredentials(app, action);
  RegisterExec(app, action);
  RegisterWhoami(app, action);
  RegisterPolicy(app, action);
  RegisterRequests(app, action);
  RegisterBreakGlass(app, action);
  RegisterInit(app, action);

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
  static constexpr std::string_view kDelivering[] = {"init",
                                                     "request",
                                                     "list",
                                                     "check",
                                                     "approve",
                                                     "deny",
                                                     "cancel",
                                                     "breakglass",
                                                     "breakglass-list",
                                                     "breakglass-check",
                                                     "breakglass-close"};
  for (const CLI::App* chosen : app.get_subcommands()) {
    if (std::find(std::begin(kDelivering), std::end(kDelivering), chosen->get_name()) !=
        std::end(kDelivering)) {
      context.DeliverPendingNotifications();
      break;
    }
  }
  return status;
}

}  // namespace sentinel::cli
