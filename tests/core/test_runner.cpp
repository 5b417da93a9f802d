// The Runner: cancel ends a run quickly and leaves no thread behind, the timeout works, the
// summary is filled from real measurements, bad specs are refused.
#include "core/experiment/runner.h"
#include "proc_counts.h"
#include "tests/eventful_run.h"
#include "tests/stop_share.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <set>
#include <sys/resource.h>
#include <thread>

using namespace clab;

namespace {

using clab::testing::live_threads;

ExperimentSpec long_cpu_run(EngineKind engine) {
    ExperimentSpec s;
    s.engine = engine;
    s.workload = WorkloadKind::Cpu;
    s.tasks = 3;
    s.iterations = 10'000'000'000LL; // minutes of work: only cancel ends it
    return s;
}

} // namespace

TEST(Runner, CancelEndsALongCpuRunQuicklyAndLeavesNoThread) {
    // One short run first: whatever a runtime starts once per process (e.g. a sanitizer's helper
    // thread) is then already there.
    ExperimentSpec warm_up;
    warm_up.iterations = 1000;
    ASSERT_TRUE(Runner::run(warm_up).completed);
    const int threads_before = live_threads();
    for (EngineKind engine : {EngineKind::Sequential, EngineKind::Threads, EngineKind::ThreadPool}) {
        Runner runner;
        clab::testing::StopClock clock;
        ASSERT_TRUE(runner.start(long_cpu_run(engine))) << runner.error();
        while (runner.recorder().lane_count() < 2)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        clock.run_then_ask();
        runner.cancel();
        const Summary& s = runner.wait();
        clock.stopped();
        EXPECT_TRUE(clock.quick()) << to_string(engine) << ": " << clock.describe();
        EXPECT_TRUE(s.cancelled);
        EXPECT_FALSE(s.completed);
        RecordProperty(std::string(to_string(engine)) + "_cancel_ms", std::to_string(clock.stop_s() * 1e3));
    }
    EXPECT_EQ(live_threads(), threads_before);
}

// The time limit is a stop like a cancel: the run ends after its limit, not before, and overshoots
// it by a small share of the run (tests/stop_share.h).
TEST(Runner, TimeoutStopsTheRun) {
    ExperimentSpec s = long_cpu_run(EngineKind::Threads);
    s.timeout_s = std::chrono::duration<double>(clab::testing::kRunBeforeStop).count();
    const Summary summary = Runner::run(s);
    EXPECT_TRUE(summary.cancelled);
    EXPECT_NE(summary.error.find("time limit"), std::string::npos) << summary.error;
    EXPECT_GE(summary.wall_s, s.timeout_s * 0.99) << "the limit fired early";
    EXPECT_TRUE(clab::testing::stopped_quickly(summary.wall_s - s.timeout_s, s.timeout_s))
        << "ran " << summary.wall_s << " s for a limit of " << s.timeout_s << " s";
}

TEST(Runner, SummaryHoldsRealMeasurements) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Cpu;
    s.tasks = 2;
    s.iterations = 2'000'000;
    const Summary summary = Runner::run(s);
    ASSERT_TRUE(summary.completed) << summary.error;
    EXPECT_GT(summary.wall_s, 0);
    EXPECT_GT(summary.cpu_s, 0);
    EXPECT_GT(summary.peak_rss_mb, 0);
    EXPECT_GT(summary.events, 10u);
    ASSERT_EQ(summary.workers.size(), 3u); // MainThread + 2 threads
    double busy = 0, waited = 0;
    for (const WorkerStats& w : summary.workers) {
        busy += w.busy_s;
        waited += w.gil_wait_s;
    }
    // Under the GIL the two threads take turns: while both live, one waits while the other runs.
    EXPECT_GT(busy, 0);
    EXPECT_GT(waited / busy, 0.1);
    EXPECT_GT(summary.median_gil_slice_ms, 0);
    const std::string json = to_json(summary);
    for (const char* key : {"\"engine\":\"threads\"", "\"workload\":\"cpu\"", "\"tasks\":2", "\"wall_s\":",
                            "\"cpu_s\":", "\"events\":", "\"gil_switches\":", "\"forced_switches\":",
                            "\"gil_wait_s\":", "\"lost_updates\":", "\"deadlock\":false"})
        EXPECT_NE(json.find(key), std::string::npos) << key << " missing in " << json;
}

TEST(Runner, CoreLanesCarryUtilisationSamples) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Sleep;
    s.tasks = 1;
    s.io_ms = 160;
    Trace trace;
    const Summary summary = Runner::run(s, &trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    int samples = 0;
    for (const Event& e : trace.events)
        if (e.kind == EventKind::CoreUtilisation) {
            ++samples;
            ASSERT_EQ(trace.lane(e.lane)->kind, LaneKind::Core);
            EXPECT_LE(e.arg, 1000u);
        }
    EXPECT_GE(samples, 2);
}

TEST(Runner, PinningToOneCoreKeepsEveryThreadThere) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Cpu;
    s.gil = GilMode::Off;
    s.tasks = 2;
    s.iterations = 1'000'000;
    s.cpus = 1;
    Trace trace;
    const Summary summary = Runner::run(s, &trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    std::set<uint16_t> cpus;
    for (const Event& e : trace.events)
        if (e.kind == EventKind::TaskBegin || e.kind == EventKind::CpuMigrated) cpus.insert(e.cpu);
    EXPECT_EQ(cpus.size(), 1u);
}

TEST(Runner, TimeScaleStretchesTheRun) {
    ExperimentSpec s;
    s.time_scale = 3;
    s.iterations = 1000;
    s.io_ms = 10;
    s.switch_interval_ms = 5;
    const ExperimentSpec scaled = time_scaled(s);
    EXPECT_EQ(scaled.iterations, 3000);
    EXPECT_DOUBLE_EQ(scaled.io_ms, 30);
    EXPECT_DOUBLE_EQ(scaled.switch_interval_ms, 15);

    ExperimentSpec sleep;
    sleep.engine = EngineKind::Threads;
    sleep.workload = WorkloadKind::Sleep;
    // Long enough that a loaded machine's start-up and wake-up delays (44 ms seen at load 13 on
    // 2 cores with 40 ms sleeps: a ratio of 1.95) cannot hide the stretch.
    sleep.io_ms = 100;
    const double normal = Runner::run(sleep).wall_s;
    sleep.time_scale = 4;
    const double slow = Runner::run(sleep).wall_s;
    EXPECT_GE(slow * 1e3, 0.99 * 4 * sleep.io_ms) << "a sleep never ends before it is due";
    EXPECT_GT(slow / normal, 2.0) << "ideal: 4";
}

TEST(Runner, RefusesAnInvalidSpec) {
    Runner runner;
    ExperimentSpec s;
    s.tasks = 0;
    EXPECT_FALSE(runner.start(s));
    EXPECT_FALSE(runner.error().empty());
    const Summary summary = Runner::run(s);
    EXPECT_FALSE(summary.completed);
    EXPECT_FALSE(summary.error.empty());
}

// Issue 20.2: once the deadline had passed, the monitor looped without sleeping while holding its
// mutex, and the run's end waited on that mutex forever. A time limit that has already expired
// when the monitor first looks must end the run like any other.
TEST(Runner, AnExpiredDeadlineEndsTheRunAndNeverSpins) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Sleep;
    s.tasks = 2;
    s.io_ms = 20'000;
    s.timeout_s = 1e-9;
    const int64_t t0 = now_ns();
    const Summary summary = Runner::run(s);
    EXPECT_TRUE(summary.cancelled);
    EXPECT_NE(summary.error.find("time limit"), std::string::npos) << summary.error;
    // Only the limit can end these sleeps: the run ended long before the first was due.
    EXPECT_LT(double(now_ns() - t0) * 1e-6, 0.25 * s.io_ms);
}

// What the command line's Ctrl+C uses: a stop signal requested from another thread stops the run
// (and the baseline is not started afterwards).
TEST(Runner, AStopSignalEndsTheRunAndSkipsTheBaseline) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Sleep;
    s.tasks = 2;
    s.io_ms = 20'000;
    StopSignal stop;
    clab::testing::StopClock clock;
    std::thread stopper([&] {
        clock.run_then_ask();
        stop.request();
    });
    const Summary summary = Runner::run_with_baseline(s, nullptr, &stop);
    clock.stopped();
    stopper.join();
    EXPECT_TRUE(summary.cancelled);
    EXPECT_FALSE(summary.completed);
    EXPECT_EQ(summary.baseline_wall_s, 0);
    EXPECT_TRUE(clock.quick()) << clock.describe();
}

// The thread in Runner::run sleeps until the run ends: the caller's stop reaches the run through the
// stop signal itself, never through a look every few milliseconds. A 10 ms poll woke the waiting
// thread ~50 times in this half-second run; waiting on the run's end wakes it a few times at most.
TEST(Runner, TheWaitingThreadSleepsUntilTheRunEnds) {
    ExperimentSpec s;
    s.engine = EngineKind::Sequential;
    s.workload = WorkloadKind::Sleep;
    s.tasks = 1;
    s.io_ms = 500;
    StopSignal stop; // never requested: the run ends by itself
    rusage before{}, after{};
    getrusage(RUSAGE_THREAD, &before);
    const Summary summary = Runner::run(s, nullptr, &stop);
    getrusage(RUSAGE_THREAD, &after);
    EXPECT_TRUE(summary.completed) << summary.error;
    EXPECT_LT(after.ru_nvcsw - before.ru_nvcsw, 15) << "voluntary context switches while waiting";
}

// Issue 19: a window closed (or a run replaced) after a run had recorded millions of events waited
// for the Runner's thread to merge and sum them up, more than a minute under ASan for 27 M events.
// Destroying the Runner abandons the run: its thread ends once the engine has stopped, in a small
// share of the time the run took to record them (tests/stop_share.h), however many there are.
TEST(Runner, DestroyingARunOfMillionsOfEventsDoesNotWaitForTheirMerge) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Counter;
    s.lock = true; // every update takes the lock: ~3 M events a second in a normal build
    s.update = CounterUpdate::Call;
    s.tasks = 4;
    s.iterations = 10'000'000'000LL; // only the stop ends it
    uint64_t recorded = 0;
    double ended_s = 0;
    clab::testing::StopClock clock;
    {
        Runner runner;
        ASSERT_TRUE(runner.start(s)) << runner.error();
        // Read the events as the window does, keeping none (only the Runner's snapshot has them).
        std::vector<Event> batch;
        while (clock.until_due().count() > 0) {
            std::this_thread::sleep_for(std::min(clock.until_due(), std::chrono::milliseconds(25)));
            batch.clear();
            recorded += runner.recorder().drain(batch);
        }
        clock.ask();
        runner.abandon();
        runner.wait();
        ended_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    } // ~Runner
    clock.stopped();
    const double freed_ms =
        (std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count() -
         ended_s) *
        1e3;
    EXPECT_GT(recorded, 100'000u) << "the run recorded too little to test anything";
    EXPECT_TRUE(clock.quick()) << clock.describe() << ", " << recorded << " events recorded; the last "
                               << freed_ms << " ms freed the Runner";
    RecordProperty("events_recorded", std::to_string(recorded));
    RecordProperty("abandon_ms", std::to_string(clock.stop_s() * 1e3));
}

// abandon() keeps the Runner usable: the next run starts at once and is merged and summed up.
TEST(Runner, AfterAnAbandonedRunTheNextRunIsSummedUp) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Counter;
    s.lock = true;
    s.tasks = 2;
    s.iterations = 10'000'000'000LL;
    Runner runner;
    ASSERT_TRUE(runner.start(s)) << runner.error();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    runner.abandon();
    const Summary& abandoned = runner.wait();
    EXPECT_TRUE(abandoned.cancelled);
    EXPECT_TRUE(runner.trace().events.empty()); // nothing merged
    s.iterations = 10'000;
    ASSERT_TRUE(runner.start(s)) << runner.error();
    const Summary& next = runner.wait();
    EXPECT_TRUE(next.completed) << next.error;
    EXPECT_GT(next.events, 0u);
    EXPECT_EQ(next.events, runner.trace().events.size());
    EXPECT_EQ(next.counter_value, 20'000);
}

// The event budget (issue 19): a run that records more events than its Runner allows is stopped
// there, like a time limit, and its summary says why in a sentence a student can act on.
TEST(Runner, ARunThatFillsItsEventBudgetIsStoppedAndSaysWhy) {
    ExperimentSpec s = clab::testing::eventful_run(); // hours of work: only the budget ends it
    s.tasks = 4;
    Runner runner;
    runner.set_event_budget(200'000);
    ASSERT_TRUE(runner.start(s)) << runner.error();
    const Summary& summary = runner.wait();
    EXPECT_TRUE(summary.cancelled);
    EXPECT_FALSE(summary.completed);
    EXPECT_GE(summary.events, 200'000u);
    EXPECT_NE(summary.error.find("0.2 million recorded events"), std::string::npos) << summary.error;
    EXPECT_NE(summary.error.find("make a run that fits"), std::string::npos) << summary.error;
    // A stop, not the end of the work: far from the counter's end.
    EXPECT_LT(summary.counter_value, s.iterations);
}

// A busy run is stopped close to its budget, not a sample's worth of events (or a drain's wait for
// the recorder's lock) past it: the monitor looks more often as the run nears its budget, and
// neither it nor a new thread's first event waits for a reader. A reader drains all the while, as
// the window does. Before, this run recorded 1.9, 5.7 and 7.9 times its budget: the monitor's
// first event waited on the lock while drains page-faulted their copies (up to 3.5 s here).
TEST(Runner, ABusyRunStopsCloseToItsEventBudgetWhileAReaderDrains) {
    ExperimentSpec s = clab::testing::eventful_run(); // only the budget ends it
    s.tasks = 4;
    constexpr uint64_t kBudget = 300'000;
    Runner runner;
    runner.set_event_budget(kBudget);
    ASSERT_TRUE(runner.start(s, nullptr, EventReader::Caller)) << runner.error();
    std::vector<Event> drained;
    uint64_t events = 0;
    while (!runner.finished()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        drained.clear();
        events += runner.recorder().drain(drained);
    }
    const Summary& summary = runner.wait();
    drained.clear();
    events += runner.recorder().drain(drained);
    EXPECT_TRUE(summary.cancelled);
    EXPECT_NE(summary.error.find("recorded events"), std::string::npos) << summary.error;
    EXPECT_GE(events, kBudget);
    EXPECT_LT(double(events) / double(kBudget), 1.25) << events << " events for a budget of " << kBudget;
}

TEST(Runner, NoEventBudgetMeansNone) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Counter;
    s.lock = true;
    s.tasks = 2;
    s.iterations = 200'000;
    Runner runner;
    runner.set_event_budget(0);
    ASSERT_TRUE(runner.start(s)) << runner.error();
    const Summary& summary = runner.wait();
    EXPECT_TRUE(summary.completed) << summary.error;
    EXPECT_EQ(summary.counter_value, 400'000);
}
