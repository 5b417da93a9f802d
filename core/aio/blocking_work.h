// What a badly behaved coroutine does on the loop's thread (or what it hands to a thread or a
// process): Python-calibrated CPU work and a blocking time.sleep(). The work notices `cancel` within
// a fraction of a millisecond and the stop signal ends the sleep at once, so a stopped run ends in
// time even while the loop is blocked.
#pragma once

#include "core/sync/stop_signal.h"

#include <atomic>
#include <cstdint>

namespace clab::aio {

// `for _ in range(iterations): count += 1` at CPython's speed on this machine (the threads
// engineer's calibration in core/workload). Returns false if cancelled part-way.
bool python_cpu_work(int64_t iterations, const std::atomic<bool>* cancel);
// How long that loop takes, in ns (used to size the blocking sleep so both blockers compare).
int64_t python_cpu_work_ns(int64_t iterations);
// time.sleep(ns): really blocks the calling thread until then or `stop` (optional). False if stopped.
bool blocking_sleep(int64_t ns, const StopSignal* stop);

} // namespace clab::aio
