// What the timeline costs the GUI thread while a real run streams in: a real engine run (started by
// the Runner, as the GUI does), polled every 25 ms like RunController (drain, ingest, set_now), with
// the view's own coalesced replots, in an offscreen 700x600 window. The figure that matters is the
// counter gui_cpu_pct: CPU time of this (the GUI) thread over the wall time of the run, in % of one
// core. The engines' threads are not counted (CLOCK_THREAD_CPUTIME_ID).
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "plots/timeline_view.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <ctime>

using namespace clab;
using namespace clab::plots;

namespace {

constexpr int kPollMs = 25; // app/gui/run_controller.cpp

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

ExperimentSpec cpu_threads() { // 4 CPU-bound threads
    ExperimentSpec spec;
    spec.engine = EngineKind::Threads;
    spec.workload = WorkloadKind::Cpu;
    spec.tasks = 4;
    spec.iterations = 10'000'000;
    spec.timeout_s = 30;
    return spec;
}

ExperimentSpec convoy() { // --engine threads --workload mixed --tasks 2 --io-count 200 --io-ms 1
    ExperimentSpec spec;
    spec.engine = EngineKind::Threads;
    spec.workload = WorkloadKind::Mixed;
    spec.tasks = 2;
    spec.io_count = 200;
    spec.io_ms = 1;
    spec.timeout_s = 30;
    return spec;
}

// Streams one real run into a fresh view; returns {GUI-thread CPU seconds, wall seconds}.
std::pair<double, double> stream_run(const ExperimentSpec& spec) {
    TimelineView view;
    view.resize(700, 600);
    view.show();
    QApplication::processEvents();
    Runner runner;
    if (!runner.start(spec)) return {0.0, 0.0};
    QTimer poll;
    poll.setInterval(kPollMs);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        std::vector<Event> batch;
        runner.recorder().drain(batch);
        if (!batch.empty()) view.ingest(batch, runner.recorder().lanes(), runner.recorder().origin_ns());
        view.set_now(now_ns());
    });
    QElapsedTimer wall;
    wall.start();
    const double cpu0 = thread_cpu_seconds();
    // A real event loop (sleeps between events, as the GUI's does), left when the run has ended.
    QEventLoop loop;
    QTimer done;
    done.setInterval(5);
    QObject::connect(&done, &QTimer::timeout, [&] {
        if (runner.finished() || wall.elapsed() > 40'000) loop.quit();
    });
    poll.start();
    done.start();
    loop.exec();
    poll.stop();
    const double cpu = thread_cpu_seconds() - cpu0;
    const double seconds = double(wall.nsecsElapsed()) * 1e-9;
    runner.wait();
    return {cpu, seconds};
}

void run_bench(benchmark::State& state, const ExperimentSpec& spec) {
    double cpu = 0.0;
    double wall = 0.0;
    for (auto _ : state) {
        const auto [c, w] = stream_run(spec);
        cpu += c;
        wall += w;
        state.SetIterationTime(w);
    }
    state.counters["gui_cpu_pct"] = wall > 0 ? 100.0 * cpu / wall : 0.0;
    state.counters["run_s"] = wall / double(state.iterations());
}

void BM_LiveCpuThreads(benchmark::State& state) {
    run_bench(state, cpu_threads());
}
void BM_LiveConvoy(benchmark::State& state) {
    run_bench(state, convoy());
}
BENCHMARK(BM_LiveCpuThreads)->UseManualTime()->Iterations(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LiveConvoy)->UseManualTime()->Iterations(4)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv) {
    setenv("QT_QPA_PLATFORM", "offscreen", 0);
    QApplication app(argc, argv);
    register_builtin_engines();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
