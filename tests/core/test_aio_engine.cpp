// The asyncio engine end to end through the Runner: real sockets, 10,000 tasks, the blocked loop
// and its fixes, cancel, and a clean shutdown. Timing checks are ratios with wide margins.
#include "core/aio/asyncio_engine.h"
#include "core/experiment/runner.h"
#include "core/net/slow_server.h"
#include "core/trace/recorder.h"
#include "core/trace/segments.h"
#include "core/workload/calibration.h"
#include "proc_counts.h"
#include "tests/stop_share.h"

#include <algorithm>
#include <cstdio>
#include <dirent.h>
#include <gtest/gtest.h>
#include <malloc.h>
#include <map>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

using namespace clab;

using clab::testing::kSanitizerThreads;
using clab::testing::live_threads;
using clab::testing::open_fds;

ExperimentSpec asyncio_spec(WorkloadKind workload, int tasks, double io_ms, int io_count = 1) {
    ExperimentSpec s;
    s.engine = EngineKind::Asyncio;
    s.workload = workload;
    s.tasks = tasks;
    s.io_ms = io_ms;
    s.io_count = io_count;
    return s;
}

size_t count_kind(const Trace& trace, EventKind kind) {
    return size_t(std::count_if(trace.events.begin(), trace.events.end(),
                                [kind](const Event& e) { return e.kind == kind; }));
}

TEST(AsyncioEngine, SleepingTasksOverlap) {
    Trace trace;
    const Summary s = Runner::run(asyncio_spec(WorkloadKind::Sleep, 3, 100, 2), &trace);
    ASSERT_TRUE(s.completed) << s.error;
    // One after another: 3 x 2 x 100 ms = 600 ms. Overlapped: about 200 ms, never less.
    EXPECT_GE(s.wall_s, 0.2);
    // The overlap by structure (a loaded machine stretches the wall time, not this): all three
    // sleepers await their first sleep at the same time, between their first and second steps.
    int64_t last_first_end = INT64_MIN, first_second_begin = INT64_MAX;
    for (const LaneInfo& lane : trace.lanes) {
        if (lane.kind != LaneKind::Task || lane.name.find("sleeper") == std::string::npos) continue;
        std::vector<int64_t> begins, ends;
        for (const Event& e : trace.events) {
            if (e.lane != lane.id) continue;
            if (e.kind == EventKind::TaskStepBegin) begins.push_back(e.t_ns);
            if (e.kind == EventKind::TaskStepEnd) ends.push_back(e.t_ns);
        }
        ASSERT_GE(begins.size(), 2u) << lane.name;
        ASSERT_GE(ends.size(), 1u) << lane.name;
        last_first_end = std::max(last_first_end, ends[0]);
        first_second_begin = std::min(first_second_begin, begins[1]);
    }
    EXPECT_LT(last_first_end, first_second_begin) << "the sleeps did not overlap";
    // Each task steps 3 times (start, after each sleep), plus main's steps.
    EXPECT_GE(s.task_switches, 9u);
    EXPECT_GE(s.loop_iterations, 3u);
    EXPECT_EQ(count_kind(trace, EventKind::LoopIteration), s.loop_iterations);
    EXPECT_EQ(count_kind(trace, EventKind::TaskStepBegin), s.task_switches);
    // Lanes: the loop, main (Task-1) and Task-2..Task-4.
    int tasks = 0, loops = 0;
    for (const auto& lane : trace.lanes) {
        tasks += lane.kind == LaneKind::Task;
        loops += lane.kind == LaneKind::Loop;
    }
    EXPECT_EQ(tasks, 4);
    EXPECT_EQ(loops, 1);
    ASSERT_NE(trace.lane(trace.lanes.back().id), nullptr);
    EXPECT_EQ(trace.lanes.back().name, "Task-4 (sleeper)");
    EXPECT_EQ(trace.lanes[trace.lanes.size() - 4].name, "Task-1 (main)");
}

TEST(AsyncioEngine, TaskStepCallbacksNameTheirTaskLane) {
    Trace trace;
    const Summary s = Runner::run(asyncio_spec(WorkloadKind::Sleep, 2, 5), &trace);
    ASSERT_TRUE(s.completed) << s.error;
    size_t steps = 0;
    for (const Event& e : trace.events) {
        if (e.kind != EventKind::CallbackBegin || CallbackKind(e.arg & 0xFFFFFFFF) != CallbackKind::TaskStep)
            continue;
        ++steps;
        const uint64_t who = e.arg >> 32;
        ASSERT_GT(who, 0u);
        const LaneInfo* lane = trace.lane(uint32_t(who - 1));
        ASSERT_NE(lane, nullptr);
        EXPECT_EQ(lane->kind, LaneKind::Task);
    }
    EXPECT_EQ(steps, s.task_switches);
}

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kManyTasks = 2'000; // sanitizers slow every syscall down ~10x: keep the run short
#else
constexpr int kManyTasks = 10'000;
#endif

TEST(AsyncioEngine, TenThousandConcurrentRequestsAgainstTheSlowServer) {
    // Drive the engine directly to count what the server really answered.
    net::SlowServer server;
    std::string error;
    ASSERT_TRUE(server.start(&error)) << error;
    Recorder recorder;
    StopSignal cancel;
    RunContext ctx{recorder, cancel, cancel.flag(), recorder.add_lane(LaneKind::Main, "MainThread"),
                   now_ns()};
    ctx.server_port = server.port();
    Summary s;
    const int64_t t0 = now_ns();
    ExperimentSpec spec = asyncio_spec(WorkloadKind::Net, kManyTasks, 200, 2);
    aio::AsyncioEngine().run(spec, ctx, s);
    const double wall = double(now_ns() - t0) * 1e-9;
    ASSERT_TRUE(s.error.empty()) << s.error;
    EXPECT_EQ(server.requests_served(), uint64_t(2 * kManyTasks));
    EXPECT_GE(s.io_latency_median_ms, 200.0); // never sooner than the server's latency
    // Sequentially: 10,000 x 2 x 200 ms = over an hour. Concurrently: seconds (the connect burst
    // overflows the listen backlog, somaxconn = 4096, and dropped SYNs are retried after 1 s).
    EXPECT_LT(wall, kManyTasks * 2 * 0.2 / 50);
}

// A thousand connections open at once cost a few KB each, as in CPython (python3 here: 28 MB peak
// for the whole 1000-request client, tests/bench/many_requests_cpython.py): the 256 KiB read goes
// to a scratch buffer, not into each connection's buffer. And the loop's lag is measured for I/O
// too: how late a callback ran after select() reported its fd ready.
TEST(AsyncioEngine, ManyConnectionsCostLittleMemoryAndReportTheLoopLag) {
    const Summary few = Runner::run(asyncio_spec(WorkloadKind::Net, 100, 100));
    ASSERT_TRUE(few.completed) << few.error;
    const Summary many = Runner::run(asyncio_spec(WorkloadKind::Net, 1000, 100));
    ASSERT_TRUE(many.completed) << many.error;
    const double kb_per_connection = (many.peak_rss_mb - few.peak_rss_mb) * 1024.0 / 900.0;
    EXPECT_LT(kb_per_connection, 64.0)
        << few.peak_rss_mb << " MB for 100, " << many.peak_rss_mb << " MB for 1000";
    EXPECT_GT(many.max_loop_lag_s, 0.0);
    EXPECT_LT(many.max_loop_lag_s, many.wall_s);
}

TEST(AsyncioEngine, SemaphoreLimitsHowManyRequestsRunAtOnce) {
    ExperimentSpec spec = asyncio_spec(WorkloadKind::Net, 20, 100);
    spec.concurrency = 5;
    const Summary limited = Runner::run(spec);
    ASSERT_TRUE(limited.completed) << limited.error;
    spec.concurrency = 0;
    const Summary unlimited = Runner::run(spec);
    ASSERT_TRUE(unlimited.completed) << unlimited.error;
    // 20 requests of 100 ms, 5 at a time: at least 4 waves (a floor, not a race); all at once
    // it is one wave plus overhead.
    EXPECT_GE(limited.wall_s, 0.4);
    EXPECT_LT(unlimited.wall_s, limited.wall_s);
}

// Lesson 18's asyncio run at 100 % computing: four tasks whose first step counts without awaiting.
// All four steps are ready at once; each waits for the ones before it, so the worst loop lag is
// about three steps long (the last task waited for three others). It is measured from recorded
// events: the summary's figure is the longest CallbackLag recorded. Waiting instead of computing,
// the same four tasks keep the loop free: a small share of that.
TEST(AsyncioEngine, TheLoopLagIsHowLongAReadyStepWaitedForTheBlockingOnes) {
    ExperimentSpec spec = asyncio_spec(WorkloadKind::Blend, 4, 100);
    spec.iterations = int64_t(100e6 / calibration().python_ns_per_iteration); // ~100 ms each
    spec.cpu_percent = 100;
    Trace computing, waiting;
    const Summary cpu = Runner::run(spec, &computing);
    ASSERT_TRUE(cpu.completed) << cpu.error;
    spec.cpu_percent = 0;
    const Summary io = Runner::run(spec, &waiting);
    ASSERT_TRUE(io.completed) << io.error;

    int64_t most_recorded = 0;
    for (const Event& e : computing.events)
        if (e.kind == EventKind::CallbackLag) most_recorded = std::max(most_recorded, int64_t(e.arg));
    std::vector<int64_t> steps; // the tasks' steps that counted
    std::map<uint32_t, int64_t> begun;
    for (const Event& e : computing.events) {
        if (e.kind == EventKind::TaskStepBegin) begun[e.lane] = e.t_ns;
        if (e.kind == EventKind::TaskStepEnd && begun.count(e.lane) &&
            computing.lane(e.lane)->name.find("main") == std::string::npos)
            steps.push_back(e.t_ns - begun[e.lane]);
    }
    ASSERT_GE(steps.size(), 4u);
    std::sort(steps.rbegin(), steps.rend());
    const int64_t three_longest = steps[0] + steps[1] + steps[2];
    std::printf("computing: worst lag %.1f ms, three longest steps %.1f ms; waiting: worst lag %.2f ms\n",
                cpu.max_loop_lag_s * 1e3, double(three_longest) * 1e-6, io.max_loop_lag_s * 1e3);
    EXPECT_NEAR(cpu.max_loop_lag_s, double(most_recorded) * 1e-9, 1e-9);
    EXPECT_GE(cpu.max_loop_lag_s * 1e9, 0.9 * double(steps[1] + steps[2] + steps[3]));
    EXPECT_LE(cpu.max_loop_lag_s * 1e9, 1.2 * double(three_longest));
    EXPECT_LT(io.max_loop_lag_s, 0.1 * cpu.max_loop_lag_s);
}

ExperimentSpec block_loop(Blocker blocker, Offload offload) {
    ExperimentSpec s = asyncio_spec(WorkloadKind::BlockLoop, 4, 10, 40); // tickers: 40 x 10 ms
    s.blocker = blocker;
    s.offload = offload;
    s.iterations = 250'000'000 / 35; // a blocking call of roughly 250 ms of Python
    return s;
}

TEST(AsyncioEngine, BlockingTheLoopStallsEveryTaskAndOffloadingFixesIt) {
    const Summary blocked = Runner::run(block_loop(Blocker::Sleep, Offload::None));
    ASSERT_TRUE(blocked.completed) << blocked.error;
    const Summary threaded = Runner::run(block_loop(Blocker::Sleep, Offload::Thread));
    ASSERT_TRUE(threaded.completed) << threaded.error;
    EXPECT_GE(blocked.slow_callbacks, 1u); // the blocking step took well over 100 ms
    EXPECT_GT(blocked.max_loop_lag_s, 0.1);
    EXPECT_LT(threaded.max_loop_lag_s * 4, blocked.max_loop_lag_s);
}

TEST(AsyncioEngine, CpuWorkInAProcessLeavesTheLoopFree) {
    const Summary blocked = Runner::run(block_loop(Blocker::Cpu, Offload::None));
    ASSERT_TRUE(blocked.completed) << blocked.error;
    const Summary process = Runner::run(block_loop(Blocker::Cpu, Offload::Process));
    ASSERT_TRUE(process.completed) << process.error;
    EXPECT_GT(blocked.max_loop_lag_s, 0.05);
    EXPECT_LT(process.max_loop_lag_s * 3, blocked.max_loop_lag_s);
}

// How late the loop's timers fired while the offloaded call ran (between ExecutorSubmit and
// ExecutorDone on the loop's lane, or the pool worker's task for a process offload): the median,
// so one descheduling on the busy 2-core machine does not decide it.
double median_timer_lateness_ms_while_offloaded(const Trace& trace) {
    int64_t begin = INT64_MAX, end = INT64_MIN;
    for (const Event& e : trace.events) {
        if (e.kind == EventKind::ExecutorSubmit) begin = std::min(begin, e.t_ns);
        if (e.kind == EventKind::ExecutorDone) end = std::max(end, e.t_ns);
        const LaneInfo* lane = trace.lane(e.lane);
        if (lane && lane->kind == LaneKind::Process && e.kind == EventKind::Running) begin = e.t_ns;
        if (lane && lane->kind == LaneKind::Process && e.kind == EventKind::TaskEnd) end = e.t_ns;
    }
    std::vector<int64_t> lateness;
    for (const Event& e : trace.events)
        if (e.kind == EventKind::TimerFire && e.t_ns > begin && e.t_ns < end)
            lateness.push_back(int64_t(e.arg));
    if (lateness.empty()) return -1;
    std::nth_element(lateness.begin(), lateness.begin() + long(lateness.size() / 2), lateness.end());
    return double(lateness[lateness.size() / 2]) * 1e-6;
}

// The loop's waits for the GIL while the offloaded call ran: how long each took (GilAcquired's arg
// after a GilWaitBegin on the loop's lane, between ExecutorSubmit and ExecutorDone).
std::vector<int64_t> loop_gil_waits_while_offloaded(const Trace& trace) {
    int64_t begin = INT64_MAX, end = INT64_MIN;
    for (const Event& e : trace.events) {
        if (e.kind == EventKind::ExecutorSubmit) begin = std::min(begin, e.t_ns);
        if (e.kind == EventKind::ExecutorDone) end = std::max(end, e.t_ns);
    }
    std::vector<int64_t> waits;
    bool waiting = false;
    for (const Event& e : trace.events) {
        const LaneInfo* lane = trace.lane(e.lane);
        if (!lane || lane->kind != LaneKind::Loop || e.t_ns <= begin || e.t_ns >= end) continue;
        if (e.kind == EventKind::GilWaitBegin) waiting = true;
        if (e.kind == EventKind::GilAcquired && waiting) {
            waits.push_back(int64_t(e.arg));
            waiting = false;
        }
    }
    return waits;
}

double median_ms_of(std::vector<int64_t> v) {
    if (v.empty()) return -1;
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    return double(v[v.size() / 2]) * 1e-6;
}

// asyncio.to_thread(count) in CPython: the executor thread and the loop's thread share one GIL, so
// every time the loop wakes up it waits for the counting thread to honour a drop request, about
// one switch interval (python3 measures ~5.5 ms with the default 5 ms; see
// tests/bench/aio_to_thread_lag_cpython.py). With the GIL off, or in a process, the ticks are on
// time. Checked by structure, so a loaded machine cannot fake or hide it: the loop's waits for the
// GIL are timed waits of a whole interval (load only lengthens them), the ticks' lateness is about
// one such wait (not a stall of several), and without a shared GIL the ticks are late by a small
// share of that (scheduling noise only: 0-4 ms at load 12, against >= 20 ms with the GIL).
TEST(AsyncioEngine, ACpuBoundThreadOffloadStillTakesTheGilFromTheLoop) {
    constexpr double kIntervalMs = 20; // well above this machine's scheduling noise, even loaded
    ExperimentSpec spec = block_loop(Blocker::Cpu, Offload::Thread);
    spec.switch_interval_ms = kIntervalMs;
    spec.io_ms = 20;
    spec.io_count = 20;
    spec.iterations = int64_t(300e6 / calibration().python_ns_per_iteration); // ~300 ms of Python
    Trace with_gil, without_gil, in_process;
    const Summary on = Runner::run(spec, &with_gil);
    ASSERT_TRUE(on.completed) << on.error;
    spec.gil = GilMode::Off;
    const Summary off = Runner::run(spec, &without_gil);
    ASSERT_TRUE(off.completed) << off.error;
    spec.gil = GilMode::On;
    spec.offload = Offload::Process;
    const Summary process = Runner::run(spec, &in_process);
    ASSERT_TRUE(process.completed) << process.error;

    const double late_on = median_timer_lateness_ms_while_offloaded(with_gil);
    const double late_off = median_timer_lateness_ms_while_offloaded(without_gil);
    const double late_process = median_timer_lateness_ms_while_offloaded(in_process);
    const std::vector<int64_t> waits = loop_gil_waits_while_offloaded(with_gil);
    const double gil_wait = median_ms_of(waits);
    std::printf("ticks late by %.2f ms with the GIL (loop's GIL waits %.2f ms, %zu of them), %.2f ms "
                "without, %.2f ms with a process\n",
                late_on, gil_wait, waits.size(), late_off, late_process);
    ASSERT_GE(late_on, 0) << "no timer fired while the thread counted";
    ASSERT_GE(late_off, 0) << "no timer fired while the thread counted";
    ASSERT_GE(late_process, 0) << "no timer fired while the process counted";
    // Each wake-up of the loop waited for the GIL: a whole interval, then a drop request honoured.
    ASSERT_GE(waits.size(), 3u);
    EXPECT_GE(gil_wait, 0.9 * kIntervalMs);
    // The ticks were late by that wait: at least by it, and by about one of them, not several.
    EXPECT_GE(late_on, 0.9 * gil_wait);
    EXPECT_LE(late_on, 2.5 * gil_wait);
    // Without a shared GIL the ticks are on time, next to the GIL's wait.
    EXPECT_LT(late_off, 0.5 * late_on);
    EXPECT_LT(late_process, 0.5 * late_on);
    EXPECT_GE(on.max_loop_lag_s * 1e3, 0.9 * gil_wait);
    EXPECT_GT(on.forced_switches, 0u); // the counting thread dropped the GIL on request
    EXPECT_EQ(off.forced_switches, 0u);

    // The executor thread holds the GIL in between the loop's waits.
    size_t executor_holds = 0;
    for (const Event& e : with_gil.events) {
        const LaneInfo* lane = with_gil.lane(e.lane);
        executor_holds += lane && lane->kind == LaneKind::Executor && e.kind == EventKind::GilAcquired;
    }
    EXPECT_GE(executor_holds, 3u);
    EXPECT_EQ(count_kind(without_gil, EventKind::GilAcquired), 0u);
}

TEST(AsyncioEngine, CancelStopsQuicklyAndLeavesNothingBehind) {
    const int fds_before = open_fds();
    const int threads_before = live_threads();
    for (auto workload : {WorkloadKind::Sleep, WorkloadKind::Net, WorkloadKind::BlockLoop}) {
        ExperimentSpec spec = asyncio_spec(workload, 50, 10'000); // 10 s waits
        spec.iterations = 10'000'000'000LL;                       // and minutes of CPU work
        spec.offload = Offload::Thread;
        Runner runner;
        clab::testing::StopClock clock;
        ASSERT_TRUE(runner.start(spec)) << runner.error();
        clock.run_then_ask();
        runner.cancel();
        const Summary& s = runner.wait();
        clock.stopped();
        EXPECT_TRUE(s.cancelled);
        EXPECT_TRUE(clock.quick()) << to_string(workload) << ": " << clock.describe();
    }
    EXPECT_EQ(open_fds(), fds_before);
    EXPECT_GE(live_threads(), threads_before);
    EXPECT_LE(live_threads(), threads_before + kSanitizerThreads);
}

TEST(AsyncioEngine, CpuBoundCoroutinesRunOneAfterAnother) {
    ExperimentSpec spec = asyncio_spec(WorkloadKind::Cpu, 3, 0);
    spec.iterations = 1'000'000;
    const Summary s = Runner::run(spec);
    ASSERT_TRUE(s.completed) << s.error;
    EXPECT_EQ(s.task_switches, 3u + 2u); // each worker: one step; main: start + after gather
}

TEST(AsyncioEngine, RefusesWorkloadsItDoesNotHave) {
    const Summary s = Runner::run(asyncio_spec(WorkloadKind::Counter, 2, 0));
    EXPECT_FALSE(s.completed);
    EXPECT_NE(s.error.find("asyncio"), std::string::npos) << s.error;
}

} // namespace

// CPython's cyclic GC, modelled (core/aio/python_gc.h): every collection is a real stretch of the
// loop's CPU, recorded on its lane as GcBegin..GcEnd inside the callback that allocated, and the
// number of collections grows with the objects the program keeps alive.
TEST(AsyncioGc, CollectionsAppearOnTheLoopLaneAndGrowWithTheTasks) {
    auto collections_on_loop = [](int tasks, std::vector<uint64_t>* per_generation) {
        Trace trace;
        const Summary s = Runner::run(asyncio_spec(WorkloadKind::Sleep, tasks, 50), &trace);
        EXPECT_TRUE(s.completed) << s.error;
        uint32_t loop_lane = kNoLane;
        for (const LaneInfo& lane : trace.lanes)
            if (lane.kind == LaneKind::Loop) loop_lane = lane.id;
        size_t begins = 0, ends = 0;
        per_generation->assign(3, 0);
        for (const Event& e : trace.events) {
            if (e.kind == EventKind::GcBegin) {
                EXPECT_EQ(e.lane, loop_lane);
                ++begins;
                ++(*per_generation)[e.arg & 0xFF];
                EXPECT_GT(e.arg >> 8, 0u) << "a collection scans objects";
            }
            ends += e.kind == EventKind::GcEnd;
        }
        EXPECT_EQ(begins, ends);
        // The timeline shows it: "garbage collector runs" segments on the loop lane.
        const SegmentSet set = build_segments(trace, trace.end_ns());
        size_t drawn = 0;
        if (loop_lane < set.by_lane.size())
            for (const Segment& seg : set.by_lane[loop_lane])
                drawn += seg.state == SegState::GcCollect;
        EXPECT_EQ(drawn, begins);
        return begins;
    };
    std::vector<uint64_t> small, large;
    const size_t few = collections_on_loop(300, &small);
    const size_t many = collections_on_loop(3000, &large);
    EXPECT_GE(few, 1u);
    EXPECT_GE(many, 5 * few);
    EXPECT_GE(large[1], 1u); // generation 1 every 11th young collection
}

// Side by side with python3 (3.11, whose collector python_gc.h models): the same program, 10,000
// coroutines gathered, each awaiting asyncio.sleep. Both sides are deterministic (a collection is
// triggered by allocations; which timers fire in one iteration depends on time a little): the
// generation-0 collections agree within 10 %, generation 1's (one in 11 of them: small numbers)
// within 3 and the full ones within one (the first falls after the 90th collection). python3 here:
// 181, 17, 1 (156, 14, 1 of them in the tasks' first steps, the rest as the timers fire); ours was
// 156, 14, 1 (143, 12, 1 in the first steps): a sleeper's first step left 4 tracked objects where
// CPython's leaves 5 (objects::kSleep). Ours now: 169, 15, 1.
TEST(AsyncioGc, CollectionsPerGenerationMatchPython3) {
    constexpr int kTasks = 10'000;
    const std::string script = "import asyncio, gc, sys\n"
                               "if sys.version_info[:2] != (3, 11): print(\"other\"); sys.exit(0)\n"
                               "counts = [0, 0, 0]\n"
                               "def watch(phase, info):\n"
                               "    if phase == \"stop\": counts[info[\"generation\"]] += 1\n"
                               "async def sleeper():\n"
                               "    await asyncio.sleep(0.01)\n"
                               "async def main():\n"
                               "    gc.callbacks.append(watch)\n"
                               "    await asyncio.gather(*(sleeper() for _ in range(" +
                               std::to_string(kTasks) +
                               ")))\n"
                               "asyncio.run(main())\n"
                               "print(*counts)\n";
    FILE* pipe = popen(("python3 -c '" + script + "' 2>/dev/null").c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char out[128] = {};
    const size_t got = fread(out, 1, sizeof out - 1, pipe);
    const int status = pclose(pipe);
    if (status != 0 || got == 0 || std::string(out).rfind("other", 0) == 0)
        GTEST_SKIP() << "needs python3 3.11";
    uint64_t python[3] = {};
    ASSERT_EQ(std::sscanf(out, "%lu %lu %lu", &python[0], &python[1], &python[2]), 3) << out;

    Trace trace;
    const Summary s = Runner::run(asyncio_spec(WorkloadKind::Sleep, kTasks, 10), &trace);
    ASSERT_TRUE(s.completed) << s.error;
    uint64_t ours[3] = {};
    for (const Event& e : trace.events)
        if (e.kind == EventKind::GcBegin) ++ours[e.arg & 0xFF];
    std::printf("[ info ] collections per generation: python3 %lu %lu %lu, ours %lu %lu %lu\n", python[0],
                python[1], python[2], ours[0], ours[1], ours[2]);
    EXPECT_GE(double(ours[0]), 0.9 * double(python[0]));
    EXPECT_LE(double(ours[0]), 1.1 * double(python[0]));
    EXPECT_LE(ours[1], python[1] + 3);
    EXPECT_GE(ours[1] + 3, python[1]);
    EXPECT_LE(ours[2], python[2] + 1);
    EXPECT_GE(ours[2] + 1, python[2]);
}

namespace {

// python3 running `requests` asyncio requests of `io_ms` to the slow server on `port` (open_connection,
// write, drain, readexactly(64), close; all gathered): its peak resident set in kB (the whole process:
// the interpreter and asyncio's start-up are the same at every N, so they fall out of a difference);
// -1 when python3 3.11 is not there.
double python_peak_kb(uint16_t port, int requests, int io_ms) {
    const std::string script =
        "import asyncio, resource, sys\n"
        "if sys.version_info[:2] != (3, 11): print(-1); sys.exit(0)\n"
        "port, n, io_us = (int(a) for a in sys.argv[1:4])\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 100)), hard))\n"
        "async def one():\n"
        "    r, w = await asyncio.open_connection(\"127.0.0.1\", port)\n"
        "    w.write(f\"{io_us} 64\\n\".encode())\n"
        "    await w.drain()\n"
        "    await r.readexactly(64)\n"
        "    w.close()\n"
        "async def main():\n"
        "    await asyncio.gather(*(one() for _ in range(n)))\n"
        "asyncio.run(main())\n"
        "print(next(int(l.split()[1]) for l in open(\"/proc/self/status\") if l.startswith(\"VmHWM:\")))\n";
    const std::string command = "python3 -c '" + script + "' " + std::to_string(port) + " " +
                                std::to_string(requests) + " " + std::to_string(io_ms * 1000) +
                                " 2>/dev/null";
    double peak_kb = -1;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return -1;
    if (std::fscanf(pipe, "%lf", &peak_kb) != 1) peak_kb = -1;
    return pclose(pipe) == 0 ? peak_kb : -1;
}

// Our engine's peak for the same program (the Runner's figure, as the CLI reports it), in a fresh
// fork each time (a run after another reuses the memory the first one freed), in kB; -1 on failure.
double our_peak_kb(int requests, int io_ms) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return -1;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipe_fds[0]);
        // The heap this test process freed (earlier tests' runs) goes back to the system first: a
        // run would reuse it without growing its resident set.
        malloc_trim(0);
        const Summary s = Runner::run(asyncio_spec(WorkloadKind::Net, requests, io_ms));
        const double kb = s.completed ? s.peak_rss_mb * 1024.0 : -1;
        const bool written = ::write(pipe_fds[1], &kb, sizeof kb) == sizeof kb;
        ::_exit(written ? 0 : 1);
    }
    ::close(pipe_fds[1]);
    double kb = -1;
    if (pid < 0 || ::read(pipe_fds[0], &kb, sizeof kb) != sizeof kb) kb = -1;
    ::close(pipe_fds[0]);
    if (pid > 0) ::waitpid(pid, nullptr, 0);
    return kb;
}

// Issue 18.2: asyncio's memory per request is CPython's, at every N. "KB per request" is the peak
// of N requests minus the peak of one, over N - 1 (tests/bench/side_by_side.py), on both sides
// in the same test; 1000 and 3000 requests, all open at once (500 ms each; fewer would let
// pymalloc's 256 KiB arenas show: +-0.9 KB a request at 300). python3 3.11 here: 7.0-7.1 KB at
// both. Ours was 8.9-9.5 KB at 1000 and 8.2 at 3000: the trace's events (24 bytes each, ~45 a
// request: 2.6 MB resident at 1000, half of it unwritten huge pages) counted in the run's peak;
// CPython records nothing. The run's peak now leaves the trace memory out
// (core/trace/trace_memory.h): 6.7 KB. Memory is not time: a ratio within 15 %.
TEST(AsyncioMemory, KbPerRequestMatchesPython3AtEveryN) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP()
        << "a sanitizer's allocator (redzones, quarantine, shadow) changes what objects take in memory";
#endif
    constexpr int kIoMs = 500;
    (void)calibration(); // python3 (if it measures) runs before any fork
    net::SlowServer server;
    std::string error;
    ASSERT_TRUE(server.start(&error)) << error;
    const double python_one = python_peak_kb(server.port(), 1, kIoMs);
    if (python_one < 0) GTEST_SKIP() << "needs python3 3.11";
    const double ours_one = our_peak_kb(1, kIoMs);
    ASSERT_GT(ours_one, 0);
    for (const int n : {1000, 3000}) {
        const double python_n = python_peak_kb(server.port(), n, kIoMs);
        const double ours_n = our_peak_kb(n, kIoMs);
        ASSERT_GT(python_n, 0);
        ASSERT_GT(ours_n, 0);
        const double python_kb = (python_n - python_one) / (n - 1);
        const double ours_kb = (ours_n - ours_one) / (n - 1);
        std::printf("[ info ] %d requests: KB per request python3 %.2f (peak %.0f - %.0f kB), ours %.2f "
                    "(peak %.0f - %.0f kB), ratio %.2f\n",
                    n, python_kb, python_n, python_one, ours_kb, ours_n, ours_one, ours_kb / python_kb);
        EXPECT_GT(ours_kb, 0.85 * python_kb) << n << " requests";
        EXPECT_LT(ours_kb, 1.15 * python_kb) << n << " requests";
    }
}

} // namespace
