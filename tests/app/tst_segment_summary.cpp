// Summary levels (app/plots/lane_summary.h): zoomed in, a lane is drawn from its own segments, pixel
// for pixel as without levels; zoomed out on a dense lane, the level gives every column the state the
// pixel rule gives it from the real segments (up to near ties), keeps 1-ns events, and feeds the rule
// far fewer items; a level grows with its lane and starts over when the lane is edited in the middle.
#include "plots/lane_summary.h"
#include "plots/palette.h"
#include "plots/segment_plottable.h"
#include "plots/timeline_geometry.h"

#include <QTest>
#include <array>
#include <cmath>
#include <qcustomplot.h>
#include <random>

using namespace clab;
using namespace clab::plots;

namespace {
constexpr int kColumns = 1500;

// Per pixel column, the colour key the pixel rule shows (kNoKey where nothing is).
std::vector<uint8_t> columns_of(const std::vector<PixelRun>& runs, int width) {
    std::vector<uint8_t> columns(size_t(width), kNoKey);
    for (const PixelRun& run : runs)
        for (int c = run.x0; c < run.x1; ++c)
            columns[size_t(c)] = run.key;
    return columns;
}

// The lane through the pixel rule, from its segments or (if `summary` gives one) from a level, as
// SegmentPlottable feeds it; `fed` gets the work handed to the rule.
std::vector<uint8_t> rasterize(const LaneSegments& lane, const TimeMapping& map, LaneSummary* summary,
                               size_t* fed = nullptr) {
    LaneRasterizer raster;
    raster.begin(map.width);
    const IndexRange visible = lane.visible(map.t0, map.t1);
    const SummaryLevel* level =
        summary ? summary->level_for(lane, map.seconds_per_px(), visible.size(), map.width) : nullptr;
    size_t work = 0;
    auto feed_lane = [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i)
            raster.add(map.to_px(lane.starts()[i]), map.to_px(lane.ends()[i]), lane.keys()[i]);
        work += end > begin ? end - begin : 0;
    };
    if (level) {
        const IndexRange items = level->visible(map.t0, map.t1);
        for (size_t i = items.begin; i < items.end; ++i) {
            const double xs = map.to_px(level->start(i));
            const double xe = map.to_px(level->end(i));
            if (const size_t n = level->share_count(i))
                raster.add_shares(xs, xe, level->share_keys(i), level->shares(i), int(n));
            else
                raster.add(xs, xe, level->key(i));
        }
        work += level->work(items);
        const size_t from = summary->raw_from();
        feed_lane(std::max(visible.begin, from), std::max(visible.end, from));
    } else {
        feed_lane(visible.begin, visible.end);
    }
    std::vector<PixelRun> runs;
    raster.finish(runs);
    if (fed) *fed = work;
    return columns_of(runs, map.width);
}

// Per column and key, the width the lane's segments cover there (what the pixel rule votes with).
std::vector<std::array<double, kMaxKeys>> coverage(const LaneSegments& lane, const TimeMapping& map) {
    std::vector<std::array<double, kMaxKeys>> cover(size_t(map.width));
    for (auto& c : cover)
        c.fill(0.0);
    const IndexRange visible = lane.visible(map.t0, map.t1);
    for (size_t i = visible.begin; i < visible.end; ++i) {
        const double xs = map.to_px(lane.starts()[i]);
        const double xe = map.to_px(lane.ends()[i]);
        for (int c = std::max(0, int(std::floor(xs))); c < map.width && c <= int(std::floor(xe)); ++c)
            cover[size_t(c)][lane.keys()[i]] +=
                std::max(1e-9, std::min(xe, c + 1.0) - std::max(xs, double(c)));
    }
    return cover;
}

enum class Shape { Gil, Phases, Random };

// 600k segments of a few ms: a GIL-like alternation of runs and short waits with a 1-ns event now and
// then, phases that change the dominant state every few thousand segments, or random states.
LaneSegments make_lane(Shape shape, size_t n = 600'000) {
    LaneSegments lane;
    std::mt19937_64 rng(7);
    std::exponential_distribution<double> ms(1.0 / 5.0);
    std::uniform_int_distribution<int> any_state(0, 5);
    double t = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double d = ms(rng) * 1e-3;
        uint8_t key = 0;
        switch (shape) {
        case Shape::Gil:
            key = i % 2 == 0 ? state_key(SegState::Running) : state_key(SegState::GilWait);
            if (i % 2 == 1) d *= 0.2;
            if (i % 501 == 0) {
                d = 1e-9;
                key = state_key(SegState::ForcedWait);
            }
            break;
        case Shape::Phases:
            key = (i / 5000) % 2 ? state_key(SegState::BlockedIo)
                                 : (i % 3 == 0 ? state_key(SegState::Running) : state_key(SegState::GilWait));
            break;
        case Shape::Random:
            key = uint8_t(any_state(rng));
            break;
        }
        lane.append({t, t + d, key, key, 0});
        t += d;
    }
    return lane;
}

double lane_end(const LaneSegments& lane) {
    return lane.max_end();
}
} // namespace

class TestSegmentSummary : public QObject {
    Q_OBJECT
private slots:
    // Zoomed in (few segments per column) no level is used: the columns are exactly the rule's.
    void zoomedInIsTheLaneItself() {
        const LaneSegments lane = make_lane(Shape::Random);
        const double end = lane_end(lane);
        for (double width : {end / 2000.0, end / 200.0}) {
            const TimeMapping map = TimeMapping::make(end * 0.4, end * 0.4 + width, kColumns);
            LaneSummary summary;
            QCOMPARE(rasterize(lane, map, &summary), rasterize(lane, map, nullptr));
            QVERIFY(!summary.level_for(lane, map.seconds_per_px(), lane.visible(map.t0, map.t1).size(),
                                       kColumns));
        }
    }

    // Zoomed out on realistic shapes, the level shows what the rule shows in all but a handful of
    // columns, with a fraction of the work (a tenth with the whole run in view, a quarter with a
    // quarter of it: fewer segments per column leave less to merge).
    void zoomedOutShowsWhatTheRuleShows_data() {
        QTest::addColumn<int>("shape");
        QTest::addColumn<double>("fraction"); // of the run in view
        QTest::newRow("GIL, whole run") << int(Shape::Gil) << 1.0;
        QTest::newRow("GIL, a quarter") << int(Shape::Gil) << 0.25;
        QTest::newRow("phases, whole run") << int(Shape::Phases) << 1.0;
        QTest::newRow("phases, a quarter") << int(Shape::Phases) << 0.25;
    }
    void zoomedOutShowsWhatTheRuleShows() {
        QFETCH(int, shape);
        QFETCH(double, fraction);
        const LaneSegments lane = make_lane(Shape(shape));
        const double end = lane_end(lane);
        const TimeMapping map = TimeMapping::make(end * 0.1, end * 0.1 + end * fraction * 0.85, kColumns);
        LaneSummary summary;
        size_t raw_work = 0;
        size_t level_work = 0;
        const std::vector<uint8_t> exact = rasterize(lane, map, nullptr, &raw_work);
        const std::vector<uint8_t> summarized = rasterize(lane, map, &summary, &level_work);
        int differ = 0;
        for (int c = 0; c < kColumns; ++c)
            differ += exact[size_t(c)] != summarized[size_t(c)];
        QVERIFY2(differ <= kColumns / 200, qPrintable(QStringLiteral("%1 columns differ").arg(differ)));
        const size_t gain = fraction == 1.0 ? 10 : 4;
        QVERIFY2(level_work * gain <= raw_work,
                 qPrintable(QStringLiteral("%1 vs %2").arg(level_work).arg(raw_work)));
    }

    // Random states tie in many columns (the rule itself then shows any of the tied keys), but a
    // column never shows a key that covered clearly less of it than the one the rule shows.
    void zoomedOutNeverShowsAClearLoser() {
        const LaneSegments lane = make_lane(Shape::Random);
        const double end = lane_end(lane);
        const TimeMapping map = TimeMapping::make(end * 0.1, end * 0.9, kColumns);
        LaneSummary summary;
        const std::vector<uint8_t> exact = rasterize(lane, map, nullptr);
        const std::vector<uint8_t> summarized = rasterize(lane, map, &summary);
        const auto cover = coverage(lane, map);
        int clear_losers = 0;
        for (int c = 0; c < kColumns; ++c) {
            const uint8_t a = exact[size_t(c)];
            const uint8_t b = summarized[size_t(c)];
            if (a == b) continue;
            QVERIFY(a != kNoKey && b != kNoKey);
            if (cover[size_t(c)][b] < 0.75 * cover[size_t(c)][a]) ++clear_losers;
        }
        QVERIFY2(clear_losers <= kColumns / 100, qPrintable(QString::number(clear_losers)));
    }

    // A 1-ns event between two long segments keeps its column, though the lane is dense elsewhere.
    void shortEventsBetweenLongSegmentsKeepTheirColumns() {
        LaneSegments lane;
        const uint8_t run = state_key(SegState::Running);
        const uint8_t event = state_key(SegState::ForcedWait);
        double t = 0.0;
        for (int block = 0; block < 200; ++block) { // 1000 runs of 1 ms, then long, event, long
            for (int i = 0; i < 1000; ++i, t += 1e-3)
                lane.append({t, t + 1e-3, run, run, 0});
            lane.append({t, t + 2.0, run, run, 0});
            t += 2.0;
            lane.append({t, t + 1e-9, event, event, 0});
            lane.append({t + 1e-9, t + 2.0, run, run, 0});
            t += 2.0;
        }
        const TimeMapping map = TimeMapping::make(0.0, t, kColumns);
        LaneSummary summary;
        size_t fed = 0;
        const std::vector<uint8_t> summarized = rasterize(lane, map, &summary, &fed);
        QVERIFY(fed < lane.size() / 10); // a level was used
        // A column each (one touching a column border may take both).
        QVERIFY(std::count(summarized.begin(), summarized.end(), event) >= 200);
        QCOMPARE(summarized, rasterize(lane, map, nullptr));
    }

    // Growing the lane at its end and drawing in between gives what drawing it once at the end gives.
    void growsWithItsLane() {
        const LaneSegments whole = make_lane(Shape::Gil, 300'000);
        const double end = lane_end(whole);
        const TimeMapping map = TimeMapping::make(0.0, end, kColumns);
        LaneSegments growing;
        LaneSummary summary;
        for (size_t i = 0; i < whole.size(); ++i) {
            growing.append(whole.at(i));
            if (i % 50'000 == 49'999) rasterize(growing, map, &summary);
        }
        LaneSummary fresh;
        QCOMPARE(rasterize(growing, map, &summary), rasterize(whole, map, &fresh));
        QVERIFY(summary.bytes_used() > 0);
    }

    // A segment inserted out of order (a thread that published late) makes the level start over.
    void startsOverAfterAnOutOfOrderInsert() {
        LaneSegments lane = make_lane(Shape::Phases, 300'000);
        const double end = lane_end(lane);
        const TimeMapping map = TimeMapping::make(-end * 0.02, end, kColumns);
        LaneSummary summary;
        rasterize(lane, map, &summary);
        const uint64_t before = lane.generation();
        // A crash before the first segment: it goes first, and every merged index moves by one.
        const uint8_t crash = state_key(SegState::Crashed);
        lane.append({-end * 0.015, -end * 0.001, crash, crash, 0});
        QVERIFY(lane.generation() != before);
        const std::vector<uint8_t> after = rasterize(lane, map, &summary);
        LaneSummary fresh;
        QCOMPARE(after, rasterize(lane, map, &fresh));
        QVERIFY(std::count(after.begin(), after.end(), crash) >= 10);
    }

    // Through the plottable: the same picture with levels on and off when zoomed in, and far fewer
    // items fed zoomed out.
    void plottableUsesLevelsOnlyZoomedOut() {
        SegmentStore store;
        store.add_lane("Thread-1", 1);
        store.lane(0).segments = make_lane(Shape::Phases, 200'000);
        const double end = lane_end(store.lane(0).segments);
        QCustomPlot plot;
        plot.resize(800, 100);
        auto* plottable = new SegmentPlottable(plot.xAxis, plot.yAxis, &store);
        plot.yAxis->setRange(-0.5, 0.5);
        auto render = [&](bool levels) {
            plottable->set_summaries_enabled(levels);
            return plot.toPixmap(800, 100, 1.0).toImage();
        };
        plot.xAxis->setRange(end * 0.5, end * 0.5 + end / 1000.0);
        QCOMPARE(render(true), render(false));
        plot.xAxis->setRange(0.0, end);
        render(false);
        const size_t exact = plottable->last_segments_fed();
        render(true);
        QVERIFY(plottable->last_segments_fed() * 10 < exact);
        QVERIFY(plottable->summary_bytes() > 0);
    }
};

QTEST_MAIN(TestSegmentSummary)
#include "tst_segment_summary.moc"
