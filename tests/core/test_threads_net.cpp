// Threads doing blocking requests to the loopback slow server: the GIL is released while they
// wait, so eight threads overlap their requests; and it is released at every call CPython releases it.
#include "core/experiment/runner.h"
#include "tests/stop_share.h"

#include <gtest/gtest.h>
#include <thread>

using namespace clab;

TEST(NetThreads, BlockingRequestsOverlapAcrossThreads) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Net;
    s.tasks = 8;
    s.io_ms = 40;
    s.io_count = 2;
    s.timeout_s = 30;
    Trace trace;
    const Summary summary = Runner::run_with_baseline(s, &trace);
    ASSERT_TRUE(summary.completed) << summary.error;
    size_t connects = 0, quick_calls = 0, replies = 0;
    for (const Event& e : trace.events) {
        if (e.kind != EventKind::IoBegin) continue;
        connects += IoKind(e.arg) == IoKind::Connect;
        quick_calls += IoKind(e.arg) == IoKind::SocketCall;
        replies += IoKind(e.arg) == IoKind::Socket;
    }
    // Where CPython releases the GIL (Modules/socketmodule.c), per task: create_connection's
    // getaddrinfo, socket and connect; each request's send and its wait for the reply; the close.
    EXPECT_EQ(connects, 8u * 3);
    EXPECT_EQ(quick_calls, 8u * (2 + 1));
    EXPECT_EQ(replies, 8u * 2);
    EXPECT_GT(summary.speedup, 2.5) << "ideal: 8";
    EXPECT_GE(summary.io_latency_median_ms, 40 * 0.95);
}

TEST(NetThreads, CancelEndsRequestsThatAreStillWaiting) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Net;
    s.tasks = 4;
    s.io_ms = 20'000; // every request would take 20 s
    Runner runner;
    clab::testing::StopClock clock;
    ASSERT_TRUE(runner.start(s)) << runner.error();
    clock.run_then_ask();
    runner.cancel();
    const Summary& summary = runner.wait();
    clock.stopped();
    EXPECT_TRUE(clock.quick()) << clock.describe();
    EXPECT_TRUE(summary.cancelled);
}
