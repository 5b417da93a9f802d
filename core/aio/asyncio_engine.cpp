#include "asyncio_engine.h"

#include "aio.h"
#include "blocking_work.h"
#include "cancel_watcher.h"
#include "core/net/socket_util.h"
#include "core/threads/gil_set.h"
#include "core/trace/recorder.h"
#include "core/workload/calibration.h"
#include "core/workload/workload.h"
#include "process_executor.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace clab::aio {

namespace {

// What the tasks of one run share. Lives in AsyncioEngine::run until the loop is closed.
struct RunState {
    const ExperimentSpec& spec;
    RunContext& ctx;
    EventLoop& loop;
    int64_t io_ns;
    std::unique_ptr<Semaphore> semaphore;
    ProcessExecutor* processes = nullptr; // block-loop's ProcessPoolExecutor (offload: process)
    std::vector<int64_t> latencies_ns;    // one per wait or request, as the coroutine measured it
    int64_t max_tick_lag_ns = 0;
};

void throw_if_cancelled(bool finished) {
    if (!finished) throw CancelledError(); // the run was stopped inside blocking work
}

// `await asyncio.sleep(io)` io_count times; with `measure`, how late each wake-up came.
Coro<void> sleeper(RunState& st, int count, int64_t each_ns, bool measure) {
    for (int i = 0; i < count; ++i) {
        const int64_t start = now_ns();
        co_await sleep_ns(each_ns);
        if (measure) {
            const int64_t waited = now_ns() - start;
            st.latencies_ns.push_back(waited);
            st.max_tick_lag_ns = std::max(st.max_tick_lag_ns, waited - each_ns);
        }
    }
}

// Python work on the loop's thread: counts with the loop's GIL (a waiting executor thread gets
// it at the next drop request) and stops when the run is cancelled.
bool count_on_loop(RunState& st, int64_t iterations) {
    return st.loop.python_thread().run_iterations(iterations);
}

// A coroutine that never awaits while it counts: its one step holds the loop.
Coro<void> cpu_bound(RunState& st, int64_t iterations) {
    throw_if_cancelled(count_on_loop(st, iterations));
    co_return;
}

Coro<void> blend(RunState& st) {
    const int64_t cpu = st.spec.iterations * st.spec.cpu_percent / 100;
    throw_if_cancelled(count_on_loop(st, cpu));
    co_await sleeper(st, st.spec.io_count, st.io_ns * (100 - st.spec.cpu_percent) / 100, false);
}

Coro<void> net_client(RunState& st) {
    std::optional<SemaphoreSlot> slot; // async with semaphore:
    if (st.semaphore) {
        co_await st.semaphore->acquire();
        slot.emplace(*st.semaphore);
    }
    Connection conn = co_await open_connection(st.ctx.server_port);
    constexpr size_t kReplyBytes = 64;
    const std::string request = std::to_string(st.io_ns / 1000) + " " + std::to_string(kReplyBytes) + "\n";
    for (int i = 0; i < st.spec.io_count; ++i) {
        const int64_t start = now_ns();
        conn.writer->write(request);
        co_await conn.writer->drain();
        co_await conn.reader->readexactly(kReplyBytes);
        st.latencies_ns.push_back(now_ns() - start);
    }
    conn.writer->close();
}

// block-loop's bad coroutine.
Coro<void> blocker(RunState& st) {
    co_await sleep_ns(st.io_ns); // let the tickers get going first
    const int64_t iterations = st.spec.iterations;
    const bool cpu = st.spec.blocker == Blocker::Cpu;
    const int64_t sleep_ns_total = python_cpu_work_ns(iterations); // as long as the count would take
    switch (st.spec.offload) {
    case Offload::None: { // right here, on the loop's thread: everything else stalls
        if (cpu) {
            throw_if_cancelled(count_on_loop(st, iterations));
            break;
        }
        // time.sleep releases the GIL, but the loop is stuck all the same. Recorded on the task's
        // lane: the coroutine made the call.
        PyThread& python = st.loop.python_thread();
        const bool held = python.holds_gil();
        if (held) python.leave(GilReleaseReason::Io);
        const uint32_t lane = current_task()->lane();
        st.ctx.recorder.record(lane, EventKind::IoBegin, uint64_t(IoKind::Sleep));
        const bool finished = blocking_sleep(sleep_ns_total, &st.ctx.stop);
        st.ctx.recorder.record(lane, EventKind::IoEnd, uint64_t(sleep_ns_total));
        if (held) python.enter();
        throw_if_cancelled(finished);
        break;
    }
    case Offload::Thread: // await asyncio.to_thread(work): a Python thread sharing the loop's GIL
        throw_if_cancelled(co_await to_thread([=](PyThread& thread) {
            return cpu ? thread.run_iterations(iterations) : thread.blocking_sleep(sleep_ns_total);
        }));
        break;
    case Offload::Process: { // await loop.run_in_executor(process_pool, count / time.sleep)
        proc::TaskParams params;
        params.workload = cpu ? WorkloadKind::Cpu : WorkloadKind::Sleep;
        params.iterations = iterations;
        params.steps_per_iteration = calibration().steps_per_iteration;
        params.io_ms = double(sleep_ns_total) * 1e-6;
        params.io_count = 1;
        co_await st.processes->run(params);
        break;
    }
    }
}

Coro<void> task_body(RunState& st, int index) {
    const ExperimentSpec& s = st.spec;
    switch (s.workload) {
    case WorkloadKind::Sleep:
        return sleeper(st, s.io_count, st.io_ns, false);
    case WorkloadKind::Net:
        return net_client(st);
    case WorkloadKind::Cpu:
        return cpu_bound(st, s.iterations);
    case WorkloadKind::Mixed:
        return index == 0 ? cpu_bound(st, s.iterations) : sleeper(st, s.io_count, st.io_ns, true);
    case WorkloadKind::Blend:
        return blend(st);
    case WorkloadKind::BlockLoop:
        return index == 0 ? blocker(st) : sleeper(st, s.io_count, st.io_ns, true);
    default:
        break;
    }
    return sleeper(st, 0, 0, false);
}

// A task's lane name: asyncio's own "Task-N" and, as its repr shows it, the coroutine it runs
// (the names the lessons' snippets use). main() is Task-1; gather's tasks follow in order.
std::string task_lane_name(const ExperimentSpec& s, int index) {
    const char* coroutine = "sleeper";
    switch (s.workload) {
    case WorkloadKind::Net:
        coroutine = "fetch";
        break;
    case WorkloadKind::Cpu:
        coroutine = "compute";
        break;
    case WorkloadKind::Mixed:
        coroutine = index == 0 ? "compute" : "ticker";
        break;
    case WorkloadKind::Blend:
        coroutine = "async_task";
        break;
    case WorkloadKind::BlockLoop:
        coroutine = index == 0 ? "blocker" : "ticker";
        break;
    default:
        break;
    }
    return "Task-" + std::to_string(index + 2) + " (" + coroutine + ")";
}

// async def main(): await asyncio.gather(*(body(i) for i in range(tasks)))
Coro<void> main_coroutine(RunState& st) {
    std::vector<std::shared_ptr<Task<void>>> tasks;
    tasks.reserve(size_t(st.spec.tasks));
    for (int i = 0; i < st.spec.tasks; ++i)
        tasks.push_back(create_task(st.loop, task_body(st, i), task_lane_name(st.spec, i)));
    co_await gather(st.loop, tasks);
}

std::optional<std::string> unsupported(const ExperimentSpec& spec, const RunContext& ctx) {
    switch (spec.workload) {
    case WorkloadKind::Sleep:
    case WorkloadKind::Cpu:
    case WorkloadKind::Mixed:
    case WorkloadKind::Blend:
    case WorkloadKind::BlockLoop:
        return std::nullopt;
    case WorkloadKind::Net:
        if (ctx.server_port == 0)
            return "the net workload needs the loopback slow server (no port was given)";
        return std::nullopt;
    default:
        return "the " + std::string(to_string(spec.workload)) +
               " workload is not available on the asyncio engine (try sleep, net, cpu, mixed, blend or "
               "block-loop)";
    }
}

double median_ms(std::vector<int64_t> v) {
    if (v.empty()) return 0;
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    return double(v[v.size() / 2]) * 1e-6;
}

} // namespace

void AsyncioEngine::run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) {
    if (auto why = unsupported(spec, ctx)) {
        summary.error = *why;
        return;
    }
    net::raise_fd_limit(); // 10,000 connections

    // One GIL for the loop's thread and the executor's threads (gil: on), none (off), or one per
    // thread (per-interpreter). A process offload has its own GIL in its own process.
    GilSet gils(spec.gil, ctx.recorder, ms_to_ns(spec.switch_interval_ms), ctx.stop);
    LoopOptions options;
    options.recorder = &ctx.recorder;
    options.parent_lane = ctx.main_lane;
    options.debug = spec.debug;
    options.gil_for_thread = [&gils] { return gils.for_new_thread(); };
    options.stop = &ctx.stop;
    EventLoop loop(options);
    // with ProcessPoolExecutor() as pool: ... (destroyed before the loop: terminates on a Stop)
    std::optional<ProcessExecutor> processes;
    if (spec.workload == WorkloadKind::BlockLoop && spec.offload == Offload::Process)
        processes.emplace(loop, spec, ctx);
    RunState st{spec, ctx, loop, int64_t(spec.io_ms * 1e6), nullptr, processes ? &*processes : nullptr,
                {},   0};
    if (spec.concurrency > 0) st.semaphore = std::make_unique<Semaphore>(loop, spec.concurrency);
    st.latencies_ns.reserve(size_t(spec.tasks) * size_t(std::max(1, std::min(spec.io_count, 1000))));

    auto main = create_task(loop, main_coroutine(st), "Task-1 (main)"); // like asyncio.run(main())
    {
        CancelWatcher watcher(loop, ctx.stop, [main] { main->cancel(); });
        loop.run_until_done(main);
    }
    if (!main->cancelled()) {
        if (auto error = main->exception()) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                summary.error = std::string("a task failed: ") + e.what();
            }
        }
    }
    if (processes) processes->shutdown(summary); // the with block's end: waits for its work
    loop.close(); // cancels stragglers, joins the executor, closes every socket

    const LoopStats& stats = loop.stats();
    summary.loop_iterations = stats.iterations;
    summary.task_switches = stats.task_steps;
    summary.slow_callbacks = stats.slow_callbacks;
    // How late the loop got to something that was ready: any callback after it became ready (a
    // timer after its due time, a queued task step, an I/O callback after select() reported its fd
    // ready; each one's is recorded as CallbackLag), and a ticker's measured sleep after its end.
    summary.max_loop_lag_s = double(std::max(stats.max_callback_lag_ns, st.max_tick_lag_ns)) * 1e-9;
    summary.gil_switches = gils.switches();
    summary.forced_switches = gils.forced_switches();
    if (!st.latencies_ns.empty()) {
        summary.io_latency_max_ms =
            double(*std::max_element(st.latencies_ns.begin(), st.latencies_ns.end())) * 1e-6;
        summary.io_latency_median_ms = median_ms(std::move(st.latencies_ns));
    }
}

} // namespace clab::aio
