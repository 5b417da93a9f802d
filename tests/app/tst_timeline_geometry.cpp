// The timeline's view math on its own: time <-> pixel mapping and the pixel rule, no widgets.
#include "plots/timeline_geometry.h"

#include <QTest>
#include <cmath>
#include <random>

using namespace clab::plots;

namespace {
struct Seg {
    double xs, xe;
    uint8_t key;
};
std::vector<PixelRun> rasterize(int width, const std::vector<Seg>& segs) {
    LaneRasterizer r;
    r.begin(width);
    for (const Seg& s : segs)
        r.add(s.xs, s.xe, s.key);
    std::vector<PixelRun> out;
    r.finish(out);
    return out;
}
} // namespace

Q_DECLARE_METATYPE(std::vector<Seg>)
Q_DECLARE_METATYPE(std::vector<PixelRun>)

class TestTimelineGeometry : public QObject {
    Q_OBJECT
private slots:
    void mappingRoundTrips() {
        const TimeMapping m = TimeMapping::make(2.0, 4.0, 1000);
        QVERIFY(m.valid());
        QCOMPARE(m.to_px(2.0), 0.0);
        QCOMPARE(m.to_px(4.0), 1000.0);
        QCOMPARE(m.to_px(3.0), 500.0);
        QCOMPARE(m.to_time(250.0), 2.5);
        QCOMPARE(m.seconds_per_px(), 0.002);
    }
    void emptyOrReversedRangeIsInvalid() {
        QVERIFY(!TimeMapping::make(1.0, 1.0, 100).valid());
        QVERIFY(!TimeMapping::make(2.0, 1.0, 100).valid());
        QVERIFY(!TimeMapping::make(0.0, 1.0, 0).valid());
    }

    void pixelRule_data() {
        QTest::addColumn<int>("width");
        QTest::addColumn<std::vector<Seg>>("segments");
        QTest::addColumn<std::vector<PixelRun>>("expected");
        QTest::newRow("owns the centres it covers")
            << 10 << std::vector<Seg>{{1.2, 4.6, 3}} << std::vector<PixelRun>{{1, 5, 3}};
        QTest::newRow("a segment between two centres is sub-pixel")
            << 10 << std::vector<Seg>{{1.6, 2.4, 3}} << std::vector<PixelRun>{{1, 3, 3}};
        QTest::newRow("start on a centre is owned, end on a centre is not")
            << 10 << std::vector<Seg>{{2.5, 5.5, 1}} << std::vector<PixelRun>{{2, 5, 1}};
        QTest::newRow("adjacent segments of one key merge")
            << 10 << std::vector<Seg>{{0.0, 3.0, 2}, {3.0, 6.0, 2}, {6.0, 8.0, 4}}
            << std::vector<PixelRun>{{0, 6, 2}, {6, 8, 4}};
        QTest::newRow("a 1-ns event between two owners still shows")
            << 10 << std::vector<Seg>{{0.0, 5.2, 0}, {5.2, 5.2000001, 2}, {5.2000001, 10.0, 0}}
            << std::vector<PixelRun>{{0, 5, 0}, {5, 6, 2}, {6, 10, 0}};
        QTest::newRow("sub-pixel segments vote by covered width")
            << 10 << std::vector<Seg>{{3.0, 3.1, 1}, {3.1, 3.2, 2}, {3.2, 3.45, 1}, {3.55, 3.7, 2}}
            << std::vector<PixelRun>{{3, 4, 1}};
        QTest::newRow("a sub-pixel segment across a column boundary votes in both")
            << 10 << std::vector<Seg>{{4.7, 5.3, 6}} << std::vector<PixelRun>{{4, 6, 6}};
        QTest::newRow("clipped at both edges") << 10 << std::vector<Seg>{{-50.0, 2.0, 1}, {8.0, 500.0, 2}}
                                               << std::vector<PixelRun>{{0, 2, 1}, {8, 10, 2}};
        QTest::newRow("fully outside draws nothing")
            << 10 << std::vector<Seg>{{-5.0, -1.0, 1}, {11.0, 12.0, 2}} << std::vector<PixelRun>{};
        QTest::newRow("gaps stay empty") << 10 << std::vector<Seg>{{0.0, 2.0, 1}, {6.0, 8.0, 1}}
                                         << std::vector<PixelRun>{{0, 2, 1}, {6, 8, 1}};
        QTest::newRow("zero-length event shows")
            << 10 << std::vector<Seg>{{7.3, 7.3, 5}} << std::vector<PixelRun>{{7, 8, 5}};
    }
    void pixelRule() {
        QFETCH(int, width);
        QFETCH(std::vector<Seg>, segments);
        QFETCH(std::vector<PixelRun>, expected);
        const std::vector<PixelRun> runs = rasterize(width, segments);
        if (runs != expected) {
            QString got;
            for (const PixelRun& r : runs)
                got += QStringLiteral("[%1,%2)=%3 ").arg(r.x0).arg(r.x1).arg(r.key);
            QFAIL(qPrintable(QStringLiteral("got ") + got));
        }
    }

    // Dense data: a million segments in 1000 columns produce at most one run per column, every
    // column is coloured, and a rare state present in a column wins nothing it did not earn.
    void denseDataStaysBoundedAndComplete() {
        LaneRasterizer r;
        r.begin(1000);
        const int n = 1'000'000;
        for (int i = 0; i < n; ++i) {
            const double xs = i * (1000.0 / n);
            r.add(xs, xs + 1000.0 / n, uint8_t(i % 10 == 0 ? 7 : 1));
        }
        std::vector<PixelRun> runs;
        r.finish(runs);
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0].x0, 0);
        QCOMPARE(runs[0].x1, 1000);
        QCOMPARE(int(runs[0].key), 1);
    }

    // add_segments (the fast path for a lane's arrays) gives exactly the runs of add() called with
    // TimeMapping::to_px for every segment: dense sub-pixel data, long owners, 1-ns and zero-length
    // events, segments on column borders and centres, and segments clipped at both edges.
    void batchPathEqualsSegmentBySegment() {
        std::mt19937_64 rng(7);
        std::exponential_distribution<double> gap(1.0 / 0.002);
        std::uniform_int_distribution<int> key(0, 9);
        std::uniform_int_distribution<int> kind(0, 99);
        for (int trial = 0; trial < 20; ++trial) {
            std::vector<double> starts;
            std::vector<double> ends;
            std::vector<uint8_t> keys;
            double t = -0.05;
            while (t < 1.05) {
                const int k = kind(rng);
                const double d = k < 3 ? 1e-9 : k < 5 ? 0.0 : k < 10 ? 0.05 * gap(rng) : gap(rng);
                starts.push_back(t);
                ends.push_back(t + d);
                keys.push_back(uint8_t(key(rng)));
                t += d;
                if (k == 50) t = std::round(t * 400.0) / 400.0 + (trial % 2 ? 0.00125 : 0.0); // border/centre
            }
            const TimeMapping map = TimeMapping::make(0.0, 1.0, 400 + trial);
            LaneRasterizer one;
            LaneRasterizer batch;
            one.begin(map.width);
            batch.begin(map.width);
            for (size_t i = 0; i < starts.size(); ++i)
                one.add(map.to_px(starts[i]), map.to_px(ends[i]), keys[i]);
            batch.add_segments(starts.data(), ends.data(), keys.data(), 0, starts.size(), map);
            std::vector<PixelRun> expected;
            std::vector<PixelRun> got;
            one.finish(expected);
            batch.finish(got);
            QVERIFY(!expected.empty());
            QCOMPARE(got, expected);
        }
    }

    // The rasterizer is reusable: finishing one lane leaves no trace in the next.
    void reuseAcrossLanes() {
        LaneRasterizer r;
        r.begin(20);
        r.add(0.0, 20.0, 3);
        std::vector<PixelRun> first;
        r.finish(first);
        QCOMPARE(first.size(), size_t(1));
        r.add(5.0, 6.0, 4);
        std::vector<PixelRun> second;
        r.finish(second);
        QCOMPARE(second, (std::vector<PixelRun>{{5, 6, 4}}));
    }
};

QTEST_GUILESS_MAIN(TestTimelineGeometry)
#include "tst_timeline_geometry.moc"
