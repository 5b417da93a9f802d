// ThreadPoolExecutor semantics: default size min(32, cpus + 4), lazy creation (a new thread per
// submit only while no worker is idle), FIFO queue, results in input order with map.
#include "core/experiment/runner.h"
#include "core/threads/thread_pool.h"
#include "core/trace/recorder.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <mutex>
#include <thread>

using namespace clab;

namespace {
ThreadPoolExecutor::Options gil_off(int max_workers) {
    ThreadPoolExecutor::Options o;
    o.max_workers = max_workers;
    return o;
}
} // namespace

TEST(ThreadPool, DefaultSizeIsMin32CpusPlus4) {
    const int cpus = int(std::thread::hardware_concurrency());
    EXPECT_EQ(ThreadPoolExecutor::default_max_workers(), std::min(32, cpus + 4));
    Recorder recorder;
    StopSignal cancel;
    ThreadPoolExecutor pool(recorder, cancel, gil_off(0));
    EXPECT_EQ(pool.max_workers(), std::min(32, cpus + 4));
}

TEST(ThreadPool, CreatesThreadsLazilyAndReusesIdleOnes) {
    Recorder recorder;
    StopSignal cancel;
    ThreadPoolExecutor pool(recorder, cancel, gil_off(8));
    EXPECT_EQ(pool.threads_created(), 0u);
    for (int i = 0; i < 5; ++i) {
        auto future = pool.submit([](PyThread&) {});
        ASSERT_TRUE(future->wait(cancel));
        std::this_thread::sleep_for(std::chrono::milliseconds(2)); // the worker marks itself idle
    }
    EXPECT_EQ(pool.threads_created(), 1u) << "each submit found the one worker idle";

    // Busy workers: every submit starts a new thread, up to max_workers.
    std::atomic<bool> release{false};
    std::vector<std::shared_ptr<WorkFuture>> futures;
    for (int i = 0; i < 12; ++i)
        futures.push_back(pool.submit([&](PyThread&) {
            while (!release.load())
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }));
    EXPECT_EQ(pool.threads_created(), 8u);
    release.store(true);
    for (auto& f : futures)
        EXPECT_TRUE(f->wait(cancel));
}

TEST(ThreadPool, RunsItemsInFifoOrder) {
    Recorder recorder;
    StopSignal cancel;
    ThreadPoolExecutor pool(recorder, cancel, gil_off(1));
    std::mutex mutex;
    std::vector<int> order;
    std::vector<std::shared_ptr<WorkFuture>> futures;
    for (int i = 0; i < 20; ++i)
        futures.push_back(pool.submit([&, i](PyThread&) {
            std::lock_guard lock(mutex);
            order.push_back(i);
        }));
    for (auto& f : futures)
        ASSERT_TRUE(f->wait(cancel));
    ASSERT_EQ(order.size(), 20u);
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(order[size_t(i)], i);
}

TEST(ThreadPool, MapRunsInWavesOnMaxWorkersAndWaitsInInputOrder) {
    ExperimentSpec s;
    s.engine = EngineKind::ThreadPool;
    s.workload = WorkloadKind::Sleep;
    s.tasks = 6;
    s.workers = 3;
    s.io_ms = 20;
    s.timeout_s = 30;
    Trace trace;
    const Summary summary = Runner::run(s, &trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    int pool_threads = 0, done = 0;
    for (const WorkerStats& w : summary.workers) {
        if (w.name.rfind("ThreadPoolExecutor-0_", 0) == 0) ++pool_threads;
        done += w.tasks_done;
    }
    EXPECT_EQ(pool_threads, 3);
    EXPECT_EQ(done, 6);
    // Waves: 6 tasks of 20 ms on 3 workers take two waits, not one and not six: never more than 3
    // tasks at a time, and 3 at once at some point (structure, so a loaded machine cannot fail it).
    EXPECT_GT(summary.wall_s, 0.035);
    std::vector<std::pair<int64_t, int>> edges;
    for (const Event& e : trace.events)
        if (e.kind == EventKind::TaskBegin || e.kind == EventKind::TaskEnd)
            edges.push_back({e.t_ns, e.kind == EventKind::TaskBegin ? 1 : -1});
    std::sort(edges.begin(), edges.end()); // an end before a begin at the same stamp
    int at_once = 0, most_at_once = 0;
    for (const auto& [t, step] : edges) {
        at_once += step;
        most_at_once = std::max(most_at_once, at_once);
    }
    EXPECT_EQ(most_at_once, 3);
    // map yields in input order: the main thread's waits end no earlier than task 0, 1, ... each.
    std::vector<int64_t> task_end(6, 0);
    for (const Event& e : trace.events)
        if (e.kind == EventKind::TaskEnd) task_end[e.arg] = e.t_ns;
    int64_t main_resumed = 0;
    for (const Event& e : trace.events)
        if (e.lane == 0 && e.kind == EventKind::IoEnd) main_resumed = e.t_ns;
    for (const int64_t end : task_end)
        EXPECT_LE(end, main_resumed);
}

TEST(ThreadPool, ShutdownDropsQueuedWorkWhenCancelled) {
    Recorder recorder;
    StopSignal cancel;
    std::vector<std::shared_ptr<WorkFuture>> futures;
    {
        ThreadPoolExecutor pool(recorder, cancel, gil_off(1));
        for (int i = 0; i < 5; ++i)
            futures.push_back(pool.submit([](PyThread& t) { t.blocking_sleep(30'000'000); }));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        cancel.request();
    }
    int ran = 0;
    for (auto& f : futures) {
        EXPECT_TRUE(f->done());
        ran += f->wait(cancel);
    }
    EXPECT_LE(ran, 1);
}
