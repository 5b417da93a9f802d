#include "pool_engine.h"

#include "engine_common.h"
#include "process_pool.h"

namespace clab::proc {

namespace {
constexpr int64_t kCancelPollNs = 20'000'000; // the main thread looks at the cancel flag this often
}

void ProcessPoolEngine::run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) {
    if (const auto why = unsupported_workload(spec)) {
        summary.error = *why;
        return;
    }
    RunStats stats(ctx.recorder);
    const TaskParams params = task_params(spec);
    const auto payload = make_payload(spec);
    PoolOptions options;
    options.max_workers = spec.workers;
    options.method = spec.start_method;
    options.cpus = spec.cpus;
    options.parent_lane = ctx.main_lane;

    int tasks_done = 0;
    bool cancelled = false;
    {
        ProcessPool pool(options, stats);
        const std::vector<WorkFuturePtr> futures =
            pool.map(uint64_t(spec.tasks), spec.chunksize, params, payload);
        if (futures.empty()) summary.error = "the process pool could not start: " + pool.error();
        // for result in ex.map(...): in input order, whatever order they finish in.
        for (const WorkFuturePtr& future : futures) {
            while (!future->wait_for(kCancelPollNs))
                if (ctx.cancel.load(std::memory_order_relaxed)) break;
            if (ctx.cancel.load(std::memory_order_relaxed)) {
                cancelled = true;
                break;
            }
            if (!future->ok()) break;
            tasks_done += int(future->take_results().size());
        }
        if (cancelled)
            pool.terminate();
        else
            pool.shutdown(true, pool.broken());
        if (pool.broken()) {
            summary.broken = true;
            summary.error = pool.error();
        }
    } // the pool is gone: every worker reaped, its threads joined
    stats.fill(summary);
    summary.cancelled = summary.cancelled || cancelled;
    summary.completed = !cancelled && !summary.broken && summary.error.empty() && tasks_done == spec.tasks;
}

} // namespace clab::proc
