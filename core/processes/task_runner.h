// What one task does inside a worker process: the workload's real work, stamped as events. Kept
// apart from the worker loop so the loop reads like _process_worker and this reads like the
// lesson's Python function.
#pragma once

#include "wire.h"

#include <functional>

namespace clab::proc {

// Receives the events a task produces (lane 0 = the worker's own lane).
class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void add(EventKind kind, uint64_t arg = 0) noexcept = 0;
    // Called every ~50 ms during long work, so the parent sees progress live.
    virtual void progress() noexcept = 0;
    // Sends everything recorded so far now.
    virtual void flush() noexcept = 0;
};

// Runs task `task` of a call item and fills `result`. Records TaskBegin, Running, CpuMigrated,
// I/O waits and TaskEnd. If the task is params.crash_task, the process kills itself first.
void run_task(const CallItem& item, uint64_t task, EventSink& sink, TaskResult& result);

// The CPU part: `iterations` Python loop iterations of calibrated work, seeded by `seed`.
uint64_t python_loop(int64_t iterations, uint32_t steps_per_iteration, uint64_t seed, EventSink& sink);

} // namespace clab::proc
