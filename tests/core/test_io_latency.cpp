// I/O latencies read back from the events: hand-made traces for the rules (GIL wait counted, no-GIL
// runs, calls left open), and a real convoy run whose latencies must agree with what the workload
// itself measured.
#include "core/experiment/runner.h"
#include "core/trace/io_latency.h"

#include <algorithm>
#include <gtest/gtest.h>

using namespace clab;

namespace {
Event ev(int64_t t, uint32_t lane, EventKind kind, uint64_t arg = 0) {
    Event e;
    e.t_ns = t;
    e.lane = lane;
    e.kind = kind;
    e.arg = arg;
    return e;
}
// The workload's own figure is stamped a moment after the trace's GilAcquired. A sanitizer's
// runtime can pause a thread for a millisecond or more right there (TSan: one call of 15 read
// 6.20 ms in the trace and 7.51 ms in the workload, with 1.3 ms between the GIL taken and the
// thread's next line), which moves the maximum of a run. Medians agree under every build; the
// maxima are compared in real builds.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool kMaximaCompared = false;
#else
constexpr bool kMaximaCompared = true;
#endif
} // namespace

TEST(IoLatency, CountsTheWaitForTheGilAfterTheCall) {
    Trace trace;
    trace.events = {ev(100, 1, EventKind::IoBegin),          ev(200, 2, EventKind::GilAcquired),
                    ev(1'100, 1, EventKind::IoEnd),          ev(1'100, 1, EventKind::GilWaitBegin),
                    ev(1'200, 1, EventKind::GilDropRequest), ev(6'100, 1, EventKind::GilAcquired)};
    const auto latencies = io_latencies(trace);
    ASSERT_EQ(latencies.size(), 1u);
    EXPECT_EQ(latencies[0].lane, 1u);
    EXPECT_EQ(latencies[0].total_ns(), 6'000);
    EXPECT_EQ(latencies[0].gil_wait_ns(), 5'000);
}

TEST(IoLatency, WithoutAGilTheCallItselfIsTheLatency) {
    Trace trace;
    trace.events = {ev(0, 3, EventKind::IoBegin),   ev(700, 3, EventKind::IoEnd),
                    ev(700, 3, EventKind::Running), ev(900, 4, EventKind::IoBegin),
                    ev(1'000, 4, EventKind::IoEnd), ev(1'050, 4, EventKind::TaskEnd)};
    const auto latencies = io_latencies(trace);
    ASSERT_EQ(latencies.size(), 2u);
    EXPECT_EQ(latencies[0].total_ns(), 700);
    EXPECT_EQ(latencies[1].total_ns(), 100); // ended by TaskEnd: resumed at the call's end
    EXPECT_EQ(latencies[1].gil_wait_ns(), 0);
}

TEST(IoLatency, AJoinIsNotIo) {
    Trace trace;
    trace.events = {ev(0, 0, EventKind::IoBegin, uint64_t(IoKind::Join)),
                    ev(50, 0, EventKind::IoEnd),
                    ev(60, 0, EventKind::GilAcquired),
                    ev(70, 1, EventKind::IoBegin, uint64_t(IoKind::Socket)),
                    ev(90, 1, EventKind::IoEnd),
                    ev(95, 1, EventKind::GilAcquired)};
    const auto latencies = io_latencies(trace);
    ASSERT_EQ(latencies.size(), 1u);
    EXPECT_EQ(latencies[0].kind, IoKind::Socket);
    EXPECT_EQ(latencies[0].total_ns(), 25);
}

TEST(IoLatency, ACallStillOpenAtTheEndIsLeftOut) {
    Trace trace;
    trace.events = {ev(0, 1, EventKind::IoBegin), ev(10, 1, EventKind::IoEnd),
                    ev(15, 1, EventKind::GilWaitBegin), ev(20, 2, EventKind::IoBegin)};
    EXPECT_TRUE(io_latencies(trace).empty());
}

TEST(IoLatency, AgreesWithTheWorkloadsOwnMeasureInAConvoy) {
    ExperimentSpec convoy;
    convoy.engine = EngineKind::Threads;
    convoy.workload = WorkloadKind::Mixed;
    convoy.tasks = 2;
    convoy.iterations = 4'000'000;
    convoy.io_ms = 1;
    convoy.io_count = 15;
    convoy.timeout_s = 30;
    Trace trace;
    const Summary s = Runner::run(convoy, &trace);
    ASSERT_TRUE(s.completed) << s.error;
    auto latencies = io_latencies(trace);
    ASSERT_GE(latencies.size(), 15u);
    std::vector<double> ms;
    for (const IoLatency& l : latencies) {
        EXPECT_GE(l.io_end_ns, l.begin_ns);
        EXPECT_GE(l.resumed_ns, l.io_end_ns);
        ms.push_back(double(l.total_ns()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    // The workload stamps its figure a moment after the GIL was taken: the two agree closely.
    const double median_ms = ms[ms.size() / 2];
    EXPECT_NEAR(median_ms / s.io_latency_median_ms, 1.0, 0.1)
        << median_ms << " ms vs " << s.io_latency_median_ms << " ms";
    const double max_ms = ms.back();
    if (kMaximaCompared) {
        EXPECT_NEAR(max_ms / s.io_latency_max_ms, 1.0, 0.1)
            << max_ms << " ms vs " << s.io_latency_max_ms << " ms";
    }
}
