// Process engine costs: start per method, a small message's round trip through a pool worker, the
// throughput of a large message there and back, the pickling pass alone, and the two fidelity
// experiments of lessons 10 and 14 (CPU-bound scaling; chunksize for 1000 tiny tasks).
// Has its own main: spawn and forkserver exec this binary in worker mode.
#include "core/builtin_engines.h"
#include "core/experiment/engine.h"
#include "core/processes/engine_common.h"
#include "core/processes/forkserver.h"
#include "core/processes/process_pool.h"
#include "core/processes/worker_entry.h"
#include "core/trace/recorder.h"

#include <atomic>
#include <benchmark/benchmark.h>

using namespace clab;
using namespace clab::proc;

namespace {

Summary run_spec(const ExperimentSpec& spec) {
    Recorder recorder;
    StopSignal cancel;
    auto engine = make_engine(spec.engine);
    Summary summary;
    RunContext ctx{recorder, cancel, cancel.flag(), recorder.add_lane(LaneKind::Main, "MainThread"),
                   now_ns()};
    engine->run(spec, ctx, summary);
    return summary;
}

// p = Process(target=f); p.start(); p.join() with an empty f. Counter start_ms: ProcessStartBegin
// (parent) .. ProcessStartEnd (child ready to run Python).
void BM_ProcessStart(benchmark::State& state) {
    ExperimentSpec spec;
    spec.engine = EngineKind::Processes;
    spec.workload = WorkloadKind::Cpu;
    spec.iterations = 0;
    spec.start_method = StartMethod(state.range(0));
    spec.tasks = 1;
    run_spec(spec); // the forkserver starts once, outside the measurement (as in Python)
    double start_s = 0;
    for (auto _ : state) {
        const Summary s = run_spec(spec);
        if (!s.completed) state.SkipWithError(s.error.c_str());
        start_s += s.process_start_s;
    }
    state.counters["start_ms"] = benchmark::Counter(start_s * 1e3 / double(state.iterations()));
    state.SetLabel(std::string(to_string(spec.start_method)));
}
BENCHMARK(BM_ProcessStart)
    ->Arg(int(StartMethod::Fork))
    ->Arg(int(StartMethod::Spawn))
    ->Arg(int(StartMethod::Forkserver))
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

// executor.submit(f).result() for a task that does nothing: one small message each way.
void BM_PoolRoundTripSmall(benchmark::State& state) {
    Recorder recorder;
    RunStats stats(recorder);
    PoolOptions options;
    options.max_workers = 1;
    ProcessPool pool(options, stats);
    ExperimentSpec spec;
    spec.iterations = 0;
    const TaskParams params = task_params(spec);
    pool.submit({0}, params)->wait_for(10'000'000'000);
    uint64_t n = 0;
    for (auto _ : state) {
        auto f = pool.submit({n++}, params);
        f->wait_for(10'000'000'000);
        if (!f->ok()) state.SkipWithError("round trip failed");
    }
    pool.shutdown();
}
BENCHMARK(BM_PoolRoundTripSmall)->Unit(benchmark::kMicrosecond);

// A payload of N bytes to a pool worker and back (pickle, pipe, unpickle, both ways).
void BM_PoolPayloadThroughput(benchmark::State& state) {
    Recorder recorder;
    RunStats stats(recorder);
    PoolOptions options;
    options.max_workers = 1;
    ProcessPool pool(options, stats);
    ExperimentSpec spec;
    spec.workload = WorkloadKind::Payload;
    spec.payload_bytes = state.range(0);
    const TaskParams params = task_params(spec);
    const auto payload = make_payload(spec);
    uint64_t n = 0;
    for (auto _ : state) {
        auto f = pool.submit({n++}, params, payload);
        f->wait_for(60'000'000'000);
        if (!f->ok()) state.SkipWithError("payload round trip failed");
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * state.range(0) * 2);
    pool.shutdown();
}
BENCHMARK(BM_PoolPayloadThroughput)
    ->Arg(1 << 10)
    ->Arg(1 << 20)
    ->Arg(100 << 20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The pickling pass alone: encode (copy + checksum) and decode (verify + copy) of one call item.
void BM_SerializeRoundTrip(benchmark::State& state) {
    ExperimentSpec spec;
    spec.workload = WorkloadKind::Payload;
    spec.payload_bytes = state.range(0);
    CallItem item;
    item.tasks = {0};
    item.payload = make_payload(spec);
    for (auto _ : state) {
        Frame frame = encode_call(item);
        FrameHeader header;
        std::memcpy(&header, frame.data(), sizeof header);
        std::vector<uint8_t> body(frame.begin() + sizeof header, frame.end());
        benchmark::DoNotOptimize(decode_call(header, body));
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * state.range(0));
}
BENCHMARK(BM_SerializeRoundTrip)->Arg(1 << 20)->Arg(100 << 20)->Unit(benchmark::kMillisecond);

// Lesson 10: N processes each counting to 3 million (fork). Wall time per run.
void BM_CpuBoundProcesses(benchmark::State& state) {
    ExperimentSpec spec;
    spec.engine = EngineKind::Processes;
    spec.iterations = 3'000'000;
    spec.tasks = int(state.range(0));
    for (auto _ : state)
        run_spec(spec);
}
BENCHMARK(BM_CpuBoundProcesses)
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

// Lesson 14: map over 1000 tasks on a 2-worker pool, chunksize 1 / 50 / 500: count(10) (the
// pool's own overhead) and count(5000) (the lesson's tasks). CPython's figures for the same:
// tests/bench/pool_map_cpython.py [10 | 5000]. The parent's threads share one GIL, as there.
void pool_map(benchmark::State& state, int64_t iterations) {
    ExperimentSpec spec;
    spec.engine = EngineKind::ProcessPool;
    spec.iterations = iterations;
    spec.tasks = 1000;
    spec.workers = 2;
    spec.chunksize = int(state.range(0));
    for (auto _ : state)
        run_spec(spec);
}
void BM_PoolMapTinyTasks(benchmark::State& state) {
    pool_map(state, 10);
}
void BM_PoolMapLessonTasks(benchmark::State& state) {
    pool_map(state, 5000);
}
void chunk_sizes(benchmark::internal::Benchmark* b) {
    b->Arg(1)->Arg(50)->Arg(500)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
}
BENCHMARK(BM_PoolMapTinyTasks)->Apply(chunk_sizes);
BENCHMARK(BM_PoolMapLessonTasks)->Apply(chunk_sizes);

} // namespace

int main(int argc, char** argv) {
    if (const int rc = clab::maybe_run_process_worker(argc, argv); rc >= 0) return rc;
    clab::register_builtin_engines();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    clab::proc::Forkserver::instance().shutdown();
    return 0;
}
