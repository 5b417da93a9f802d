// The payload workload in the thread engines (core/workload/workload.cpp): each task makes two
// fresh blocks of payload_bytes and copies one into the other. As in CPython, a task's blocks are
// freed when its function returns, before the next check point, so a thread that is switched out
// there holds none: four threads taking turns under the GIL need about the memory of one task,
// as four tasks one after the other do.
#include "core/experiment/runner.h"

#include <gtest/gtest.h>

using namespace clab;

namespace {

constexpr int64_t kPayloadBytes = 40'000'000;

ExperimentSpec payload(EngineKind engine, int64_t bytes) {
    ExperimentSpec s;
    s.engine = engine;
    s.workload = WorkloadKind::Payload;
    s.tasks = 4;
    s.payload_bytes = bytes;
    s.switch_interval_ms = 1; // every thread asks for the GIL while another copies
    s.timeout_s = 120;
    return s;
}

// The run's peak RSS above what the same run with a 1 KB payload needs.
double payload_peak_mb(EngineKind engine) {
    const Summary base = Runner::run(payload(engine, 1024));
    const Summary s = Runner::run(payload(engine, kPayloadBytes));
    EXPECT_TRUE(base.completed) << base.error;
    EXPECT_TRUE(s.completed) << s.error;
    return s.peak_rss_mb - base.peak_rss_mb;
}

} // namespace

TEST(Payload, ThreadsTakingTurnsHoldTheMemoryOfOneTask) {
    const double one_task_mb = 2.0 * double(kPayloadBytes) / (1 << 20);
    const double sequential_mb = payload_peak_mb(EngineKind::Sequential);
    const double threads_mb = payload_peak_mb(EngineKind::Threads);
    const double pool_mb = payload_peak_mb(EngineKind::ThreadPool);
    std::printf("peak RSS above a 1 KB payload: sequential %.0f MB, threads %.0f MB, thread pool %.0f MB "
                "(one task's two blocks: %.0f MB)\n",
                sequential_mb, threads_mb, pool_mb, one_task_mb);
    EXPECT_GT(sequential_mb, 0.8 * one_task_mb) << "the blocks were not really written";
    // Holding a switched-out thread's blocks would add one task's worth per waiting thread.
    EXPECT_LT(threads_mb, sequential_mb + 0.5 * one_task_mb);
    EXPECT_LT(pool_mb, sequential_mb + 0.5 * one_task_mb);
}
