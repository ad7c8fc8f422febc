// Running `sentinel exec`'s command as a child and relaying signals to it.
#ifndef SENTINEL_CLI_CHILD_PROCESS_H_
#define SENTINEL_CLI_CHILD_PROCESS_H_

#include <string>
#include <vector>

#include "core/error.h"

namespace sentinel::cli {

// Starts `argv[0]` (searched in PATH) with `argv` and exactly the environment `envp`, waits
// for it, and returns the status `sentinel exec` must exit with: the child's exit status,
// or 128+N when signal N killed it. While the child runs, SIGINT, SIGTERM, SIGHUP, SIGQUIT,
// SIGUSR1, SIGUSR2 and SIGWINCH sent to sentinel with kill(2) are passed on to the child;
// the same signals raised by the terminal already reach the child (it is in the same
// foreground process group) and are not sent twice. Fails with kInvalidInput when the
// command cannot be started (not found, not executable) and kInternal when fork fails.
[[nodiscard]] Result<int> RunChild(const std::vector<std::string>& argv,
                                   const std::vector<std::string>& envp);

}  // namespace sentinel::cli

#endif  // SENTINEL_CLI_CHILD_PROCESS_H_
