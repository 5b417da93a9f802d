// Stop latency (issue 18.6): how long a cancel takes, from Runner::cancel() until the summary is
// there, in the middle of a run that would go on for minutes. For each case the run is stopped
// `repeats` times at a different point (250-1250 ms in), and the counters say:
//   stop_ms_median / stop_ms_max   cancel() .. wait() returned
//   seen_ms_max                    cancel() .. the first task that ends after it (the stop seen)
//   engine_ms_max                  cancel() .. the run's last recorded event (its threads ending)
// The payload cases move 100 MB per task there and back: the stop lands in the middle of a copy.
// Run it quiet, then again while the machine is busy (e.g. `stress-ng --cpu 2` or a build) to see
// the loaded figures; the goal is 50 ms in both. python3 stopped by SIGINT in the same workload:
// tests/bench/payload_stop_cpython.py (it finishes the copy in progress first: seconds here).
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "core/processes/worker_entry.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <thread>
#include <vector>

using namespace clab;

namespace {

ExperimentSpec long_run(EngineKind engine, WorkloadKind workload, int tasks) {
    ExperimentSpec s;
    s.engine = engine;
    s.workload = workload;
    s.tasks = tasks;
    s.iterations = 10'000'000'000LL; // minutes of counting
    s.io_ms = 60'000;                // minute-long sleeps
    s.payload_bytes = 100'000'000;
    return s;
}

void stop_latency(benchmark::State& state, ExperimentSpec spec) {
    std::vector<double> stops_ms;
    double engine_max_ms = 0, seen_max_ms = 0;
    int k = 0;
    for (auto _ : state) {
        Runner runner;
        if (!runner.start(spec)) {
            state.SkipWithError(runner.error().c_str());
            break;
        }
        // Different points in the run: before, during and between copies.
        std::this_thread::sleep_for(std::chrono::milliseconds(250 + 200 * (k++ % 6)));
        const int64_t asked = now_ns();
        runner.cancel();
        const Summary& summary = runner.wait();
        const int64_t ended = now_ns();
        if (!summary.cancelled || !summary.error.empty()) {
            state.SkipWithError(("the run was not stopped by the cancel: " + summary.error).c_str());
            break;
        }
        int64_t last_event = asked, first_task_end = ended;
        for (const Event& e : runner.trace().events) {
            last_event = std::max(last_event, e.t_ns);
            if (e.kind == EventKind::TaskEnd && e.t_ns >= asked)
                first_task_end = std::min(first_task_end, e.t_ns);
        }
        seen_max_ms = std::max(seen_max_ms, double(first_task_end - asked) * 1e-6);
        stops_ms.push_back(double(ended - asked) * 1e-6);
        engine_max_ms = std::max(engine_max_ms, double(last_event - asked) * 1e-6);
        state.SetIterationTime(double(ended - asked) * 1e-9);
    }
    if (stops_ms.empty()) return;
    std::sort(stops_ms.begin(), stops_ms.end());
    state.counters["stop_ms_median"] = stops_ms[stops_ms.size() / 2];
    state.counters["stop_ms_max"] = stops_ms.back();
    state.counters["engine_ms_max"] = engine_max_ms;
    state.counters["seen_ms_max"] = seen_max_ms;
}

void register_cases() {
    struct Case {
        const char* name;
        ExperimentSpec spec;
    };
    ExperimentSpec pool_payload = long_run(EngineKind::ThreadPool, WorkloadKind::Payload, 200);
    pool_payload.workers = 4;
    ExperimentSpec process_pool_payload = long_run(EngineKind::ProcessPool, WorkloadKind::Payload, 200);
    process_pool_payload.workers = 2;
    const Case cases[] = {
        {"sequential/payload", long_run(EngineKind::Sequential, WorkloadKind::Payload, 200)},
        {"threads/payload", long_run(EngineKind::Threads, WorkloadKind::Payload, 200)},
        {"threads(4)/payload",
         [] {
             ExperimentSpec s = long_run(EngineKind::Threads, WorkloadKind::Payload, 200);
             s.workers = 4;
             return s;
         }()},
        {"thread-pool(4)/payload", pool_payload},
        {"processes/payload", long_run(EngineKind::Processes, WorkloadKind::Payload, 200)},
        {"process-pool(2)/payload", process_pool_payload},
        {"threads/cpu", long_run(EngineKind::Threads, WorkloadKind::Cpu, 3)},
    };
    for (const Case& c : cases)
        benchmark::RegisterBenchmark(c.name, stop_latency, c.spec)
            ->Iterations(12)
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
}

} // namespace

int main(int argc, char** argv) {
    if (const int code = maybe_run_process_worker(argc, argv); code >= 0) return code;
    register_builtin_engines();
    register_cases();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
