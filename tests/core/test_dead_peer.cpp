// A worker killed in the middle of a large pipe transfer (issue 18.9): the parent sees the dead
// peer at once (EPIPE on its write, end of file on its read, the sentinel), reports the worker by
// name with its signal, and the run ends; it never waits for bytes that cannot come. Measured as a
// ratio: from the kill to the run's end takes a small part of what the whole healthy run takes.
// Before the fix the processes engine waited forever: the parent still held the read end of the
// pipe it was writing into, so the dead worker's pipe never failed with EPIPE.
#include "core/experiment/runner.h"
#include "test_process_util.h"

#include <csignal>
#include <gtest/gtest.h>
#include <string>
#include <thread>

using namespace clab;
using clab::testing_util::leftover_processes;
using clab::testing_util::leftover_processes_after_settle;

namespace {

ExperimentSpec payload_run(EngineKind engine, StartMethod method) {
    ExperimentSpec s;
    s.engine = engine;
    s.workload = WorkloadKind::Payload;
    s.payload_bytes = 25'000'000; // 100 MB in the issue; the same path, a quarter of the test's time
    s.tasks = 1;
    s.workers = 1;
    s.start_method = method;
    return s;
}

struct Outcome {
    Summary summary;
    double kill_to_end_s = 0;
};

// Starts the run, waits until its worker exists and `into_transfer_ms` more, kills it (SIGKILL).
Outcome kill_worker_mid_transfer(const ExperimentSpec& spec, int into_transfer_ms) {
    Runner runner;
    EXPECT_TRUE(runner.start(spec)) << runner.error();
    std::vector<pid_t> workers;
    for (int i = 0; i < 2000 && workers.empty() && !runner.finished(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        workers = leftover_processes();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(into_transfer_ms));
    EXPECT_FALSE(workers.empty()) << "no worker appeared";
    const int64_t killed = now_ns();
    for (const pid_t pid : workers)
        ::kill(pid, SIGKILL);
    Outcome out;
    out.summary = runner.wait();
    out.kill_to_end_s = double(now_ns() - killed) * 1e-9;
    return out;
}

} // namespace

TEST(DeadPeer, AWorkerKilledMidTransferIsReportedAtOnce) {
    for (const EngineKind engine : {EngineKind::Processes, EngineKind::ProcessPool}) {
        // The healthy run: 100 MB there and back (fork).
        const Summary healthy = Runner::run(payload_run(engine, StartMethod::Fork));
        ASSERT_TRUE(healthy.completed) << healthy.error;
        for (const StartMethod method : {StartMethod::Fork, StartMethod::Spawn, StartMethod::Forkserver}) {
            ExperimentSpec spec = payload_run(engine, method);
            spec.timeout_s = healthy.wall_s * 4; // a hang shows as a failure, not a stuck test
            const std::string name = std::string(to_string(engine)) + "/" + std::string(to_string(method));
            // A tenth of the healthy run in: the payload is on its way.
            const Outcome out = kill_worker_mid_transfer(spec, int(healthy.wall_s * 100));
            std::printf("%-24s healthy %.0f ms; killed mid-transfer: ended %.1f ms later: %s\n", name.c_str(),
                        healthy.wall_s * 1e3, out.kill_to_end_s * 1e3, out.summary.error.c_str());
            EXPECT_FALSE(out.summary.completed) << name;
            EXPECT_NE(out.summary.error.find("signal 9"), std::string::npos)
                << name << ": " << out.summary.error;
            // The pickle under way when the worker died still finishes (as in CPython): ~0.17 here.
            EXPECT_LT(out.kill_to_end_s / healthy.wall_s, 0.5) << name;
            EXPECT_TRUE(leftover_processes_after_settle().empty()) << name;
        }
    }
}
