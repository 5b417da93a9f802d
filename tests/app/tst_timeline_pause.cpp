// Pausing the live view (app/plots/timeline_view_pause.cpp): while paused nothing on screen moves,
// whatever is fed or redrawn; resuming catches up to exactly what a view fed without a pause shows;
// a run that ends while paused ends when resumed; a new run is shown live again.
#include "gui/timeline_pane.h"
#include "plots/timeline_view.h"

#include <QSignalSpy>
#include <QTest>

using namespace clab;
using namespace clab::plots;

namespace {
constexpr int64_t kOrigin = 1'000'000'000;
constexpr int64_t kMs = 1'000'000;

Event make_event(int64_t t_ns, uint32_t lane, EventKind kind) {
    Event e{};
    e.t_ns = t_ns;
    e.lane = lane;
    e.kind = kind;
    e.cpu = 0xFFFF;
    return e;
}

const std::vector<LaneInfo>& lanes() {
    static const std::vector<LaneInfo> l = {{1, LaneKind::Thread, "Thread-1", kNoLane, 0},
                                            {2, LaneKind::Thread, "Thread-2", kNoLane, 0}};
    return l;
}

// The first part of a run (up to 0.4 s) and what comes after it (up to 0.9 s).
std::vector<Event> first_part() {
    return {make_event(kOrigin, 1, EventKind::WorkerStart),
            make_event(kOrigin + 10 * kMs, 2, EventKind::WorkerStart),
            make_event(kOrigin + 100 * kMs, 1, EventKind::GilWaitBegin),
            make_event(kOrigin + 100 * kMs, 2, EventKind::GilAcquired),
            make_event(kOrigin + 200 * kMs, 1, EventKind::GilAcquired),
            make_event(kOrigin + 200 * kMs, 2, EventKind::GilWaitBegin)};
}
std::vector<Event> second_part() {
    return {make_event(kOrigin + 500 * kMs, 1, EventKind::GilWaitBegin),
            make_event(kOrigin + 500 * kMs, 2, EventKind::GilAcquired),
            make_event(kOrigin + 700 * kMs, 2, EventKind::WorkerExit),
            make_event(kOrigin + 700 * kMs, 1, EventKind::GilAcquired)};
}

QImage on_screen(TimelineView& view) {
    return view.plot()->grab().toImage();
}

int differing_pixels(const QImage& a, const QImage& b) {
    if (a.size() != b.size()) return a.width() * a.height();
    int n = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            n += a.pixel(x, y) != b.pixel(x, y);
    return n;
}

size_t segments(const TimelineView& view) {
    return view.model().workers().segment_count();
}
} // namespace

class TestTimelinePause : public QObject {
    Q_OBJECT
private slots:
    void pausedPictureStaysAndResumeCatchesUp() {
        TimelineView view;
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.ingest(first_part(), lanes(), kOrigin);
        view.set_now(kOrigin + 400 * kMs);
        view.replot_now();
        view.set_time_range(0.0, 1.0); // both views are compared over one range
        view.replot_now();

        QSignalSpy changed(&view, &TimelineView::live_paused_changed);
        view.set_live_paused(true);
        QVERIFY(view.live_paused());
        QCOMPARE(changed.count(), 1);
        QVERIFY(view.findChild<QLabel*>(QStringLiteral("livePausedLabel"))->isVisible());
        view.findChild<QLabel*>(QStringLiteral("livePausedLabel"))->hide(); // compare the plot alone
        const size_t before = segments(view);
        const QImage frozen = on_screen(view);

        // The run goes on: everything is fed as live, and nothing moves, even when redrawn.
        view.ingest(second_part(), lanes(), kOrigin);
        view.set_now(kOrigin + 900 * kMs);
        QTest::qWait(300); // any frame that would have been drawn
        QCOMPARE(segments(view), before);
        QCOMPARE(differing_pixels(on_screen(view), frozen), 0);
        view.replot_now();
        QCOMPARE(differing_pixels(on_screen(view), frozen), 0);

        // A view fed the same without a pause.
        TimelineView live;
        live.resize(800, 500);
        live.show();
        QVERIFY(QTest::qWaitForWindowExposed(&live));
        live.ingest(first_part(), lanes(), kOrigin);
        live.set_now(kOrigin + 400 * kMs);
        live.ingest(second_part(), lanes(), kOrigin);
        live.set_now(kOrigin + 900 * kMs);
        live.replot_now();
        live.set_time_range(0.0, 1.0);
        live.replot_now();
        QVERIFY(differing_pixels(on_screen(live), frozen) > 0); // the pause did hold something back

        view.set_live_paused(false);
        QCOMPARE(changed.count(), 2);
        QVERIFY(!view.live_paused());
        QVERIFY(segments(view) > before);
        view.replot_now();
        QCOMPARE(segments(view), segments(live));
        QCOMPARE(differing_pixels(on_screen(view), on_screen(live)), 0);
    }

    // The end of a run that came while paused is applied on resume; a new run resumes by itself.
    void endWhilePausedAndNewRun() {
        TimelineView view;
        view.resize(600, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.ingest(first_part(), lanes(), kOrigin);
        view.set_live_paused(true);
        view.ingest(second_part(), lanes(), kOrigin);
        view.finish(kOrigin + 900 * kMs);
        QVERIFY(!view.model().finished());
        view.set_live_paused(false);
        QVERIFY(view.model().finished());
        QCOMPARE(view.model().end_seconds(), 0.9);

        view.set_live_paused(true);
        view.ingest(first_part(), lanes(), kOrigin); // kept for the run that is about to go
        view.reset();                                // a new run
        QVERIFY(!view.live_paused());
        QCOMPARE(segments(view), size_t(0));
    }

    // The lab's pane passes pausing through and says when it changed (the window's action follows it).
    void paneForwardsPause() {
        std::unique_ptr<gui::TimelinePane> pane(gui::make_timeline_pane(nullptr));
        QSignalSpy changed(pane.get(), &gui::TimelinePane::livePausedChanged);
        pane->setLivePaused(true);
        QVERIFY(pane->livePaused());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toBool(), true);
        pane->setLivePaused(false);
        QVERIFY(!pane->livePaused());
        QCOMPARE(changed.count(), 2);
    }
};

QTEST_MAIN(TestTimelinePause)
#include "tst_timeline_pause.moc"
