// Workloads: the shared-counter race appears exactly where CPython's can (a call between read and
// write), never in a bare `counter += 1` loop under the GIL, always without the GIL; a Lock makes
// it exact at the cost of lock waits; the two-lock deadlock is detected and Stop ends it; the
// calibration gives an iteration the cost of a Python loop iteration.
#include "core/experiment/runner.h"
#include "core/workload/calibration.h"
#include "tests/stop_share.h"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace clab;

namespace {

ExperimentSpec counter(CounterUpdate update, GilMode gil, bool lock, int64_t iterations = 300'000) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Counter;
    s.tasks = 4;
    s.iterations = iterations;
    s.update = update;
    s.gil = gil;
    s.lock = lock;
    s.switch_interval_ms = 1; // many switches in a short test
    s.timeout_s = 60;
    return s;
}

size_t count(const Trace& trace, EventKind kind) {
    size_t n = 0;
    for (const Event& e : trace.events)
        n += e.kind == kind;
    return n;
}

} // namespace

TEST(Counter, InPlaceFormLosesNothingUnderTheGil) {
    const Summary s = Runner::run(counter(CounterUpdate::InPlace, GilMode::On, false));
    ASSERT_TRUE(s.completed) << s.error;
    EXPECT_GT(s.gil_switches, 4u) << "the threads must really have interleaved";
    EXPECT_EQ(s.counter_expected, 4 * 300'000);
    EXPECT_EQ(s.counter_value, s.counter_expected);
    EXPECT_EQ(s.lost_updates, 0u);
}

TEST(Counter, CallFormLosesUpdatesUnderTheGil) {
    const Summary s = Runner::run(counter(CounterUpdate::Call, GilMode::On, false));
    ASSERT_TRUE(s.completed) << s.error;
    EXPECT_GT(s.lost_updates, 0u);
    EXPECT_EQ(s.counter_value + int64_t(s.lost_updates), s.counter_expected);
}

TEST(Counter, WithoutTheGilEvenTheInPlaceFormLosesUpdates) {
    const Summary s = Runner::run(counter(CounterUpdate::InPlace, GilMode::Off, false, 1'000'000));
    ASSERT_TRUE(s.completed) << s.error;
    EXPECT_GT(s.lost_updates, 0u);
}

// A stop in the middle of the count: the updates the threads never got to make are not "lost"
// (a stopped lesson 8 run read "10099853 of 24000000 (13900147 updates lost)" with a lock).
TEST(Counter, AStoppedCountLosesOnlyWhatWasOverwritten) {
    ExperimentSpec spec = counter(CounterUpdate::Call, GilMode::On, true, 1'000'000'000);
    spec.timeout_s = 0.3;
    const Summary s = Runner::run(spec);
    ASSERT_TRUE(s.cancelled) << "the time limit stops it";
    EXPECT_GT(s.counter_value, 0);
    EXPECT_LT(s.counter_value, s.counter_expected);
    EXPECT_EQ(s.lost_updates, 0u) << "with a lock nothing is overwritten; " << s.counter_value << " of "
                                  << s.counter_expected;
}

TEST(Counter, ALockMakesItExactWithVisibleLockWaits) {
    Trace trace;
    // Long enough that every thread is switched out (5 ms slices) while holding the lock at times,
    // even when a busy machine lets a thread run its whole slice undisturbed: then others must wait.
    const Summary s = Runner::run(counter(CounterUpdate::Call, GilMode::On, true, 400'000), &trace);
    ASSERT_TRUE(s.completed) << s.error;
    EXPECT_EQ(s.lost_updates, 0u);
    EXPECT_EQ(s.counter_value, 4 * 400'000);
    EXPECT_GT(count(trace, EventKind::LockWaitBegin), 0u);
    EXPECT_EQ(count(trace, EventKind::LockWaitBegin), count(trace, EventKind::LockAcquired));

    const Summary free = Runner::run(counter(CounterUpdate::InPlace, GilMode::Off, true, 100'000));
    ASSERT_TRUE(free.completed) << free.error;
    EXPECT_EQ(free.lost_updates, 0u);
}

// The premise of a deadlock: each thread holds its first lock when it asks for its second, so the
// sleep in between must outlast the other thread's start. A start waits until the new thread runs
// (Thread.start()); on a loaded 2-core machine under ThreadSanitizer that took tens of ms, and with
// 20 ms the first thread had both locks and was done before the second began: no deadlock.
constexpr double kDeadlockSleepMs = 200;

TEST(Deadlock, OppositeOrderIsDetectedAndStopEndsIt) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Deadlock;
    s.tasks = 2;
    s.io_ms = kDeadlockSleepMs;
    Runner runner;
    clab::testing::StopClock clock;
    ASSERT_TRUE(runner.start(s)) << runner.error();
    // The watchdog needs two looks 20 ms apart once both threads wait; give it up to 10 s.
    std::vector<Event> seen;
    std::set<uint32_t> deadlocked;
    for (int i = 0; i < 1000 && deadlocked.size() < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        seen.clear();
        runner.recorder().drain(seen);
        for (const Event& e : seen)
            if (e.kind == EventKind::DeadlockDetected) deadlocked.insert(e.lane);
    }
    EXPECT_EQ(deadlocked.size(), 2u);
    EXPECT_TRUE(runner.running()) << "a deadlock does not end by itself";
    std::this_thread::sleep_for(clock.until_due());
    clock.ask();
    runner.cancel();
    const Summary& summary = runner.wait();
    clock.stopped();
    EXPECT_TRUE(clock.quick()) << clock.describe(); // a share of the time it ran (tests/stop_share.h)
    EXPECT_TRUE(summary.deadlock);
    EXPECT_FALSE(summary.completed);
    EXPECT_FALSE(summary.error.empty());
}

TEST(Deadlock, TimeoutEndsItToo) {
    ExperimentSpec s;
    s.engine = EngineKind::ThreadPool;
    s.workload = WorkloadKind::Deadlock;
    s.tasks = 2;
    s.io_ms = kDeadlockSleepMs;
    s.timeout_s = 1.0; // past the sleep, the deadlock and the watchdog's two looks
    const Summary summary = Runner::run(s);
    EXPECT_TRUE(summary.deadlock);
    EXPECT_TRUE(summary.cancelled);
}

TEST(Deadlock, FixedOrderCompletes) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Deadlock;
    s.tasks = 2;
    s.io_ms = 10;
    s.io_count = 3;
    s.lock_order_fixed = true;
    s.timeout_s = 30;
    const Summary summary = Runner::run(s);
    EXPECT_TRUE(summary.completed) << summary.error;
    EXPECT_FALSE(summary.deadlock);
}

TEST(Calibration, AnIterationCostsWhatAPythonIterationCosts) {
    const Calibration& c = calibration();
    ASSERT_GT(c.python_ns_per_iteration, 1);
    ASSERT_GE(c.steps_per_iteration, 1u);
    EXPECT_NEAR(c.steps_per_iteration * c.ns_per_step / c.python_ns_per_iteration, 1.0, 0.25);
    EXPECT_FALSE(c.source.empty());
}

TEST(Blend, SplitsIterationsAndWaits) {
    ExperimentSpec s;
    s.engine = EngineKind::Sequential;
    s.workload = WorkloadKind::Blend;
    s.tasks = 1;
    s.iterations = 100'000;
    s.cpu_percent = 0; // all I/O: io_count waits of io_ms
    s.io_ms = 30;
    s.io_count = 2;
    Trace trace;
    const Summary summary = Runner::run(s, &trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    EXPECT_EQ(count(trace, EventKind::IoBegin), 2u);
    ASSERT_EQ(summary.workers.size(), 1u);
    EXPECT_GT(summary.workers[0].blocked_s, 0.05);
}

// Issue 20.10: a cached 9999 ns per iteration made every run 18x slower. A figure is believed only
// if it fits this machine's own speed, measured in the same process.
TEST(Calibration, AFigureFromNowhereIsNotPlausible) {
    const double ns_per_step = calibration().ns_per_step;
    EXPECT_TRUE(plausible_python_ns_per_iteration(calibration().python_ns_per_iteration, ns_per_step) ||
                calibration().source == "environment" || calibration().source == "default");
    EXPECT_FALSE(plausible_python_ns_per_iteration(9999, ns_per_step));
    EXPECT_FALSE(plausible_python_ns_per_iteration(0.01, ns_per_step));
    EXPECT_FALSE(plausible_python_ns_per_iteration(std::numeric_limits<double>::quiet_NaN(), ns_per_step));
    EXPECT_TRUE(plausible_python_ns_per_iteration(30 * ns_per_step, ns_per_step));
}

// Issue 18: a cache written by another python3 (another PATH) held its figures (17.5 ns per
// iteration where the python3 on PATH takes 32.8) and every later run took them. The cache names
// the interpreter; this is the name: it follows PATH and the file PATH finds.
TEST(Calibration, ThePython3OnPathIsWhatTheCacheIsOf) {
    const char* saved = std::getenv("PATH");
    const std::string original = saved ? saved : "";
    char dir_template[] = "/tmp/clab-python-identity-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const std::string dir = dir_template, fake = dir + "/python3";
    {
        std::ofstream script(fake);
        script << "#!/bin/sh\necho 1\n";
    }
    ASSERT_EQ(chmod(fake.c_str(), 0700), 0);

    const std::string on_path = python_identity();
    setenv("PATH", (dir + ":" + original).c_str(), 1);
    const std::string fake_identity = python_identity();
    setenv("PATH", dir.c_str(), 1);
    const std::string fake_alone = python_identity();
    { std::ofstream(fake, std::ios::app) << "# upgraded\n"; } // another size: another interpreter
    const std::string fake_upgraded = python_identity();
    setenv("PATH", "/nonexistent-clab-dir", 1);
    const std::string nothing = python_identity();
    setenv("PATH", original.c_str(), 1);
    unlink(fake.c_str());
    rmdir(dir.c_str());

    EXPECT_EQ(python_identity(), on_path);
    EXPECT_NE(fake_identity, on_path);
    EXPECT_EQ(fake_alone, fake_identity);
    EXPECT_NE(fake_upgraded, fake_identity);
    EXPECT_EQ(nothing, "none");
    EXPECT_EQ(fake_identity.find_first_of(" \t\n"), std::string::npos); // one word of the cache file
}

// Without HOME or XDG_CACHE_HOME the cache used to go to a fixed path under /tmp, where another
// user can plant it first. Now: XDG_RUNTIME_DIR (private by definition), or no cache at all.
TEST(Calibration, TheCacheNeverGoesToASharedFolder) {
    struct SavedEnv {
        const char* name;
        std::optional<std::string> value;
        explicit SavedEnv(const char* n)
            : name(n) {
            if (const char* v = std::getenv(n)) value = v;
        }
        ~SavedEnv() {
            if (value)
                setenv(name, value->c_str(), 1);
            else
                unsetenv(name);
        }
    } home("HOME"), cache("XDG_CACHE_HOME"), runtime("XDG_RUNTIME_DIR");
    setenv("XDG_CACHE_HOME", "/somewhere/cache", 1);
    EXPECT_EQ(calibration_cache_path(), "/somewhere/cache/concurrency-lab/calibration-9");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/student", 1);
    EXPECT_EQ(calibration_cache_path(), "/home/student/.cache/concurrency-lab/calibration-9");
    unsetenv("HOME");
    setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
    EXPECT_EQ(calibration_cache_path(), "/run/user/1000/concurrency-lab/calibration-9");
    unsetenv("XDG_RUNTIME_DIR");
    EXPECT_EQ(calibration_cache_path(), "");
    setenv("HOME", "relative/path", 1); // not absolute: ignored, as the XDG specification says
    EXPECT_EQ(calibration_cache_path(), "");
}
