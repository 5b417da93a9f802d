// The GIL's costs: an uncontended take+drop (what every blocking call pays), the eval-breaker
// check per iteration (what every loop iteration pays), and a hand-off between two threads.
#include "core/gil/gil.h"
#include "core/trace/recorder.h"
#include "core/workload/calibration.h"
#include "core/workload/python_thread.h"

#include <benchmark/benchmark.h>
#include <thread>

using namespace clab;

static void BM_UncontendedTakeDrop(benchmark::State& state) {
    Recorder recorder;
    Gil gil(&recorder, 5'000'000);
    const uint32_t lane = recorder.add_lane(LaneKind::Thread, "t");
    for (auto _ : state) {
        gil.take(lane);
        gil.drop(lane, GilReleaseReason::Io);
    }
}
BENCHMARK(BM_UncontendedTakeDrop)->Iterations(1'000'000);

// One calibrated Python iteration with its back-edge check, against the bare work.
static void BM_PythonIteration(benchmark::State& state) {
    Recorder recorder;
    StopSignal cancel;
    Gil gil(&recorder, 5'000'000, &cancel);
    const uint32_t lane = recorder.add_lane(LaneKind::Thread, "t");
    PyThread thread(recorder, lane, &gil, cancel);
    thread.enter();
    for (auto _ : state)
        thread.run_iterations(1000);
    thread.leave(GilReleaseReason::Exit);
    state.SetItemsProcessed(state.iterations() * 1000);
    state.counters["ns_per_iteration"] = benchmark::Counter(
        double(state.iterations()) * 1000, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["python_ns_per_iteration"] = calibration().python_ns_per_iteration;
}
BENCHMARK(BM_PythonIteration);

// Two threads ping-pong the GIL via blocking calls: the cost of one hand-off.
static void BM_HandOff(benchmark::State& state) {
    Recorder recorder;
    StopSignal cancel;
    Gil gil(&recorder, 5'000'000, &cancel);
    const uint32_t a = recorder.add_lane(LaneKind::Thread, "a");
    const uint32_t b = recorder.add_lane(LaneKind::Thread, "b");
    std::atomic<bool> stop{false};
    std::thread other([&] {
        while (!stop.load()) {
            gil.take(b);
            gil.drop(b, GilReleaseReason::Io);
        }
    });
    for (auto _ : state) {
        gil.take(a);
        gil.drop(a, GilReleaseReason::Io);
    }
    stop.store(true);
    other.join();
    state.counters["switches"] = double(gil.switch_number());
}
BENCHMARK(BM_HandOff)->Iterations(200'000)->UseRealTime();

BENCHMARK_MAIN();
