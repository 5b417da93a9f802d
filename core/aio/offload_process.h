// Offload to a process (what ProcessPoolExecutor / run_in_executor(process_pool, ...) buys): a
// forked child does the blocking work and reports through a pipe the loop watches, so the loop
// stays free. A simple fork + pipe, always reaped; if the awaiting task is cancelled the child is
// killed and reaped.
//
// The child stamps when its work began and ended (CLOCK_MONOTONIC is system-wide) and sends both
// back; they are recorded on a Process lane ("Process-N") as Running .. WorkerExit.
#pragma once

#include "task.h"

#include <functional>

namespace clab::aio {

// Runs `work` in a forked child. `work` must be async-signal-safe in spirit: no locks, no
// threads (the parent may have many); CPU loops and nanosleep are fine.
Coro<void> run_in_process(std::function<void()> work, std::string lane_name);

} // namespace clab::aio
