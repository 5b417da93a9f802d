// Cost of recording one event (Recorder::record: a StampClock stamp - the time-stamp counter on the
// CLOCK_MONOTONIC axis -, sched_getcpu, append to the calling thread's buffer), alone and with 4
// threads recording into one Recorder at once. Target (issue 18.7): <= 20 ns per event on one
// thread (the CPU column; real time on a shared machine includes other programs' turns), no lock
// and no allocation on the hot path (a chunk per doubling, its memory first touched by the events).
//
// Every Recorder starts on fresh memory: its ChunkPool maps what it needs and unmaps it when the
// Recorder goes away, so each repetition pays the page faults and the kernel's zeroing a first
// run in the app or the CLI pays (`faults_per_kevent`). `process_ns_per_event` is the CPU time of
// the whole process per event, so no cost can hide in another thread.
#include "core/trace/recorder.h"

#include <benchmark/benchmark.h>
#include <ctime>
#include <memory>
#include <sys/resource.h>
#include <thread>

using namespace clab;

namespace {
std::unique_ptr<Recorder> g_recorder;
uint32_t g_lanes[8];

double cpu_s(clockid_t clock) {
    timespec t{};
    clock_gettime(clock, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}
long minor_faults(int who = RUSAGE_SELF) {
    rusage usage{};
    getrusage(who, &usage);
    return usage.ru_minflt;
}
} // namespace

static void BM_RecordEvent(benchmark::State& state) {
    static double process_cpu_begin = 0;
    static long faults_begin = 0;
    if (state.thread_index() == 0) {
        g_recorder = std::make_unique<Recorder>();
        for (uint32_t& lane : g_lanes)
            lane = g_recorder->add_lane(LaneKind::Thread, "t");
        faults_begin = minor_faults();
        process_cpu_begin = cpu_s(CLOCK_PROCESS_CPUTIME_ID);
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
    if (state.thread_index() == 0) {
        // Thread 0's view of the whole process (with several threads: until thread 0 finished).
        const double events = double(state.iterations()) * state.threads();
        state.counters["process_ns_per_event"] =
            (cpu_s(CLOCK_PROCESS_CPUTIME_ID) - process_cpu_begin) * 1e9 / events;
        state.counters["faults_per_kevent"] = double(minor_faults() - faults_begin) * 1000 / events;
    }
}
// A fixed iteration count bounds memory (24 B per event are kept until the Recorder goes away).
// Three repetitions on one thread, each on fresh memory (see above).
BENCHMARK(BM_RecordEvent)->Iterations(2'000'000)->Threads(1)->UseRealTime()->Repetitions(3);
BENCHMARK(BM_RecordEvent)->Iterations(2'000'000)->Threads(4)->UseRealTime();

// Thread-per-request: 200 short-lived threads, one after the other, each records 500 events into
// one fresh Recorder (100,000 events: the size of a lesson 16 run). Most events then sit in small
// chunks, where a 4 KiB page's first touch costs most. The CPU time of the recording loops only
// (each thread's own clock), not of starting the threads.
static void BM_RecordEventThreadPerRequest(benchmark::State& state) {
    constexpr int kThreads = 200;
    constexpr int kPerThread = 500;
    double recording_s = 0;
    long faults = 0;
    for (auto _ : state) {
        Recorder recorder;
        const uint32_t lane = recorder.add_lane(LaneKind::Thread, "request");
        const long faults_begin = minor_faults();
        for (int t = 0; t < kThreads; ++t)
            std::thread([&] {
                recorder.record(lane, EventKind::WorkerStart); // registers the thread's buffer
                const double begin = cpu_s(CLOCK_THREAD_CPUTIME_ID);
                for (int i = 1; i < kPerThread; ++i)
                    recorder.record(lane, EventKind::GilAcquired, uint64_t(i));
                recording_s += cpu_s(CLOCK_THREAD_CPUTIME_ID) - begin; // threads run one at a time
            }).join();
        faults += minor_faults() - faults_begin;
    }
    const double events = double(state.iterations()) * kThreads * (kPerThread - 1);
    state.counters["ns_per_event"] = recording_s * 1e9 / events;
    state.counters["faults_per_kevent"] = double(faults) * 1000 / events;
}
BENCHMARK(BM_RecordEventThreadPerRequest)->Iterations(5)->Unit(benchmark::kMillisecond);

// The start of a run: the first N events a fresh Recorder records, on one thread. Their chunks are
// fresh memory, whose first touch costs ~11 us per 4 KiB page here and up to milliseconds per
// 2 MiB huge page (when the kernel compacts memory for it): paid by the recording thread unless
// they were populated ahead of it (prefaulter.h). `ns_per_event` is the writer's real time (a
// stall on a fault is the cost that distorts a timeline), `writer_cpu_ns_per_event` its CPU time,
// `writer_faults_per_kevent` the page faults counted to the writer (RUSAGE_THREAD: its own first
// touches, and the pages it populates in bulk with MADV_POPULATE_WRITE count too). Run it alone in a fresh
// process for the figure a new run pays, one process per figure:
//   for i in 1 2 3; do bench_trace_recorder --benchmark_filter='BM_RecordFirstEvents/100000/'; done
// (and /1000000/). `create_us` is what creating the Recorder cost (not in ns_per_event): its
// StampClock calibration, the first in a process (stamp_clock.h).
static void BM_RecordFirstEvents(benchmark::State& state) {
    const int64_t n = state.range(0);
    double writer_cpu_s = 0;
    long writer_faults = 0;
    double create_s = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const double create_begin = cpu_s(CLOCK_MONOTONIC);
        auto recorder = std::make_unique<Recorder>();
        create_s += cpu_s(CLOCK_MONOTONIC) - create_begin;
        const uint32_t lane = recorder->add_lane(LaneKind::Thread, "first");
        const long faults_begin = minor_faults(RUSAGE_THREAD);
        const double cpu_begin = cpu_s(CLOCK_THREAD_CPUTIME_ID);
        state.ResumeTiming();
        for (int64_t i = 0; i < n; ++i)
            recorder->record(lane, EventKind::GilAcquired, uint64_t(i));
        state.PauseTiming();
        writer_cpu_s += cpu_s(CLOCK_THREAD_CPUTIME_ID) - cpu_begin;
        writer_faults += minor_faults(RUSAGE_THREAD) - faults_begin;
        recorder.reset(); // unmaps: the next iteration starts on fresh memory again
        state.ResumeTiming();
    }
    const double events = double(state.iterations()) * double(n);
    state.counters["ns_per_event"] =
        benchmark::Counter(events, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["writer_cpu_ns_per_event"] = writer_cpu_s * 1e9 / events;
    state.counters["writer_faults_per_kevent"] = double(writer_faults) * 1000 / events;
    state.counters["create_us"] = create_s * 1e6 / double(state.iterations());
}
// Once per process: a second Recorder in the same process meets a clock already calibrated and
// memory the process has had before.
BENCHMARK(BM_RecordFirstEvents)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

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
