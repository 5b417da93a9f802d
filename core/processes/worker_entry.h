// The worker mode of our executables. The spawn start method execs the running binary with
// argv[1] == "__clab_worker__"; the forkserver is the same binary with "__clab_forkserver__".
// Every main() that may run process experiments (the app, the test and benchmark programs) calls
// maybe_run_process_worker() first, before Qt, GoogleTest or anything else starts.
#pragma once

namespace clab {

// Runs the worker or the forkserver and returns its exit code when argv asks for one; otherwise
// returns -1 and records that this executable can be spawned as a worker.
int maybe_run_process_worker(int argc, char** argv);

} // namespace clab

namespace clab::proc {
inline constexpr const char* kWorkerFlag = "__clab_worker__";
inline constexpr const char* kForkserverFlag = "__clab_forkserver__";

// A fresh worker (spawned, or forked by the forkserver): reads its Preparation from the control
// pipe, sets itself up and runs the worker loop. Returns the exit code.
int run_spawned_worker();
} // namespace clab::proc
