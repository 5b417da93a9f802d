// How fast the timeline's segment plottable replots a 1600x900 plot of 16 lanes, zoomed out (the
// whole run visible) and zoomed in (1/2000 of it), for 10k .. 10M segments; and what a stored
// segment costs in memory. Offscreen. The data has the shape of a GIL run: runs of a few ms,
// waits, and 1-ns events that must not vanish.
//
// `rects` counts the merged pixel runs drawn (on screen one stretched line of pixels per lane, for
// vector export one rectangle per run).
// Zoomed out on dense lanes the plottable draws from summary levels (app/plots/lane_summary.h):
// `fed` counts what it handed the pixel rule (segments, or merged stretches and their keys),
// `summary_bytes` what the levels hold. BM_ReplotZoomedOutExact draws every segment (levels off), as
// before they existed; BM_FirstReplotZoomedOut is the first replot at a zoom, which builds the levels.
#include "plots/palette.h"
#include "plots/segment_plottable.h"
#include "plots/segment_store.h"

#include <QApplication>
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <map>
#include <memory>
#include <qcustomplot.h>
#include <random>

using namespace clab::plots;

namespace {

constexpr int kLanes = 16;

std::unique_ptr<SegmentStore> make_store(size_t segments) {
    auto store = std::make_unique<SegmentStore>();
    std::mt19937_64 rng(42);
    std::exponential_distribution<double> run_ms(1.0 / 5.0);
    std::uniform_int_distribution<int> state(0, 5);
    const size_t per_lane = segments / kLanes;
    for (int l = 0; l < kLanes; ++l) {
        const size_t row = store->add_lane("Thread-" + std::to_string(l + 1), uint32_t(l));
        LaneSegments& lane = store->lane(row).segments;
        lane.reserve(per_lane);
        double t = 0.0;
        for (size_t i = 0; i < per_lane; ++i) {
            // Every 50th segment is a 1-ns event; the rest last ~5 ms on average.
            const double duration = (i % 50 == 49) ? 1e-9 : run_ms(rng) * 1e-3;
            const uint8_t s = uint8_t(state(rng));
            lane.append({t, t + duration, s, s, uint32_t(l)});
            t += duration;
        }
    }
    return store;
}

struct Fixture {
    std::unique_ptr<SegmentStore> store;
    std::unique_ptr<QCustomPlot> plot;
    SegmentPlottable* plottable = nullptr;
    double end = 0.0;
};

Fixture& fixture(size_t segments) {
    static std::map<size_t, Fixture> cache;
    Fixture& f = cache[segments];
    if (f.plot) return f;
    cache.clear(); // one data set in memory at a time (10M is 220 MB)
    Fixture& g = cache[segments];
    g.store = make_store(segments);
    double lo = 0.0;
    g.store->time_span(lo, g.end);
    g.plot = std::make_unique<QCustomPlot>();
    g.plot->resize(1600, 900);
    g.plottable = new SegmentPlottable(g.plot->xAxis, g.plot->yAxis, g.store.get());
    g.plot->yAxis->setRange(-0.5, kLanes - 0.5);
    g.plot->yAxis->setRangeReversed(true);
    g.plot->show();
    return g;
}

void replot(benchmark::State& state, bool zoomed_in) {
    Fixture& f = fixture(size_t(state.range(0)));
    const double width = zoomed_in ? f.end / 2000.0 : f.end;
    const double start = zoomed_in ? f.end * 0.5 : 0.0;
    f.plot->xAxis->setRange(start, start + width);
    f.plot->replot(QCustomPlot::rpImmediateRefresh);
    for (auto _ : state)
        f.plot->replot(QCustomPlot::rpImmediateRefresh);
    state.counters["rects"] = double(f.plottable->last_rect_count());
    state.counters["fed"] = double(f.plottable->last_segments_fed());
    state.counters["summary_bytes"] = double(f.plottable->summary_bytes());
    state.counters["bytes_per_segment"] = double(f.store->bytes_used()) / double(f.store->segment_count());
    state.counters["segments"] = double(f.store->segment_count());
}

void BM_ReplotZoomedOut(benchmark::State& state) {
    replot(state, false);
}
void BM_ReplotZoomedIn(benchmark::State& state) {
    replot(state, true);
}
void BM_ReplotZoomedOutExact(benchmark::State& state) {
    fixture(size_t(state.range(0))).plottable->set_summaries_enabled(false);
    replot(state, false);
    fixture(size_t(state.range(0))).plottable->set_summaries_enabled(true);
}

// The first replot at a zoom: a fresh plottable, so the summary levels are built in the timed replot.
void BM_FirstReplotZoomedOut(benchmark::State& state) {
    Fixture& f = fixture(size_t(state.range(0)));
    f.plot->xAxis->setRange(0.0, f.end);
    for (auto _ : state) {
        state.PauseTiming();
        f.plot->removePlottable(f.plottable);
        f.plottable = new SegmentPlottable(f.plot->xAxis, f.plot->yAxis, f.store.get());
        state.ResumeTiming();
        f.plot->replot(QCustomPlot::rpImmediateRefresh);
    }
    state.counters["fed"] = double(f.plottable->last_segments_fed());
    state.counters["summary_bytes"] = double(f.plottable->summary_bytes());
}

// The pixel rule alone (no painting): what the plottable spends before it hands rects to Qt.
void BM_RasterizeZoomedOut(benchmark::State& state) {
    Fixture& f = fixture(size_t(state.range(0)));
    const TimeMapping map = TimeMapping::make(0.0, f.end, 1500);
    LaneRasterizer raster;
    std::vector<PixelRun> runs;
    for (auto _ : state) {
        runs.clear();
        for (size_t row = 0; row < f.store->lane_count(); ++row) {
            const LaneSegments& lane = f.store->lane(row).segments;
            raster.begin(map.width);
            const IndexRange r = lane.visible(map.t0, map.t1);
            raster.add_segments(lane.starts(), lane.ends(), lane.keys(), r.begin, r.end, map);
            raster.finish(runs);
        }
        benchmark::DoNotOptimize(runs.data());
    }
    state.counters["runs"] = double(runs.size());
}

// Appending at the live edge: the cost per segment the model pays while a run streams in.
void BM_AppendSegment(benchmark::State& state) {
    LaneSegments lane;
    double t = 0.0;
    for (auto _ : state) {
        lane.append({t, t + 1e-3, 0, 0, 0});
        t += 1e-3;
    }
    benchmark::DoNotOptimize(lane.size());
}

} // namespace

BENCHMARK(BM_ReplotZoomedOut)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplotZoomedIn)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplotZoomedOutExact)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FirstReplotZoomedOut)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RasterizeZoomedOut)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AppendSegment);

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
