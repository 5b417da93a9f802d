// The per-lane segment store: sorted appends, a rare out-of-order insert, the visible range by two
// binary searches (checked against a linear scan), memory per segment.
#include "plots/segment_store.h"

#include <QTest>
#include <random>

using namespace clab::plots;

namespace {
IndexRange linear_visible(const LaneSegments& lane, double t0, double t1) {
    // The reference: every segment overlapping [t0, t1) must lie inside the returned range.
    size_t first = lane.size(), last = 0;
    for (size_t i = 0; i < lane.size(); ++i) {
        if (lane.ends()[i] >= t0 && lane.starts()[i] < t1) {
            first = std::min(first, i);
            last = i + 1;
        }
    }
    return first < last ? IndexRange{first, last} : IndexRange{};
}
} // namespace

class TestSegmentStore : public QObject {
    Q_OBJECT
private slots:
    void appendKeepsStartOrder() {
        LaneSegments lane;
        lane.append({0.0, 1.0, 0, 0, 7});
        lane.append({1.0, 3.0, 2, 2, 7});
        lane.append({3.0, 3.5, 4, 4, 7});
        QCOMPARE(lane.size(), size_t(3));
        QCOMPARE(lane.at(1), (SegmentRecord{1.0, 3.0, 2, 2, 7}));
        QCOMPARE(lane.max_duration(), 2.0);
        QCOMPARE(lane.max_end(), 3.5);
        QVERIFY(lane.ends_sorted());
        QCOMPARE(lane.key_mask(), uint64_t(0b10101));
    }
    void outOfOrderInsertLandsInPlace() {
        LaneSegments lane;
        lane.append({0.0, 1.0, 0, 0, 0});
        lane.append({2.0, 3.0, 0, 0, 0});
        lane.append({1.0, 2.0, 1, 1, 0}); // published late
        QCOMPARE(lane.size(), size_t(3));
        QCOMPARE(lane.starts()[1], 1.0);
        QCOMPARE(lane.at(1).state, uint8_t(1));
        QVERIFY(lane.ends_sorted());
        lane.append({0.5, 10.0, 2, 2, 0}); // overlaps: ends are no longer sorted
        QVERIFY(!lane.ends_sorted());
        QCOMPARE(lane.starts()[1], 0.5);
    }
    void visibleRangeMatchesLinearScan_data() {
        QTest::addColumn<bool>("overlapping");
        QTest::newRow("non-overlapping (ends sorted)") << false;
        QTest::newRow("overlapping (longest duration)") << true;
    }
    void visibleRangeMatchesLinearScan() {
        QFETCH(bool, overlapping);
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> len(0.0, 0.01);
        LaneSegments lane;
        double t = 0.0;
        for (int i = 0; i < 5000; ++i) {
            const double d = (i % 97 == 0) ? 0.5 : len(rng);
            lane.append({t, t + d * (overlapping ? 3.0 : 1.0), 0, 0, 0});
            t += d;
        }
        QCOMPARE(lane.ends_sorted(), !overlapping);
        std::uniform_real_distribution<double> pick(-1.0, t + 1.0);
        for (int q = 0; q < 500; ++q) {
            double a = pick(rng), b = pick(rng);
            if (a > b) std::swap(a, b);
            const IndexRange got = lane.visible(a, b);
            const IndexRange want = linear_visible(lane, a, b);
            if (want.empty()) continue;
            QVERIFY2(got.begin <= want.begin && got.end >= want.end,
                     qPrintable(QStringLiteral("query %1..%2").arg(a).arg(b)));
            if (!overlapping) QVERIFY(got.end - want.end <= 1 && want.begin - got.begin <= 1);
        }
    }
    void findPrefersCoveringThenNearest() {
        LaneSegments lane;
        lane.append({0.0, 1.0, 0, 0, 0});
        lane.append({1.0, 1.0 + 1e-9, 2, 2, 0});
        lane.append({2.0, 3.0, 1, 1, 0});
        QCOMPARE(lane.find(0.5, 0.0).value(), size_t(0));
        QCOMPARE(lane.find(1.0 + 5e-10, 0.01).value(), size_t(1)); // the tiny one, not its neighbour
        QCOMPARE(lane.find(1.5, 0.1).has_value(), false);
        QCOMPARE(lane.find(1.95, 0.1).value(), size_t(2));
    }
    void atMost24BytesPerSegment() {
        QVERIFY(LaneSegments::kBytesPerSegment <= 24);
        LaneSegments lane;
        lane.reserve(100000);
        for (int i = 0; i < 100000; ++i)
            lane.append({double(i), double(i) + 0.5, 0, 0, 0});
        QVERIFY(lane.bytes_used() <= 24 * lane.size());
    }
    void storeAggregates() {
        SegmentStore store;
        QCOMPARE(store.add_lane("a", 10), size_t(0));
        QCOMPARE(store.add_lane("b", 11), size_t(1));
        store.lane(0).segments.append({1.0, 2.0, 0, 0, 0});
        store.lane(1).open = SegmentRecord{0.5, 4.0, 3, 3, 0};
        QCOMPARE(store.row_of(11), 1);
        QCOMPARE(store.row_of(12), -1);
        double lo = 0, hi = 0;
        QVERIFY(store.time_span(lo, hi));
        QCOMPARE(lo, 0.5);
        QCOMPARE(hi, 4.0);
        QCOMPARE(store.keys_present(), uint64_t(0b1001));
        QCOMPARE(store.segment_count(), size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestSegmentStore)
#include "tst_segment_store.moc"
