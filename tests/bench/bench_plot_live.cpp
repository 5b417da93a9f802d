// What the timeline costs the GUI thread while a real run streams in: a real engine run (started by
// the Runner, as the GUI does), polled every 25 ms like RunController (drain, ingest, set_now), with
// the view's own frames, in an offscreen 700x600 window. As in the app (app/gui/timeline_pane.cpp),
// the view is on screen before the run and reset() when a run begins. The figure that matters is the
// counter gui_cpu_pct: CPU time of this (the GUI) thread over the wall time of the run, in % of one
// core, everything included (draining, the model, layout, drawing, painting). The engines' threads
// are not counted (CLOCK_THREAD_CPUTIME_ID).
//
// What the student sees, so a cheaper figure cannot hide a worse view: frames_per_s (paint events of
// the plot per second), full_pct (frames that were full replots; the others redrew the data layer
// only), and frame_delay_ms: at each paint, how long ago the newest poll handed its data to the view
// (the view's own added lag), and shown_age_ms: how old the newest polled data on screen is, averaged
// over time (frame_delay_ms plus the wait for the next frame). The model's 30 ms holdback comes on
// top of both, unchanged.
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "plots/timeline_view.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
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

struct Streamed {
    double cpu_s = 0.0;
    double wall_s = 0.0;
    int paints = 0;
    double delay_ms = 0.0; // summed over paints
    double age_area = 0.0;
    double aged_ms = 0.0;
    int full = 0;
    int data_only = 0;
    double frame_cpu_ms = 0.0;
};

// Counts the plot's paint events, how old the newest poll was at each, and how old the data on
// screen was on average over time (between two paints the picture ages by the time between them).
class PaintWatch : public QObject {
public:
    explicit PaintWatch(const QElapsedTimer& wall)
        : wall_(wall) {}
    void polled() { last_poll_ms_ = now_ms(); }
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Paint && last_poll_ms_ >= 0.0) {
            const double now = now_ms();
            ++paints;
            delay_ms += now - last_poll_ms_;
            if (shown_poll_ms_ >= 0.0) {
                age_area +=
                    (now - last_paint_ms_) * ((last_paint_ms_ - shown_poll_ms_) + (now - shown_poll_ms_)) / 2;
                aged_ms += now - last_paint_ms_;
            }
            last_paint_ms_ = now;
            shown_poll_ms_ = last_poll_ms_;
        }
        return QObject::eventFilter(watched, event);
    }
    int paints = 0;
    double delay_ms = 0.0;
    double age_area = 0.0; // age of the data on screen, integrated over time (ms x ms)
    double aged_ms = 0.0;

private:
    double now_ms() const { return double(wall_.nsecsElapsed()) * 1e-6; }
    const QElapsedTimer& wall_;
    double last_poll_ms_ = -1.0;
    double last_paint_ms_ = -1.0;
    double shown_poll_ms_ = -1.0; // the poll whose data is on screen
};

TimelineView& shown_view() {
    static TimelineView* view = [] {
        auto* v = new TimelineView;
        v->resize(700, 600);
        v->show();
        QApplication::processEvents();
        v->replot_now();
        return v;
    }();
    return *view;
}

// Streams one real run into the view; the GUI thread's CPU time, the wall time, and what was drawn.
Streamed stream_run(const ExperimentSpec& spec) {
    TimelineView& view = shown_view();
    view.clear_highlights(); // TimelinePane::beginRun
    view.reset();
    QApplication::processEvents();
    const TimelineView::FrameStats frames0 = view.frame_stats();
    Runner runner;
    if (!runner.start(spec)) return {};
    QElapsedTimer wall;
    wall.start();
    PaintWatch watch(wall);
    view.plot()->installEventFilter(&watch);
    // A real event loop (sleeps between events, as the GUI's does), left when the run has ended; like
    // RunController::pollMain, the poll reads finished() before draining, so the last drain has it all.
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(kPollMs);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        const bool ended = runner.finished() || wall.elapsed() > 40'000;
        std::vector<Event> batch;
        runner.recorder().drain(batch);
        if (!batch.empty()) view.ingest(batch, runner.recorder().lanes(), runner.recorder().origin_ns());
        view.set_now(now_ns());
        watch.polled();
        if (ended) loop.quit();
    });
    const double cpu0 = thread_cpu_seconds();
    poll.start();
    loop.exec();
    poll.stop();
    Streamed out;
    out.cpu_s = thread_cpu_seconds() - cpu0;
    out.wall_s = double(wall.nsecsElapsed()) * 1e-9;
    view.plot()->removeEventFilter(&watch);
    out.paints = watch.paints;
    out.delay_ms = watch.delay_ms;
    out.age_area = watch.age_area;
    out.aged_ms = watch.aged_ms;
    out.full = view.frame_stats().full - frames0.full;
    out.data_only = view.frame_stats().data_only - frames0.data_only;
    out.frame_cpu_ms = view.frame_stats().cpu_ms - frames0.cpu_ms;
    runner.wait();
    return out;
}

void run_bench(benchmark::State& state, const ExperimentSpec& spec) {
    Streamed total;
    for (auto _ : state) {
        const Streamed run = stream_run(spec);
        total.cpu_s += run.cpu_s;
        total.wall_s += run.wall_s;
        total.paints += run.paints;
        total.delay_ms += run.delay_ms;
        total.age_area += run.age_area;
        total.aged_ms += run.aged_ms;
        total.full += run.full;
        total.data_only += run.data_only;
        total.frame_cpu_ms += run.frame_cpu_ms;
        state.SetIterationTime(run.wall_s);
    }
    const double wall = total.wall_s;
    state.counters["gui_cpu_pct"] = wall > 0 ? 100.0 * total.cpu_s / wall : 0.0;
    state.counters["run_s"] = wall / double(state.iterations());
    state.counters["frames_per_s"] = wall > 0 ? double(total.paints) / wall : 0.0;
    state.counters["frame_delay_ms"] = total.paints > 0 ? total.delay_ms / double(total.paints) : 0.0;
    state.counters["shown_age_ms"] = total.aged_ms > 0 ? total.age_area / total.aged_ms : 0.0;
    const int frames = total.full + total.data_only;
    state.counters["frame_cpu_pct"] = wall > 0 ? 0.1 * total.frame_cpu_ms / wall : 0.0;
    state.counters["full_pct"] = frames > 0 ? 100.0 * double(total.full) / double(frames) : 0.0;
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
