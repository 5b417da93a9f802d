// loop.run_in_executor(ProcessPoolExecutor(max_workers), fn): the processes engine's real pool
// (core/processes/process_pool.h) behind an asyncio future, as in CPython:
//
//   - the submit runs on the loop's thread, holding the loop's GIL. The pool's first submit starts
//     its worker processes from there (fork: all of them, with the manager and feeder threads;
//     spawn and forkserver: one, and the forkserver itself the first time), so the loop and every
//     timer due meanwhile wait for those starts, as lesson 17's warm-up line explains;
//   - the manager thread completes the concurrent future; wrap_future's callback hands the news
//     to the loop with call_soon_threadsafe;
//   - the pool's manager and feeder are Python threads sharing the loop's GIL; each worker has
//     its own. The workers are shown on the per-core lanes (RunStats::watch_process), like the
//     processes engine's.
//
// `with ProcessPoolExecutor() as pool:` ends with shutdown(): call it once the loop has finished;
// the destructor terminates whatever still runs (a Stop).
#pragma once

#include "core/experiment/engine.h"
#include "core/processes/process_pool.h"
#include "task.h"

namespace clab::aio {

class ProcessExecutor {
public:
    // Workers under `loop`'s lane; `spec` gives the start method, the pool size (workers, 0: one,
    // as lesson 17's ProcessPoolExecutor(max_workers=1)) and the cores (cpus).
    ProcessExecutor(EventLoop& loop, const ExperimentSpec& spec, RunContext& ctx);
    ~ProcessExecutor();
    ProcessExecutor(const ProcessExecutor&) = delete;
    ProcessExecutor& operator=(const ProcessExecutor&) = delete;

    // await loop.run_in_executor(pool, fn): one call item doing `params`' work in a worker.
    // Throws if the pool is broken or the work failed.
    Coro<void> run(proc::TaskParams params);
    // executor.shutdown(wait=True), then the pool's figures (process start, bytes, workers).
    void shutdown(Summary& summary);

private:
    EventLoop& loop_;
    proc::RunStats stats_;
    proc::ProcessPool pool_;
    uint64_t next_job_ = 0;
};

} // namespace clab::aio
