#include "process_executor.h"

#include <stdexcept>

namespace clab::aio {

namespace {
proc::PoolOptions pool_options(EventLoop& loop, const ExperimentSpec& spec, RunContext& ctx) {
    proc::PoolOptions options;
    options.max_workers = spec.workers > 0 ? spec.workers : 1;
    options.method = spec.start_method;
    options.cpus = spec.cpus;
    options.parent_lane = loop.lane();
    options.gil = loop.python_thread().gil(); // the manager and feeder share the loop's GIL
    options.submitter = &loop.python_thread();
    options.stop = &ctx.stop;
    return options;
}
} // namespace

ProcessExecutor::ProcessExecutor(EventLoop& loop, const ExperimentSpec& spec, RunContext& ctx)
    : loop_(loop)
    , stats_(ctx.recorder)
    , pool_(pool_options(loop, spec, ctx), stats_) {}

ProcessExecutor::~ProcessExecutor() {
    pool_.terminate();
}

Coro<void> ProcessExecutor::run(proc::TaskParams params) {
    EventLoop& loop = loop_;
    const uint64_t job = ++next_job_;
    loop.record(loop.lane(), EventKind::ExecutorSubmit, job);
    // executor.submit: on the loop's thread; the first one starts the worker processes.
    const proc::WorkFuturePtr work = pool_.submit({job - 1}, params);
    if (!work) throw std::runtime_error("the process pool refused the work: " + pool_.error());
    // wrap_future: the manager thread completes `work`; the loop learns it through its wake-up.
    auto done = make_future<void>(loop);
    EventLoop* lp = &loop;
    work->add_done_callback([lp, done, job] {
        lp->call_soon_threadsafe([lp, done, job] {
            lp->record(lp->lane(), EventKind::ExecutorDone, job);
            if (!done->done()) done->set_result();
        });
    });
    co_await done;
    if (!work->ok()) throw std::runtime_error("the offloaded call failed: " + work->error());
}

void ProcessExecutor::shutdown(Summary& summary) {
    pool_.shutdown(true);
    stats_.fill(summary);
}

} // namespace clab::aio
