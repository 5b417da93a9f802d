// Stop means stop (issue 18.6): in every engine, in the middle of whatever a run does (counting,
// sleeping, waiting for a lock, a pool waiting for work, a 100 MB pipe transfer), a cancel ends the
// run within a small fraction of the time it had been running. The runs asked for minutes, so only
// the stop ends them; the time limit (--timeout-s) must stop them as fast as cancel() does.
#include "core/experiment/runner.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace clab;

namespace {

struct Case {
    std::string name;
    ExperimentSpec spec;
};

// 100 MB through a pipe. A sanitizer instruments every byte copied and every fork (TSan: 0.2-0.6 s
// to stop a payload run), so sanitized builds send 10 MB down the same path and check only that
// every run stops and says so; the bounds are for real builds.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int64_t kPayloadBytes = 10'000'000;
constexpr bool kTimed = false;
#else
constexpr int64_t kPayloadBytes = 100'000'000;
constexpr bool kTimed = true;
#endif

ExperimentSpec make(EngineKind engine, WorkloadKind workload, int tasks) {
    ExperimentSpec s;
    s.engine = engine;
    s.workload = workload;
    s.tasks = tasks;
    s.iterations = 10'000'000'000LL; // minutes of counting
    s.io_ms = 60'000;                // minute-long sleeps and requests
    s.payload_bytes = kPayloadBytes;
    return s;
}

std::vector<Case> long_runs() {
    std::vector<Case> cases;
    for (EngineKind e : {EngineKind::Sequential, EngineKind::Threads, EngineKind::ThreadPool,
                         EngineKind::Processes, EngineKind::ProcessPool, EngineKind::Asyncio})
        for (WorkloadKind w : {WorkloadKind::Cpu, WorkloadKind::Sleep})
            cases.push_back({std::string(to_string(e)) + "/" + std::string(to_string(w)), make(e, w, 3)});
    ExperimentSpec pool_payload = make(EngineKind::ProcessPool, WorkloadKind::Payload, 200);
    pool_payload.workers = 2;
    cases.push_back({"process-pool/payload", pool_payload});
    cases.push_back({"processes/payload", make(EngineKind::Processes, WorkloadKind::Payload, 200)});
    cases.push_back({"threads/payload", make(EngineKind::Threads, WorkloadKind::Payload, 200)});
    cases.push_back({"sequential/payload", make(EngineKind::Sequential, WorkloadKind::Payload, 200)});
    ExperimentSpec thread_pool_payload = make(EngineKind::ThreadPool, WorkloadKind::Payload, 200);
    thread_pool_payload.workers = 4;
    cases.push_back({"thread-pool(4)/payload", thread_pool_payload});
    cases.push_back({"threads/net", make(EngineKind::Threads, WorkloadKind::Net, 3)});
    ExperimentSpec deadlock = make(EngineKind::Threads, WorkloadKind::Deadlock, 2);
    deadlock.io_ms = 200; // each holds its first lock long enough for the other to take its own (TSan too)
    cases.push_back({"threads/deadlock", deadlock});
    ExperimentSpec spawn = make(EngineKind::ProcessPool, WorkloadKind::Cpu, 3);
    spawn.start_method = StartMethod::Spawn;
    cases.push_back({"process-pool(spawn)/cpu", spawn});
    for (Offload offload : {Offload::Thread, Offload::Process}) {
        ExperimentSpec blocked = make(EngineKind::Asyncio, WorkloadKind::BlockLoop, 3);
        blocked.io_ms = 10; // tickers keep the loop busy while the offloaded count runs for minutes
        blocked.io_count = 1'000'000;
        blocked.offload = offload;
        cases.push_back({"asyncio/offload-" + std::string(to_string(offload)), blocked});
    }
    ExperimentSpec many = make(EngineKind::ThreadPool, WorkloadKind::Sleep, 200);
    many.workers = 100;
    cases.push_back({"thread-pool(100)/sleep", many});
    if (access("/usr/bin/python3", X_OK) == 0) {
        // A real program: a process tree that computes in threads and a child process.
        ExperimentSpec python;
        python.engine = EngineKind::Python;
        python.source = "import threading, multiprocessing as mp\n"
                        "def spin():\n"
                        "    while True: pass\n"
                        "if __name__ == '__main__':\n"
                        "    mp.Process(target=spin).start()\n"
                        "    for _ in range(2): threading.Thread(target=spin).start()\n"
                        "    spin()\n";
        cases.push_back({"python/tree", python});
    }
    return cases;
}

// The python engine finds its interpreter once per process before a run's clock starts (python3
// on PATH may be a pyenv shim: 1.4 s here; a stop meanwhile ends that question at once, see
// test_python_prepare_stop): warm it up, so the stop measured is the running program's.
void warm_up(const ExperimentSpec& spec) {
    if (spec.engine != EngineKind::Python) return;
    ExperimentSpec warm = spec;
    warm.source = "pass\n";
    Runner::run(warm);
}

} // namespace

// The bound: a stop takes less than a twentieth of the second the run had been going (the goal is
// 50 ms), with room for a loaded 2-core machine. Measured here: 0.4-30 ms on a quiet machine. The
// process engines' 100 MB payload took 116-390 ms in one run of three until a call item's frame
// stopped outgrowing the room reserved for it (its last field copied 100 MB into a fresh 200 MB
// buffer, which no stop could interrupt; test_process_wire). Before the one wake-up primitive the
// payload runs took 0.6-2.3 s (longer than they had run) and the polling waits up to 50 ms.
constexpr double kMostStopShare = 0.35;
// The rest of an interrupted unpickling, as a share of a whole one in the same run: one 1 MiB piece
// of a 100 MB result, with room for a preempted thread on a loaded machine.
constexpr double kMostUnpickleShare = 0.25;
constexpr int64_t kRunBeforeStopNs = 1'000'000'000;

// How long a cancel of `spec` takes after it ran `run_ns` (from cancel() until the summary is
// there), and how long it had run.
std::pair<double, double> cancel_after(const ExperimentSpec& spec, int64_t run_ns, const std::string& name) {
    Runner runner;
    EXPECT_TRUE(runner.start(spec)) << name << ": " << runner.error();
    const int64_t t0 = now_ns();
    std::this_thread::sleep_for(std::chrono::nanoseconds(run_ns));
    const int64_t asked = now_ns();
    runner.cancel();
    const Summary& s = runner.wait();
    EXPECT_TRUE(s.cancelled) << name;
    return {double(now_ns() - asked) * 1e-9, double(asked - t0) * 1e-9};
}

TEST(StopLatency, ACancelEndsEveryEngineFarSoonerThanItRan) {
    for (const Case& c : long_runs()) {
        warm_up(c.spec);
        const auto [stop_s, ran_s] = cancel_after(c.spec, kRunBeforeStopNs, c.name);
        std::printf("%-26s stopped in %6.1f ms after %4.0f ms\n", c.name.c_str(), stop_s * 1e3, ran_s * 1e3);
        if (kTimed) {
            EXPECT_LT(stop_s / ran_s, kMostStopShare) << c.name << ": " << stop_s * 1e3 << " ms";
        }
    }
}

// --timeout-s ends a run through the same stop as a cancel, in every engine: the run overshoots its
// limit by about what a cancel after as long a run takes (measured right before, same machine,
// same load), plus a small share of the run for the start-up the limit does not count (the Runner's
// thread, the engine's prepare) and a loaded machine's noise. Before the one wake-up primitive the
// time limit took up to 0.99 s (threads, 100 MB payload) against 84 ms for a cancel.
constexpr double kTimeoutOverCancel = 3.0;
constexpr double kTimeoutNoiseShare = 0.1;

TEST(StopLatency, TheTimeLimitStopsAsFastAsCancel) {
    for (const Case& c : long_runs()) {
        ExperimentSpec spec = c.spec;
        warm_up(spec);
        const double cancel_s = cancel_after(spec, kRunBeforeStopNs, c.name).first;
        spec.timeout_s = double(kRunBeforeStopNs) * 1e-9;
        const int64_t t0 = now_ns();
        const Summary s = Runner::run(spec);
        const double overshoot_s = double(now_ns() - t0) * 1e-9 - spec.timeout_s;
        std::printf("%-26s ended %6.1f ms after its time limit (a cancel: %6.1f ms)\n", c.name.c_str(),
                    overshoot_s * 1e3, cancel_s * 1e3);
        EXPECT_TRUE(s.cancelled) << c.name;
        if (!s.deadlock) { // a deadlock reports itself, whatever ended the run
            EXPECT_NE(s.error.find("time limit"), std::string::npos) << c.name << ": " << s.error;
        }
        if (kTimed) {
            EXPECT_LT(overshoot_s, kTimeoutOverCancel * cancel_s + kTimeoutNoiseShare * spec.timeout_s)
                << c.name << ": " << overshoot_s * 1e3 << " ms, a cancel " << cancel_s * 1e3 << " ms";
        }
    }
}

// The lane of the process pool's manager thread (kNoLane until the pool has started).
uint32_t manager_lane(const Recorder& recorder) {
    for (const LaneInfo& lane : recorder.lanes())
        if (lane.name == "ExecutorManagerThread") return lane.id;
    return kNoLane;
}

// The process pool's manager thread unpickles each 100 MB result under the parent's GIL (a checksum
// and a copy into fresh memory: 0.1-0.8 s on a sandboxed machine). A stop that lands in the middle
// of one must not wait for the rest of it: the run is watched live and stopped right after the
// manager begins to deserialize a result, once it has deserialized a whole one (the yardstick) and
// the run has gone for a second. Before the fix the interrupted unpickling ran to its end (1.2 s
// after the stop here); now it ends within a 1 MiB piece.
TEST(StopLatency, APoolStopsWhileItUnpicklesA100MBResult) {
    if (!kTimed) GTEST_SKIP() << "sanitized build: the payload is 10 MB and the timing is not checked";
    ExperimentSpec spec = make(EngineKind::ProcessPool, WorkloadKind::Payload, 200);
    spec.workers = 2;
    Runner runner;
    ASSERT_TRUE(runner.start(spec)) << runner.error();
    const int64_t t0 = now_ns();
    std::vector<Event> events;
    uint32_t manager = kNoLane;
    int64_t begun = -1, whole_ns = -1, asked = 0;
    while (asked == 0 && now_ns() - t0 < 60 * kRunBeforeStopNs) {
        std::this_thread::sleep_for(std::chrono::microseconds(500));
        if (manager == kNoLane) manager = manager_lane(runner.recorder());
        events.clear();
        runner.recorder().drain(events);
        std::sort(events.begin(), events.end(),
                  [](const Event& a, const Event& b) { return a.t_ns < b.t_ns; });
        for (const Event& e : events) {
            if (e.lane != manager) continue;
            if (e.kind == EventKind::DeserializeEnd && begun >= 0 && whole_ns < 0) whole_ns = e.t_ns - begun;
            if (e.kind != EventKind::DeserializeBegin || e.arg < uint64_t(kPayloadBytes)) continue;
            begun = e.t_ns;
            if (whole_ns > 0 && e.t_ns - t0 >= kRunBeforeStopNs) {
                asked = now_ns();
                runner.cancel();
                break;
            }
        }
    }
    ASSERT_NE(asked, 0) << "the manager did not deserialize two 100 MB results in a minute";
    const Summary& s = runner.wait();
    const double ran_s = double(asked - t0) * 1e-9;
    const double stop_s = double(now_ns() - asked) * 1e-9;
    int64_t deserialize_end = 0; // of the unpickling that was going on when the stop came
    for (const Event& e : runner.trace().events)
        if (e.kind == EventKind::DeserializeEnd && e.lane == manager && e.t_ns >= asked) {
            deserialize_end = e.t_ns;
            break;
        }
    const double rest_s = double(deserialize_end - asked) * 1e-9;
    std::printf("pool unpickling 100 MB: stopped in %.1f ms after %.0f ms; the interrupted unpickling ended "
                "%.1f ms after the stop (a whole one took %.1f ms)\n",
                stop_s * 1e3, ran_s * 1e3, rest_s * 1e3, double(whole_ns) * 1e-6);
    EXPECT_TRUE(s.cancelled);
    ASSERT_NE(deserialize_end, 0) << "the interrupted unpickling recorded no end";
    EXPECT_LT(rest_s / (double(whole_ns) * 1e-9), kMostUnpickleShare) << rest_s * 1e3 << " ms";
    EXPECT_LT(stop_s / ran_s, kMostStopShare) << stop_s * 1e3 << " ms";
}
