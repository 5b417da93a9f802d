// The asyncio engine: runs an experiment as `asyncio.run(main())` on a real EventLoop, one
// coroutine task per spec task, on the Runner's thread.
//
//   sleep       each task: io_count × `await asyncio.sleep(io_ms)`
//   net         each task: open_connection to the loopback slow server, io_count requests of io_ms
//               (write a line, drain, readexactly the reply); `concurrency` > 0 wraps each task in
//               `async with Semaphore(concurrency)`
//   cpu         each task counts to `iterations` without awaiting: it blocks the loop
//   mixed       task 0 is cpu; the others do io_count sleeps of io_ms and measure how late they wake
//   blend       cpu_percent % of `iterations` as CPU work, then io_count sleeps of the rest of io_ms
//   block-loop  task 0 first sleeps io_ms, then blocks: `blocker` cpu counts to `iterations`,
//               sleep calls time.sleep() for as long as that count takes; `offload` thread runs it
//               with asyncio.to_thread, process with loop.run_in_executor on a ProcessPoolExecutor
//               (process_executor.h: the real pool, started by the first submit). The other tasks tick every
//               io_ms, io_count times, and measure their lateness: the loop lag.
//
// The GIL (`gil`, `switch_interval_ms`): the loop's thread and the default executor's threads are
// Python threads of one interpreter and share one GIL, as in CPython. A CPU-bound count handed to
// asyncio.to_thread keeps the GIL, so each wake-up of the loop waits about one switch interval for
// it (GIL lane, GilWait on the loop lane); with `gil: off` the ticks stay on time. A process
// offload has its own GIL in the child.
//
// Summary: loop_iterations, task_switches (task steps), max_loop_lag_s (the longest any callback
// waited from becoming ready to running: a timer or tick after its due time, a task step after it
// was queued, an I/O callback after select() reported its fd ready), slow_callbacks
// (debug mode, >= 100 ms), io latencies, gil_switches and forced_switches. Cancel: a watcher thread turns
// the run's stop into main_task.cancel() through call_soon_threadsafe; blocking work checks it itself.
// Everything is closed and joined before run() returns.
#pragma once

#include "core/workload/calibrated_engine.h"

namespace clab::aio {

class AsyncioEngine final : public CalibratedEngine {
public:
    void run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) override;
};

} // namespace clab::aio
