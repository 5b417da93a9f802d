// A Stop while the python engine is still finding its interpreter (prepare(): asking python3 for
// its version, through a pyenv shim a bash script that runs more programs, seconds on a cold
// cache) ends the question at once and kills everything it started, instead of waiting for it.
// The "interpreter" here is such a shim that never answers: a shell script with a child of its own.
#include "core/experiment/runner.h"
#include "core/python/interpreter.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace clab;

namespace {

// A folder with `slow-python`, a script that writes its pid and its child's, then waits for
// the child (a 60 s sleep): a shim that hangs.
struct HangingShim {
    HangingShim() {
        char pattern[] = "/tmp/clab-shim-XXXXXX";
        dir = mkdtemp(pattern);
        path = dir + "/slow-python";
        std::ofstream(path) << "#!/bin/sh\nsleep 60 &\necho $$ $! > " << dir << "/pids.tmp\nmv " << dir
                            << "/pids.tmp " << dir << "/pids\nwait\n";
        chmod(path.c_str(), 0700);
    }
    ~HangingShim() {
        unlink((dir + "/pids").c_str());
        unlink(path.c_str());
        rmdir(dir.c_str());
    }
    // The shim's and its child's pids once both run (empty after 10 s without them).
    std::vector<pid_t> pids() const {
        for (int i = 0; i < 2000; ++i) {
            std::ifstream file(dir + "/pids");
            pid_t shim = 0, child = 0;
            if (file >> shim >> child) return {shim, child};
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return {};
    }
    std::string dir, path;
};

// Gone, or a zombie waiting for init: it runs no more.
bool ended(pid_t pid) {
    for (int i = 0; i < 400; ++i) {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string pid_field, name, state;
        if (!(stat >> pid_field >> name >> state) || state == "Z" || state == "X") return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

// The bound, as in test_stop_latency: a stop takes less than this share of the time the question
// had been going (which would otherwise take a minute).
constexpr double kMostStopShare = 0.35;
constexpr auto kRunBeforeStop = std::chrono::milliseconds(500);

} // namespace

TEST(PythonPrepareStop, AStopEndsTheInterpreterQuestionAndKillsItsProcesses) {
    HangingShim shim;
    StopSignal stop;
    std::vector<pid_t> pids;
    int64_t asked = 0;
    std::thread stopper([&] {
        pids = shim.pids();
        std::this_thread::sleep_for(kRunBeforeStop);
        asked = now_ns();
        stop.request();
    });
    const int64_t t0 = now_ns();
    std::string error;
    bool stopped = false;
    const auto found = py::find_interpreter(shim.path, &error, &stop, &stopped);
    const int64_t returned = now_ns();
    stopper.join();
    ASSERT_EQ(pids.size(), 2u) << "the shim did not start";
    EXPECT_FALSE(found);
    EXPECT_TRUE(stopped);
    const double stop_s = double(returned - asked) * 1e-9, ran_s = double(asked - t0) * 1e-9;
    std::printf("the interpreter question stopped in %.1f ms after %.0f ms\n", stop_s * 1e3, ran_s * 1e3);
    EXPECT_LT(stop_s / ran_s, kMostStopShare);
    EXPECT_TRUE(ended(pids[0])) << "the shim still runs";
    EXPECT_TRUE(ended(pids[1])) << "the shim's child still runs";
}

TEST(PythonPrepareStop, ACancelDuringPrepareEndsTheRunCancelledWithoutError) {
    HangingShim shim;
    ExperimentSpec spec;
    spec.engine = EngineKind::Python;
    spec.python = shim.path;
    spec.source = "pass\n";
    Runner runner;
    ASSERT_TRUE(runner.start(spec)) << runner.error();
    const int64_t t0 = now_ns();
    const std::vector<pid_t> pids = shim.pids();
    ASSERT_EQ(pids.size(), 2u) << "the shim did not start";
    std::this_thread::sleep_for(kRunBeforeStop);
    const int64_t asked = now_ns();
    runner.cancel();
    const Summary& s = runner.wait();
    const double stop_s = double(now_ns() - asked) * 1e-9, ran_s = double(asked - t0) * 1e-9;
    std::printf("a run stopped during prepare() in %.1f ms after %.0f ms\n", stop_s * 1e3, ran_s * 1e3);
    EXPECT_TRUE(s.cancelled);
    EXPECT_TRUE(s.error.empty()) << s.error;
    EXPECT_LT(stop_s / ran_s, kMostStopShare);
    EXPECT_TRUE(ended(pids[0])) << "the shim still runs";
    EXPECT_TRUE(ended(pids[1])) << "the shim's child still runs";
}

TEST(PythonPrepareStop, AnInterpreterIsStillFoundWithAStopThatIsNeverRequested) {
    if (access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no python3";
    StopSignal stop;
    std::string error;
    bool stopped = false;
    const auto found = py::find_interpreter("/usr/bin/python3", &error, &stop, &stopped);
    ASSERT_TRUE(found) << error;
    EXPECT_FALSE(stopped);
    EXPECT_GE(found->major, 3);
    EXPECT_FALSE(found->executable.empty());
}
