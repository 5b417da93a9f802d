// The segment plottable draws what the store holds, where it must: rendered to a pixmap, a known
// layout's colours appear at the right pixels, and a 1-ns event still owns a pixel column.
#include "plots/palette.h"
#include "plots/segment_plottable.h"

#include <QTest>
#include <qcustomplot.h>
#include <random>

using namespace clab;
using namespace clab::plots;

namespace {
constexpr int kWidth = 400;
constexpr int kHeight = 200;

struct Fixture {
    SegmentStore store;
    QCustomPlot plot;
    SegmentPlottable* plottable = nullptr;

    Fixture() {
        // No margins: time 0..100 s maps exactly onto pixels 0..400, lanes onto halves of the height.
        plot.resize(kWidth, kHeight);
        QCPAxisRect* rect = plot.axisRect();
        rect->setAutoMargins(QCP::msNone);
        rect->setMargins(QMargins(0, 0, 0, 0));
        plot.plotLayout()->setMargins(QMargins(0, 0, 0, 0));
        for (QCPAxis* axis : rect->axes()) {
            axis->setVisible(false);
            axis->grid()->setVisible(false);
        }
        plot.xAxis->setRange(0, 100);
        plot.yAxis->setRange(-0.5, 1.5);
        plot.yAxis->setRangeReversed(true);
        plottable = new SegmentPlottable(plot.xAxis, plot.yAxis, &store);
        plottable->set_lane_fill(0.8);
    }
    QImage render() { return plot.toPixmap(kWidth, kHeight, 1.0).toImage(); }
    static int lane_y(int row) { return kHeight / 4 + row * kHeight / 2; }
};

uint8_t key(SegState s) {
    return state_key(s);
}
} // namespace

class TestPlotSegments : public QObject {
    Q_OBJECT
private slots:
    void coloursLandWhereTheSegmentsAre() {
        Fixture f;
        f.store.add_lane("Thread-1", 1);
        f.store.add_lane("Thread-2", 2);
        auto& a = f.store.lane(0).segments;
        a.append({10.0, 50.0, uint8_t(SegState::Running), key(SegState::Running), 1});
        a.append({50.0, 50.0 + 1e-9, uint8_t(SegState::GilWait), key(SegState::GilWait), 1}); // 1 ns
        a.append({50.0 + 1e-9, 90.0, uint8_t(SegState::Running), key(SegState::Running), 1});
        f.store.lane(1).segments.append(
            {0.0, 100.0, uint8_t(SegState::BlockedIo), key(SegState::BlockedIo), 2});
        const QImage image = f.render();
        const QRgb running = state_colour(SegState::Running).rgb();
        const QRgb waiting = state_colour(SegState::GilWait).rgb();
        const QRgb io = state_colour(SegState::BlockedIo).rgb();
        const int y0 = Fixture::lane_y(0);
        QCOMPARE(image.pixel(30 * 4, y0), running);  // inside the first run
        QCOMPARE(image.pixel(70 * 4, y0), running);  // inside the second run
        QCOMPARE(image.pixel(50 * 4, y0), waiting);  // the 1-ns wait owns its column
        QVERIFY(image.pixel(5 * 4, y0) != running);  // nothing before 10 s
        QVERIFY(image.pixel(95 * 4, y0) != running); // nothing after 90 s
        QCOMPARE(image.pixel(1 * 4, Fixture::lane_y(1)), io);
        QCOMPARE(image.pixel(99 * 4, Fixture::lane_y(1)), io);
        // Between the lanes: background, not a segment.
        QVERIFY(image.pixel(30 * 4, kHeight / 2) != running && image.pixel(30 * 4, kHeight / 2) != io);
    }

    // Zoomed out, short events never vanish: 400 events of 1 ns, one every 0.25 s, each colour a
    // column of their own; and a lane of 200k sub-pixel segments leaves no column empty, shows in
    // each column the state that covers most of it, and costs about one rectangle per colour change.
    void shortEventsNeverVanishWhenZoomedOut() {
        Fixture f;
        f.store.add_lane("Thread-1", 1);
        f.store.add_lane("Thread-2", 2);
        auto& sparse = f.store.lane(0).segments;
        for (int i = 0; i < 400; ++i) {
            const double t = i * 0.25 + 0.1;
            sparse.append({t, t + 1e-9, uint8_t(SegState::GilWait), key(SegState::GilWait), 1});
        }
        auto& dense = f.store.lane(1).segments;
        const int n = 200'000;
        const double step = 100.0 / n;
        for (int i = 0; i < n; ++i) {
            const double t = i * step;
            // The first half of the time mostly waits (3 of 4 segments), the second half mostly runs.
            const bool waits = (i < n / 2) ? (i % 4 != 0) : (i % 4 == 0);
            const SegState s = waits ? SegState::GilWait : SegState::Running;
            dense.append({t, t + step, uint8_t(s), key(s), 2});
        }
        const QImage image = f.render();
        const QRgb waiting = state_colour(SegState::GilWait).rgb();
        const QRgb running = state_colour(SegState::Running).rgb();
        for (int column = 0; column < kWidth; ++column) {
            QCOMPARE(image.pixel(column, Fixture::lane_y(0)), waiting);
            QCOMPARE(image.pixel(column, Fixture::lane_y(1)), column < kWidth / 2 ? waiting : running);
        }
        QVERIFY(f.plottable->last_rect_count() <= 3);
    }

    void screenAndVectorPathsPaintTheSamePixels() {
        // On screen each lane is one line of pixels stretched to its height; vector export draws
        // rectangles. Both must colour exactly the same pixels (gaps left transparent), dense or not.
        Fixture f;
        f.plottable->set_zebra(QColor(0xEE, 0xEE, 0xEE)); // shows through the gaps
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> length(1e-9, 0.8);
        std::uniform_int_distribution<int> state(0, 5);
        for (int l = 0; l < 2; ++l) {
            f.store.add_lane("Thread-" + std::to_string(l + 1), uint32_t(l + 1));
            auto& lane = f.store.lane(size_t(l)).segments;
            double t = 0.3;
            while (t < 99.0) {
                const double d = length(rng);
                const auto s = uint8_t(state(rng));
                lane.append({t, t + d, s, s, uint32_t(l + 1)});
                t += d + (state(rng) == 0 ? 1.7 : 0.0); // now and then a gap
            }
        }
        f.store.lane(1).open = SegmentRecord{99.2, 99.9, 0, 0, 2};
        const QImage screen = f.render().convertToFormat(QImage::Format_ARGB32);
        QImage vector(kWidth, kHeight, QImage::Format_ARGB32);
        vector.fill(Qt::white);
        {
            QCPPainter painter(&vector);
            painter.setMode(QCPPainter::pmVectorized);
            f.plot.toPainter(&painter, kWidth, kHeight);
        }
        QVERIFY(f.plottable->last_rect_count() > 100);
        QCOMPARE(screen, vector);
    }

    void liveOpenSegmentIsDrawn() {
        Fixture f;
        f.store.add_lane("Thread-1", 1);
        f.store.lane(0).open =
            SegmentRecord{40.0, 60.0, uint8_t(SegState::LockWait), key(SegState::LockWait), 1};
        const QImage image = f.render();
        QCOMPARE(image.pixel(50 * 4, Fixture::lane_y(0)), state_colour(SegState::LockWait).rgb());
    }

    void rangesAndHitTest() {
        Fixture f;
        bool found = true;
        f.plottable->getKeyRange(found);
        QVERIFY(!found); // empty store
        f.store.add_lane("Thread-1", 1);
        f.store.lane(0).segments.append({2.0, 8.0, 0, 0, 1});
        QCPRange keys = f.plottable->getKeyRange(found);
        QVERIFY(found);
        QCOMPARE(keys.lower, 2.0);
        QCOMPARE(keys.upper, 8.0);
        f.plottable->getKeyRange(found, QCP::sdNegative);
        QVERIFY(!found);
        const QCPRange values = f.plottable->getValueRange(found);
        QVERIFY(found);
        QCOMPARE(values.lower, -0.5);
        QCOMPARE(values.upper, 0.5);
        f.render(); // lays out the axis rect
        QVERIFY(f.plottable->selectTest(QPointF(5 * 4, Fixture::lane_y(0)), false) >= 0);
        QCOMPARE(f.plottable->selectTest(QPointF(50 * 4, Fixture::lane_y(0)), false), -1.0);
        QCOMPARE(f.plottable->selectTest(QPointF(5 * 4, Fixture::lane_y(0)), true), -1.0); // not selectable
        const auto hit = f.plottable->hit_test(QPointF(5 * 4, Fixture::lane_y(0)));
        QVERIFY(hit.has_value());
        QCOMPARE(hit->row, 0);
        QCOMPARE(hit->segment.start, 2.0);
    }

    // A paint with no store, no lanes or a degenerate range must simply draw nothing.
    void degenerateInputsDoNotCrash() {
        Fixture f;
        f.plottable->set_store(nullptr);
        f.render();
        f.plottable->set_store(&f.store);
        f.render();
        f.store.add_lane("x", 0);
        f.store.lane(0).segments.append({1.0, 0.5, 0, 0, 0}); // end before start
        f.plot.xAxis->setRange(5, 5);
        f.render();
        QVERIFY(true);
    }
};

QTEST_MAIN(TestPlotSegments)
#include "tst_plot_segments.moc"
