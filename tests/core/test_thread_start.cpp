// Thread.start() as CPython does it: the starter creates the OS thread, then waits without the GIL
// until the new thread has taken the GIL and runs; only then does it start the next one. So the
// main thread never keeps the GIL across a series of starts (which made 1000 new threads wait
// behind it, each setting drop requests every switch interval). Checked by the order of recorded
// events (structure, no timings) in the threads engine, the thread pool and asyncio's executor.
#include "core/aio/aio.h"
#include "core/experiment/runner.h"
#include "core/threads/thread_pool.h"
#include "core/threads/thread_start.h"
#include "core/trace/recorder.h"
#include "core/trace/trace.h"

#include <gtest/gtest.h>
#include <map>

using namespace clab;

namespace {

struct LaneTimes {
    int64_t start = -1;     // WorkerStart
    int64_t first_gil = -1; // first GilAcquired (or Running with the GIL off)
};

// Worker lanes (not MainThread, not cores) in the order they were started.
std::vector<LaneTimes> worker_starts(const Trace& trace, LaneKind kind) {
    std::map<uint32_t, LaneTimes> by_lane;
    for (const LaneInfo& lane : trace.lanes)
        if (lane.kind == kind) by_lane[lane.id] = {};
    for (const Event& e : trace.events) {
        auto it = by_lane.find(e.lane);
        if (it == by_lane.end()) continue;
        if (e.kind == EventKind::WorkerStart && it->second.start < 0) it->second.start = e.t_ns;
        if (e.kind == EventKind::GilAcquired && it->second.first_gil < 0) it->second.first_gil = e.t_ns;
    }
    std::vector<LaneTimes> out;
    for (auto& [lane, times] : by_lane)
        out.push_back(times);
    std::sort(out.begin(), out.end(),
              [](const LaneTimes& a, const LaneTimes& b) { return a.start < b.start; });
    return out;
}

// Each thread took the GIL before the next one was even created: start() waited for it.
// `expected`: how many threads were started; 0 for a pool, which starts one per submit only
// while no worker is idle (on a slow machine early workers may be idle again already).
void expect_each_start_waited(const std::vector<LaneTimes>& workers, size_t expected) {
    if (expected > 0) {
        ASSERT_EQ(workers.size(), expected);
    } else {
        ASSERT_GE(workers.size(), 2u);
    }
    for (size_t k = 0; k < workers.size(); ++k) {
        ASSERT_GE(workers[k].start, 0) << "thread " << k;
        ASSERT_GE(workers[k].first_gil, 0) << "thread " << k << " never took the GIL";
        if (k + 1 < workers.size()) {
            EXPECT_LT(workers[k].first_gil, workers[k + 1].start)
                << "thread " << k + 1 << " was started before thread " << k << " ran Python";
        }
    }
}

size_t count(const Trace& trace, EventKind kind) {
    return size_t(std::count_if(trace.events.begin(), trace.events.end(),
                                [kind](const Event& e) { return e.kind == kind; }));
}

} // namespace

TEST(ThreadStart, ThreadsEngineStartWaitsUntilTheThreadRunsPython) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Sleep;
    s.tasks = 60;
    s.io_ms = 20;
    s.io_count = 1;
    s.timeout_s = 60;
    Trace trace;
    const Summary summary = Runner::run(s, &trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    expect_each_start_waited(worker_starts(trace, LaneKind::Thread), 60);
    // Each new thread runs for a moment and then sleeps (releasing the GIL): drop requests come
    // only from a thread descheduled while it holds the GIL, never one per interval per waiter.
    EXPECT_LE(count(trace, EventKind::GilDropRequest), 2u * 60u);
}

TEST(ThreadStart, PoolWorkersStartOneAfterAnother) {
    ExperimentSpec s;
    s.engine = EngineKind::ThreadPool;
    s.workload = WorkloadKind::Sleep;
    s.tasks = 12;
    s.workers = 12;
    s.io_ms = 30;
    s.io_count = 1;
    s.timeout_s = 60;
    Trace trace;
    const Summary summary = Runner::run(s, &trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    expect_each_start_waited(worker_starts(trace, LaneKind::Thread), 0);
}

TEST(ThreadStart, AsyncioExecutorStartsWorkersLikeThreadStart) {
    Recorder recorder;
    StopSignal cancel;
    Gil gil(&recorder, 5'000'000, &cancel);
    aio::LoopOptions options;
    options.recorder = &recorder;
    options.gil_for_thread = [&gil] { return &gil; };
    options.stop = &cancel;
    options.executor_workers = 6;
    aio::EventLoop loop(options);
    auto main = aio::create_task(loop, [](aio::EventLoop& lp) -> aio::Coro<void> {
        std::vector<std::shared_ptr<aio::Future<bool>>> futures;
        for (int i = 0; i < 6; ++i)
            futures.push_back(
                aio::run_in_executor(lp, [](PyThread& t) { return t.blocking_sleep(20'000'000); }));
        for (auto& f : futures)
            co_await f;
    }(loop));
    loop.run_until_done(main);
    loop.close();
    Trace trace;
    trace.pull(recorder);
    expect_each_start_waited(worker_starts(trace, LaneKind::Executor), 0);
}

TEST(ThreadStart, AThreadThatNeverSignalsStillReleasesTheStarter) {
    // A body that ends before it runs Python (it failed early): start() must not wait forever.
    std::atomic<bool> ran{false};
    std::thread t = start_thread(nullptr, [&ran](StartedEvent&) { ran = true; });
    EXPECT_TRUE(ran.load()) << "start() returned before the thread ran";
    t.join();
}
