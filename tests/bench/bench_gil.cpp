// The GIL's costs: an uncontended take+drop (what every blocking call pays), the eval-breaker
// check per iteration (what every loop iteration pays), and a hand-off between two threads; the
// first and the last with the recorder and without (/0: no recorder), and how long a third thread
// waits for the GIL's mutex while two threads hand the GIL over (what a transition recorded inside
// the critical section would lengthen: issue 18.7).
#include "core/gil/gil.h"
#include "core/trace/recorder.h"
#include "core/workload/calibration.h"
#include "core/workload/python_thread.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <thread>
#include <vector>

using namespace clab;

static void BM_UncontendedTakeDrop(benchmark::State& state) {
    Recorder recorder;
    Gil gil(state.range(0) != 0 ? &recorder : nullptr, 5'000'000);
    const uint32_t lane = recorder.add_lane(LaneKind::Thread, "t");
    for (auto _ : state) {
        gil.take(lane);
        gil.drop(lane, GilReleaseReason::Io);
    }
}
BENCHMARK(BM_UncontendedTakeDrop)->Iterations(1'000'000)->Arg(0)->Arg(1);

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
    Gil gil(state.range(0) != 0 ? &recorder : nullptr, 5'000'000, &cancel);
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
BENCHMARK(BM_HandOff)->Iterations(200'000)->UseRealTime()->Arg(0)->Arg(1);

// Two threads hand the GIL over as fast as they can; each iteration, this thread locks the GIL's
// mutex once (switch_number()) and measures how long that took: the mutex's hold time as the
// other threads see it.
static void BM_MutexWaitDuringHandOffs(benchmark::State& state) {
    Recorder recorder;
    StopSignal cancel;
    Gil gil(state.range(0) != 0 ? &recorder : nullptr, 5'000'000, &cancel);
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (const char* name : {"a", "b"}) {
        const uint32_t lane = recorder.add_lane(LaneKind::Thread, name);
        threads.emplace_back([&, lane] {
            while (!stop.load(std::memory_order_relaxed)) {
                gil.take(lane);
                gil.drop(lane, GilReleaseReason::Io);
            }
        });
    }
    int64_t waited_ns = 0, longest_ns = 0;
    for (auto _ : state) {
        const int64_t begin = now_ns();
        benchmark::DoNotOptimize(gil.switch_number());
        const int64_t waited = now_ns() - begin;
        waited_ns += waited;
        longest_ns = std::max(longest_ns, waited);
    }
    stop.store(true);
    for (auto& thread : threads)
        thread.join();
    state.counters["mean_wait_ns"] = double(waited_ns) / double(state.iterations());
    state.counters["longest_wait_us"] = double(longest_ns) * 1e-3;
    state.counters["switches"] = double(gil.switch_number());
}
BENCHMARK(BM_MutexWaitDuringHandOffs)->Iterations(200'000)->UseRealTime()->Arg(0)->Arg(1);

BENCHMARK_MAIN();
