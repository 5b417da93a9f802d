#include "pool_engine.h"

#include "core/workload/workload.h"
#include "engine_common.h"
#include "process_pool.h"

#include <memory>

namespace clab::proc {

void ProcessPoolEngine::run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) {
    if (const auto why = unsupported_workload(spec)) {
        summary.error = *why;
        return;
    }
    RunStats stats(ctx.recorder);
    const TaskParams params = task_params(spec);
    auto payload = make_payload(spec);
    // The parent's GIL: the main thread, the pool's manager and feeder threads share it (a
    // per-interpreter GIL changes nothing here: they all live in the main interpreter).
    std::unique_ptr<Gil> gil;
    if (spec.gil != GilMode::Off)
        gil = std::make_unique<Gil>(&ctx.recorder, ms_to_ns(spec.switch_interval_ms), &ctx.stop);
    PyThread main_thread(ctx.recorder, ctx.main_lane, gil.get(), ctx.stop);
    ctx.recorder.record(ctx.main_lane, EventKind::WorkerStart);
    main_thread.enter();
    PoolOptions options;
    options.max_workers = spec.workers;
    options.method = spec.start_method;
    options.cpus = spec.cpus;
    options.parent_lane = ctx.main_lane;
    options.gil = gil.get();
    options.submitter = &main_thread;
    options.stop = &ctx.stop;

    int tasks_done = 0;
    bool cancelled = false;
    {
        ProcessPool pool(options, stats);
        const std::vector<WorkFuturePtr> futures =
            // The call items hold the payload from here: the last of them frees it (on a stop, while
            // the killed workers are torn down).
            pool.map(uint64_t(spec.tasks), spec.chunksize, params, std::move(payload));
        // A stop before the first submit went through is no failure to start.
        if (futures.empty() && !ctx.stop.requested())
            summary.error = "the process pool could not start: " + pool.error();
        cancelled = ctx.stop.requested();
        // for result in ex.map(...): in input order, whatever order they finish in. Waiting for a
        // result (Future.result) runs without the GIL.
        for (const WorkFuturePtr& future : futures) {
            if (cancelled) break;
            if (!future->done()) {
                main_thread.begin_blocking(IoKind::Join);
                future->wait(ctx.stop);
                main_thread.end_blocking();
            }
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
        blame_dead_forkserver(spec, summary.error);
    } // the pool is gone: every worker reaped, its threads joined
    main_thread.leave(GilReleaseReason::Exit);
    ctx.recorder.record(ctx.main_lane, EventKind::WorkerExit);
    stats.fill(summary);
    if (gil) {
        summary.gil_switches = gil->switch_number() > 0 ? gil->switch_number() - 1 : 0;
        summary.forced_switches = gil->forced_switches();
    }
    summary.cancelled = summary.cancelled || cancelled;
    summary.completed = !cancelled && !summary.broken && summary.error.empty() && tasks_done == spec.tasks;
}

} // namespace clab::proc
