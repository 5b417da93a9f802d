#include "thread_engines.h"

#include "core/trace/recorder.h"
#include "core/workload/workload.h"
#include "gil_set.h"
#include "thread_pool.h"
#include "thread_start.h"

#include <thread>
#include <vector>

namespace clab {

namespace {

int64_t interval_ns(const ExperimentSpec& spec) {
    return ms_to_ns(spec.switch_interval_ms);
}

void fill_gil_counters(const GilSet& gils, Summary& summary) {
    summary.gil_switches = gils.switches();
    summary.forced_switches = gils.forced_switches();
}

// MainThread: runs Python from the start of the run to its end.
struct MainThread {
    MainThread(RunContext& ctx, GilSet& gils, const Workload& work)
        : thread(ctx.recorder, ctx.main_lane, gils.for_new_thread(), work.stop_signal()) {
        ctx.recorder.record(ctx.main_lane, EventKind::WorkerStart);
        thread.enter();
    }
    void exit() {
        thread.leave(GilReleaseReason::Exit);
        thread.recorder().record(thread.lane(), EventKind::WorkerExit);
    }
    PyThread thread;
};

// Runs a thread's Python code; an exception (bad_alloc, ...) ends the run with its message
// instead of std::terminate.
template <typename F> void run_guarded(Workload& work, const std::string& thread_name, F&& body) {
    try {
        body();
    } catch (const std::exception& e) {
        work.fail(thread_name + " failed: " + e.what());
    }
}

} // namespace

void SequentialEngine::run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) {
    GilSet gils(spec.gil, ctx.recorder, interval_ns(spec), ctx.stop);
    Workload work(spec, ctx);
    MainThread main(ctx, gils, work);
    for (int i = 0; i < spec.tasks; ++i)
        if (!work.run_task(main.thread, i)) break;
    work.finish(summary, ctx.main_lane);
    main.exit();
    fill_gil_counters(gils, summary);
}

void ThreadEngine::run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) {
    GilSet gils(spec.gil, ctx.recorder, interval_ns(spec), ctx.stop);
    Workload work(spec, ctx);
    MainThread main(ctx, gils, work);

    const int thread_count = spec.workers > 0 ? std::min(spec.workers, spec.tasks) : spec.tasks;
    ThreadGroup threads;
    for (int k = 0; k < thread_count && !main.thread.stopping(); ++k) {
        try {
            if (k % 256 == 255) threads.reap_finished(); // free the stacks of ended threads
            // Python names a thread "Thread-N (target)" from 3.10 on.
            const std::string name = "Thread-" + std::to_string(k + 1) + " (worker)";
            const uint32_t lane = ctx.recorder.add_lane(LaneKind::Thread, name, ctx.main_lane);
            Gil* gil = gils.for_new_thread();
            auto finished = std::make_shared<std::atomic<bool>>(false);
            // t.start(): returns once the new thread runs Python (see thread_start.h).
            std::thread thread =
                start_thread(&main.thread, [&, lane, gil, k, name, finished](StartedEvent& started) {
                    PyThread t(ctx.recorder, lane, gil, work.stop_signal());
                    ctx.recorder.record(lane, EventKind::WorkerStart);
                    t.enter();
                    started.set();
                    run_guarded(work, name, [&] {
                        for (int task = k; task < spec.tasks; task += thread_count)
                            if (!work.run_task(t, task)) break;
                    });
                    t.leave(GilReleaseReason::Exit);
                    ctx.recorder.record(lane, EventKind::WorkerExit);
                    finished->store(true, std::memory_order_release);
                });
            threads.add(std::move(thread), std::move(finished));
        } catch (const std::exception& e) {
            // RuntimeError: can't start new thread. The threads already started stop and are
            // joined below; the run ends with the reason.
            work.fail(thread_start_error(k + 1, thread_count, e));
        }
    }
    // for t in threads: t.join()  (blocks without the GIL)
    main.thread.begin_blocking(IoKind::Join);
    threads.join_all();
    main.thread.end_blocking();
    work.finish(summary, ctx.main_lane);
    main.exit();
    fill_gil_counters(gils, summary);
}

void ThreadPoolEngine::run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) {
    GilSet gils(spec.gil, ctx.recorder, interval_ns(spec), ctx.stop);
    Workload work(spec, ctx);
    MainThread main(ctx, gils, work);
    {
        ThreadPoolExecutor::Options options;
        options.max_workers = spec.workers;
        options.gil_for_thread = [&gils] { return gils.for_new_thread(); };
        ThreadPoolExecutor pool(ctx.recorder, work.stop_signal(), options);

        // list(executor.map(task, range(tasks))): submit everything, then results in input order.
        std::vector<std::shared_ptr<WorkFuture>> futures;
        futures.reserve(size_t(spec.tasks));
        for (int i = 0; i < spec.tasks && !main.thread.stopping(); ++i) {
            try {
                futures.push_back(pool.submit(
                    [&work, i](PyThread& t) {
                        run_guarded(work, "task " + std::to_string(i), [&] { work.run_task(t, i); });
                    },
                    &main.thread));
            } catch (const std::exception& e) {
                const long workers = std::min<long>(pool.max_workers(), spec.tasks);
                work.fail(thread_start_error(long(pool.threads_created()) + 1, workers, e));
            }
        }
        for (const auto& future : futures) {
            if (future->done()) continue;
            main.thread.begin_blocking(IoKind::Join);
            const bool ran = future->wait(work.stop_signal());
            main.thread.end_blocking();
            if (!ran) break;
        }
        // shutdown(wait=True) joins the workers, without the GIL.
        main.thread.begin_blocking(IoKind::Join);
        pool.shutdown();
        main.thread.end_blocking();
    }
    work.finish(summary, ctx.main_lane);
    main.exit();
    fill_gil_counters(gils, summary);
}

} // namespace clab
