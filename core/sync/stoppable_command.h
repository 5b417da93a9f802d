// A short helper program whose output we need (python3 asked for its version, through a pyenv
// shim that is itself a bash script running more programs) and that a Stop must not wait for.
//
// The program runs in a process group of its own, stdin and stderr on /dev/null, stdout into a
// pipe. We wait for its output and its end together with the stop signal (poll on the pipe, a
// pidfd and the signal's eventfd): a stop kills the whole group at once (SIGKILL to -pgid, so a
// shim's children go too) and reaps the program.
#pragma once

#include "stop_signal.h"

#include <optional>
#include <string>
#include <vector>

namespace clab {

struct CommandOutput {
    std::string out; // everything it wrote to stdout
    int status = -1; // as from waitpid; -1 when it never ran
};

// Runs argv (argv[0] looked up on PATH). nullopt when it could not be started, or when `stop`
// (optional) was requested before it ended: then nothing of its process group is left running.
std::optional<CommandOutput> run_stoppable(const std::vector<std::string>& argv, const StopSignal* stop);

} // namespace clab
