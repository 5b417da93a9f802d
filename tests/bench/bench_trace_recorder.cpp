// Cost of recording one event (Recorder::record: a StampClock stamp - the time-stamp counter on the
// CLOCK_MONOTONIC axis -, sched_getcpu, append to the calling thread's buffer), alone and with 4
// threads recording into one Recorder at once. Target (issue 18.7): <= 20 ns per event on one
// thread (the CPU column; real time on a shared machine includes other programs' turns), no lock
// and no allocation on the hot path (a chunk per doubling, its memory first touched by the events).
#include "core/trace/recorder.h"

#include <benchmark/benchmark.h>
#include <memory>

using namespace clab;

namespace {
std::unique_ptr<Recorder> g_recorder;
uint32_t g_lanes[8];
} // namespace

static void BM_RecordEvent(benchmark::State& state) {
    if (state.thread_index() == 0) {
        g_recorder = std::make_unique<Recorder>();
        for (uint32_t& lane : g_lanes)
            lane = g_recorder->add_lane(LaneKind::Thread, "t");
    }
    // Google Benchmark starts every thread's loop together, after thread 0's setup above.
    Recorder* recorder = nullptr;
    uint64_t n = 0;
    for (auto _ : state) {
        if (recorder == nullptr) recorder = g_recorder.get();
        recorder->record(g_lanes[state.thread_index() & 7], EventKind::GilAcquired, n++);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["ns_per_event"] = benchmark::Counter(
        double(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
// A fixed iteration count bounds memory (24 B per event are kept until the Recorder goes away).
// Three repetitions on one thread: the first touches fresh memory (a page fault per 4 KiB or, for
// chunks of 2 MiB and more, per 2 MiB, whatever this machine charges for one), the later ones
// mostly reuse what the previous Recorder freed, as a second run in the app does.
BENCHMARK(BM_RecordEvent)->Iterations(2'000'000)->Threads(1)->UseRealTime()->Repetitions(3);
BENCHMARK(BM_RecordEvent)->Iterations(2'000'000)->Threads(4)->UseRealTime();

static void BM_NowNs(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(now_ns());
}
BENCHMARK(BM_NowNs);

static void BM_StampNowNs(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(stamp_now_ns());
}
BENCHMARK(BM_StampNowNs);

static void BM_CurrentCpu(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(current_cpu());
}
BENCHMARK(BM_CurrentCpu);

BENCHMARK_MAIN();
