// The tracer sends a thread's start at once (core/python/tracer): a thread that only computes, started
// by a thread that then only computes too, records nothing more until the program ends, so a start
// left in the tracer's buffer would keep its lane off the timeline for the whole run (and kept the
// runaway-tree test of test_python_engine waiting 10-20 s for a lane now and then). Every thread's
// lane must appear while the program still runs, within a small share of its run.
#include "core/experiment/runner.h"

#include <chrono>
#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

using namespace clab;

namespace {

constexpr int kThreads = 4;
constexpr double kProgramS = 1.5;

int thread_lanes(const Recorder& recorder) {
    int n = 0;
    for (const LaneInfo& lane : recorder.lanes())
        n += lane.kind == LaneKind::Thread;
    return n;
}

} // namespace

TEST(PythonThreadLanes, EveryComputingThreadIsSeenWhileTheProgramRuns) {
    if (access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no python3";
    ExperimentSpec spec;
    spec.engine = EngineKind::Python;
    spec.timeout_s = 60;
    spec.source = "import threading, time\n"
                  "end = time.monotonic() + " +
                  std::to_string(kProgramS) +
                  "\n"
                  "def spin():\n"
                  "    while time.monotonic() < end: pass\n"
                  "for _ in range(" +
                  std::to_string(kThreads) +
                  "): threading.Thread(target=spin).start()\n"
                  "spin()\n";
    ASSERT_TRUE(Runner::run(spec).completed); // warm-up: the interpreter look-up is cached
    // Three programs: whether a start stayed in the buffer depended on the threads' timing.
    for (int round = 0; round < 3; ++round) {
        Runner runner;
        ASSERT_TRUE(runner.start(spec)) << runner.error();
        int64_t first_ns = 0, all_ns = 0;
        while (!runner.finished()) {
            const int n = thread_lanes(runner.recorder());
            if (n > 0 && first_ns == 0) first_ns = now_ns();
            if (n == kThreads) {
                all_ns = now_ns();
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        const Summary& s = runner.wait();
        ASSERT_TRUE(s.completed) << s.error << s.program_stderr;
        ASSERT_NE(all_ns, 0) << "round " << round << ": only " << thread_lanes(runner.recorder()) << " of "
                             << kThreads << " thread lanes while the program ran";
        const double late_s = double(all_ns - first_ns) * 1e-9;
        std::printf("round %d: every thread lane %.1f ms after the first (the program ran %.2f s)\n", round,
                    late_s * 1e3, s.wall_s);
        EXPECT_LT(late_s / s.wall_s, 0.5);
    }
}
