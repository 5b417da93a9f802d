// What a session keeps in memory (issues 17 and 19), counted by the app's own containers, not RSS:
// views of one run share one timeline (its segments are built and held once, however many windows
// show the run), a view that moves on to another run lets the old one go, and the history keeps
// its runs within the memory budget it states; and what real runs allocated goes back to the
// system once they are dropped (the malloc policy, app/memory_policy.h). (The RSS curve of a long
// session is a benchmark: tests/bench/rss_session.py.)
#include "classroom/classroom_controller.h"
#include "classroom/compare_window.h"
#include "classroom/replay_window.h"
#include "classroom/run_history.h"
#include "classroom/run_record.h"
#include "core/builtin_engines.h"
#include "gui/run_controller.h"
#include "memory_policy.h"
#include "plots/shared_timelines.h"
#include "plots/timeline_view.h"
#include "process_memory.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QPixmapCache>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStyleFactory>
#include <QTest>
#include <QVBoxLayout>
#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <memory>
#include <unistd.h>

using namespace clab;
using namespace clab::classroom;

namespace {

constexpr int64_t kOrigin = 1'000'000'000;

// Two threads handing the GIL back and forth `switches` times, 100 us a turn: two segments a
// switch on the thread lanes, one on the GIL lane and the cores.
std::shared_ptr<const Trace> gil_trace(int switches) {
    auto trace = std::make_shared<Trace>();
    trace->origin_ns = kOrigin;
    trace->lanes.push_back(LaneInfo{0, LaneKind::Thread, "Thread-1", kNoLane, 0});
    trace->lanes.push_back(LaneInfo{1, LaneKind::Thread, "Thread-2", kNoLane, 0});
    std::vector<Event> events;
    events.reserve(size_t(switches) * 2 + 4);
    auto add = [&](int64_t t, uint32_t lane, EventKind kind) {
        Event e;
        e.t_ns = kOrigin + t;
        e.lane = lane;
        e.kind = kind;
        e.cpu = uint16_t(lane);
        events.push_back(e);
    };
    add(0, 1, EventKind::GilWaitBegin);
    add(0, 0, EventKind::GilAcquired);
    for (int i = 1; i <= switches; ++i) {
        const uint32_t from = uint32_t((i + 1) % 2), to = uint32_t(i % 2);
        add(int64_t(i) * 100'000, from, EventKind::GilWaitBegin);
        add(int64_t(i) * 100'000 + 1'000, to, EventKind::GilAcquired);
    }
    trace->append(std::move(events));
    return trace;
}

// One process alternating between work and waiting for work, `n` times: segments and no series.
std::shared_ptr<const Trace> busy_idle_trace(int n) {
    auto trace = std::make_shared<Trace>();
    trace->origin_ns = kOrigin;
    trace->lanes.push_back(LaneInfo{0, LaneKind::Process, "Process-1", kNoLane, 0});
    std::vector<Event> events;
    for (int i = 0; i < 2 * n; ++i) {
        Event e;
        e.t_ns = kOrigin + int64_t(i) * 50'000;
        e.kind = i % 2 == 0 ? EventKind::Running : EventKind::Idle;
        e.cpu = 0;
        events.push_back(e);
    }
    trace->append(std::move(events));
    return trace;
}

RunPtr make_run(std::shared_ptr<const Trace> trace) {
    auto run = std::make_shared<RunRecord>();
    run->trace = std::move(trace);
    run->summary.completed = true;
    run->summary.wall_s = run->trace->seconds(run->trace->end_ns());
    return run;
}

// The heap malloc has handed out and not had back (arenas and own mappings), MB: what is live,
// whatever the allocator keeps around it.
double heap_in_use_mb() {
    const struct mallinfo2 mi = mallinfo2();
    return double(mi.uordblks + mi.hblkhd) / 1048576.0;
}

size_t segments_of(const plots::TimelineModel& m) {
    return m.workers().segment_count() + m.cores().segment_count() + m.gil().segment_count() +
           m.loop().segment_count();
}

// A classroom over a plain window whose timelines are the real TimelineView, as attach.cpp makes them.
struct Host {
    QMainWindow window;
    plots::TimelineView* lab = nullptr;
    ClassroomHost host() {
        window.menuBar()->addMenu(QStringLiteral("&File"));
        window.menuBar()->addMenu(QStringLiteral("&View"));
        window.menuBar()->addMenu(QStringLiteral("&Run"));
        lab = new plots::TimelineView(&window);
        window.setCentralWidget(lab);
        ClassroomHost h;
        h.window = &window;
        h.timeline_factory = [](QWidget* parent, const RunRecord& run) -> QWidget* {
            auto* view = new plots::TimelineView(parent);
            view->load_trace(run.trace);
            view->replot_now();
            return view;
        };
        h.lab_timeline = [this]() -> QWidget* { return lab; };
        return h;
    }
};

} // namespace

class TestRunMemory : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        apply_malloc_policy(); // as main() does
        apply_gui_memory_policy();
        register_builtin_engines();
    }

    // Real runs, each recording millions of events (lesson 8's locked counter: a GIL hand-off and a
    // lock per update) in its engine threads' buffers, drained into a trace the controller keeps:
    // once the runs are dropped, the process's resident memory is back near where it started. Judged
    // against what the runs took at their peak (their own peak_rss_mb), not against a fixed size.
    // Without the policy, glibc kept the engine threads' event chunks in their arenas: a session
    // stayed at the peak of its largest run (issue 19).
    void runsGiveTheirMemoryBackOnceDropped() {
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.workload = WorkloadKind::Counter;
        spec.tasks = 4;
        spec.iterations = 250'000;
        spec.update = CounterUpdate::Call;
        spec.lock = true;
        spec.timeout_s = 120;
        double peak = 0, largest_trace_mb = 0;
        // Runs `count` runs on a controller of their own, then drops it and the last run's trace.
        auto runs = [&](int count) {
            gui::RunController controller;
            controller.setBaselineEnabled(false);
            QSignalSpy finished(&controller, &gui::RunController::finished);
            for (int run = 0; run < count; ++run) {
                QVERIFY(controller.start(spec) > 0);
                QTRY_COMPARE_WITH_TIMEOUT(finished.count(), run + 1, 180'000);
                const auto summary = finished.at(run).at(1).value<Summary>();
                QVERIFY2(summary.completed, summary.error.c_str());
                const size_t events = controller.trace().events.size();
                largest_trace_mb = std::max(largest_trace_mb, double(events * sizeof(Event)) / 1048576.0);
                peak = std::max(peak, summary.peak_rss_mb);
                qInfo("run %d: %zu events, peak %.1f MB, RSS now %.1f MB", run, events, summary.peak_rss_mb,
                      rss_mb());
            }
        };
        runs(1); // the warm-up: the engine's first use, thread stacks, lazily built tables
        if (QTest::currentTestFailed()) return;
        const double start = rss_mb();
        peak = 0;
        runs(3);
        if (QTest::currentTestFailed()) return;
        const double end = rss_mb();
        qInfo("RSS: %.1f MB after the warm-up, %.1f MB at the runs' peak, %.1f MB once they are dropped",
              start, peak, end);
        // The case was met: each run recorded millions of events (tens of MB with their copies)...
        QVERIFY2(largest_trace_mb > 8, qPrintable(QString::number(largest_trace_mb)));
        if (kFreedMemoryIsQuarantined) QSKIP(kQuarantineSkip);
        // ... and once dropped, what is left is a small part of one run's events (without the
        // policy: three to four times all of them, the engine threads' arenas and the drain's).
        QVERIFY2(end - start < largest_trace_mb / 2,
                 qPrintable(QStringLiteral("%1 MB at the start, %2 MB at the runs' peak, %3 MB at the end; "
                                           "the largest run's events: %4 MB")
                                .arg(start)
                                .arg(peak)
                                .arg(end)
                                .arg(largest_trace_mb)));
    }

    // Two windows on one finished run read one model: the second builds nothing.
    void viewsOfOneRunShareOneTimeline() {
        const auto trace = gil_trace(20'000);
        const plots::TimelineModel::Memory before = plots::TimelineModel::live_memory();
        plots::TimelineView a, b;
        a.load_trace(trace);
        const plots::TimelineModel::Memory one = plots::TimelineModel::live_memory();
        b.load_trace(trace);
        const plots::TimelineModel::Memory two = plots::TimelineModel::live_memory();
        QCOMPARE(&a.model(), &b.model());
        QVERIFY(segments_of(a.model()) >= 40'000);
        // b's own empty model went when it took a's: nothing more is held for the second view.
        QVERIFY(two.models <= one.models);
        QVERIFY(two.bytes <= one.bytes);
        // The run's segments are most of what a view holds (and are counted).
        QVERIFY(one.bytes - before.bytes >= segments_of(a.model()) * plots::LaneSegments::kBytesPerSegment);
        // Another run in one of them: the other keeps showing the first, whole.
        const size_t segments = segments_of(b.model());
        a.load_trace(gil_trace(10));
        QVERIFY(&a.model() != &b.model());
        QCOMPARE(segments_of(b.model()), segments);
        QVERIFY(b.model().finished());
    }

    // The lab's timeline fed live from the run controller's trace offers its finished model: a
    // replay of that run shows it. The lab's next run then gets a model of its own, and the replay
    // keeps the finished run.
    void aReplayOfTheRunOnTheLabSharesTheLabsTimeline() {
        const auto trace = gil_trace(5'000);
        plots::TimelineView lab;
        lab.reset();
        lab.share_source(trace);
        lab.ingest(trace->events, trace->lanes, trace->origin_ns);
        lab.finish(trace->end_ns());
        QVERIFY(lab.model().finished());
        plots::TimelineView replay;
        replay.load_trace(trace);
        QCOMPARE(&replay.model(), &lab.model());
        const size_t segments = segments_of(replay.model());

        lab.reset(); // the next run
        QVERIFY(&replay.model() != &lab.model());
        QCOMPARE(segments_of(replay.model()), segments);
        QVERIFY(replay.model().finished());
        QCOMPARE(segments_of(lab.model()), size_t(0));
        lab.replot_now();
        replay.replot_now();
    }

    // The classroom's windows: the run on the lab, in a replay window and pinned in the compare
    // window is one model; closing them all frees it.
    void replayAndCompareOfOneRunHoldItsSegmentsOnce() {
        const plots::TimelineModel::Memory before = plots::TimelineModel::live_memory();
        size_t one_model = 0;
        {
            Host h;
            ClassroomController classroom(h.host());
            classroom.install();
            const RunPtr run = make_run(gil_trace(20'000));
            classroom.history()->add(run);
            h.lab->load_trace(run->trace);
            h.lab->replot_now();
            one_model = plots::TimelineModel::live_memory().bytes;
            ReplayWindow* replay = classroom.openReplay(run);
            QVERIFY(replay);
            classroom.pinned()->pin(run);
            CompareWindow* compare = classroom.openCompare();
            QVERIFY(compare);
            QCOMPARE(compare->timelines().size(), 1);
            // Pinning another run rebuilds the compare window's rows: the first run's timeline is
            // found again, not built again.
            const RunPtr other = make_run(gil_trace(100));
            classroom.history()->add(other);
            classroom.pinned()->pin(other);
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            const plots::TimelineModel::Memory open = plots::TimelineModel::live_memory();
            // The lab's own (empty) model was replaced by the shared one: one model per run shown.
            QCOMPARE(open.models, before.models + 2);
            QVERIFY(open.bytes < one_model + (one_model - before.bytes) / 4); // the small run only
            replay->close();
            compare->close();
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        }
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QCOMPARE(plots::TimelineModel::live_memory().models, before.models);
        QCOMPARE(plots::TimelineModel::live_memory().bytes, before.bytes);
        QVERIFY(one_model > before.bytes);
    }

    // A run recorded in slow motion is drawn at normal speed in the compare window from a copy of
    // its events with the times divided: one copy, shared like the others. Each rebuild of the
    // window (a pin, an unpin, a rename) made a new copy and built its timeline again.
    void aSlowMotionRunIsCopiedOnceForTheCompareWindow() {
        const plots::TimelineModel::Memory before = plots::TimelineModel::live_memory();
        {
            const RunPtr slow = make_run(gil_trace(20'000));
            slow->spec.time_scale = 10;
            // The copy: times from the origin divided by the scale, the recorded run unchanged.
            const RunRecord shown = at_normal_speed(*slow);
            QVERIFY(shown.trace != slow->trace);
            QCOMPARE(shown.trace->events.size(), slow->trace->events.size());
            const Event& last = slow->trace->events.back();
            QCOMPARE(shown.trace->events.back().t_ns, kOrigin + (last.t_ns - kOrigin) / 10);
            QCOMPARE(last.t_ns, kOrigin + 20'000 * int64_t(100'000) + 1'000);
            // Asked again while held: the same copy; for another scale or another run, another.
            QCOMPARE(at_normal_speed(*slow).trace, shown.trace);
            RunRecord faster = *slow;
            faster.spec.time_scale = 2;
            QVERIFY(at_normal_speed(faster).trace != shown.trace);
            const RunPtr same = make_run(slow->trace);
            same->spec.time_scale = 10;
            QCOMPARE(at_normal_speed(*same).trace, shown.trace); // the same run and scale
            const RunPtr plain = make_run(gil_trace(10));
            QCOMPARE(at_normal_speed(*plain).trace, plain->trace); // at normal speed already: as is
        }
        {
            Host h;
            ClassroomController classroom(h.host());
            classroom.install();
            const RunPtr slow = make_run(gil_trace(20'000));
            slow->spec.time_scale = 10;
            classroom.history()->add(slow);
            classroom.pinned()->pin(slow);
            CompareWindow* compare = classroom.openCompare();
            QVERIFY(compare);
            QCOMPARE(compare->timelines().size(), 1);
            auto* first = qobject_cast<plots::TimelineView*>(compare->timelines().at(0));
            QVERIFY(first);
            const Trace* copy = first->model().source().get();
            QVERIFY(copy != slow->trace.get());
            QCOMPARE(first->model().source()->end_ns(), kOrigin + (slow->trace->end_ns() - kOrigin) / 10);
            const plots::TimelineModel::Memory one = plots::TimelineModel::live_memory();
            // Pinning another run rebuilds the rows; the old ones are still there (deleted later)
            // when the new ones are made: the slow run's row finds its copy and its timeline.
            const RunPtr other = make_run(gil_trace(100));
            classroom.history()->add(other);
            classroom.pinned()->pin(other);
            QCOMPARE(compare->timelines().size(), 2);
            auto* again = qobject_cast<plots::TimelineView*>(compare->timelines().at(0));
            QVERIFY(again && again != first);
            QCOMPARE(again->model().source().get(), copy);
            QCOMPARE(&again->model(), &first->model());
            const plots::TimelineModel::Memory two = plots::TimelineModel::live_memory();
            QVERIFY2(two.bytes < one.bytes + (one.bytes - before.bytes) / 4,
                     qPrintable(QStringLiteral("%1 bytes in models before the rebuild, %2 after")
                                    .arg(one.bytes)
                                    .arg(two.bytes)));
            compare->close();
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        }
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QCOMPARE(plots::TimelineModel::live_memory().models, before.models);
        QCOMPARE(plots::TimelineModel::live_memory().bytes, before.bytes);
    }

    // A live run drains a burst of events at once (a lock-heavy step: millions): once they are fed
    // through the hold-back, its capacity goes; the model keeps the segments, not the burst. (It kept
    // 60 MB of an empty hold-back on screen for the rest of a session.)
    void aBurstOfEventsLeavesNoCapacityBehind() {
        const auto trace = busy_idle_trace(100'000);
        plots::TimelineModel model;
        model.share_source(trace);
        model.ingest(trace->events, trace->lanes, trace->origin_ns);
        const size_t burst = trace->events.size() * sizeof(Event);
        model.set_now(trace->end_ns() + 1'000'000'000); // past the hold-back: everything is fed
        const size_t segment_bytes = model.workers().bytes_used() + model.cores().bytes_used() +
                                     model.gil().bytes_used() + model.loop().bytes_used();
        QVERIFY(segment_bytes > 0);
        QVERIFY2(model.bytes_used() < segment_bytes + burst / 4,
                 qPrintable(QStringLiteral("%1 bytes held, %2 of them segments, a burst of %3 bytes")
                                .arg(model.bytes_used())
                                .arg(segment_bytes)
                                .arg(burst)));
        model.reset();
        QVERIFY(model.bytes_used() < 64 * 1024);
    }

    // Qt's style draws its frames, buttons, sliders and scroll bars from pixmaps cached per size
    // and state (QPixmapCache): a window resized again and again, as a class does, caches one of
    // each per size. The cache stays within the limit the memory policy sets (at Qt's default, 10
    // MB, it filled up in a random session: issue 19).
    void styledWidgetsDrawnAtManySizesKeepTheirPixmapCacheBounded() {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion"))); // the app's style here
        QWidget window;
        auto* layout = new QVBoxLayout(&window);
        layout->addWidget(new QPushButton(QStringLiteral("Run")));
        auto* combo = new QComboBox;
        combo->addItems({QStringLiteral("threads"), QStringLiteral("processes")});
        layout->addWidget(combo);
        layout->addWidget(new QSlider(Qt::Horizontal));
        layout->addWidget(new QScrollBar(Qt::Horizontal));
        layout->addWidget(new QSpinBox);
        layout->addWidget(new QCheckBox(QStringLiteral("lock")));
        auto* progress = new QProgressBar;
        progress->setValue(40);
        layout->addWidget(progress);
        window.resize(300, 300);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.grab();
        const double before = heap_in_use_mb();
        for (int i = 0; i < 400; ++i) {
            window.resize(300 + 2 * i, 300 + i);
            window.grab(); // lays out and paints at this size
        }
        const double grown = heap_in_use_mb() - before;
        qInfo("heap in use %.1f MB before, %.1f MB more after drawing at 400 sizes (cache limit %d KB)",
              before, grown, QPixmapCache::cacheLimit());
        QVERIFY2(grown < double(kPixmapCacheKb) / 1024.0 + 2.0, qPrintable(QString::number(grown)));
    }

    // Closing a window of timelines (a replay, the compare window) frees its plots' paint buffers
    // and thousands of small plot items in the middle of the GUI heap, below what the session
    // allocated since: glibc keeps such pages unless asked. They go back to the system soon after
    // (memory_release.h), whatever the size of the runs shown.
    void aClosedWindowOfTimelinesGivesItsMemoryBack() {
        const auto trace = gil_trace(20'000);
        QVERIFY(trace->events.size() * sizeof(Event) < (size_t(4) << 20)); // a small run
        auto window = std::make_unique<QWidget>();
        auto* layout = new QVBoxLayout(window.get());
        const double start = rss_mb();
        for (int i = 0; i < 6; ++i) {
            auto* view = new plots::TimelineView;
            layout->addWidget(view);
            view->load_trace(i % 2 ? trace : gil_trace(20'000 + i)); // some share a model, some not
        }
        window->resize(1300, 1800);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        for (plots::TimelineView* v : window->findChildren<plots::TimelineView*>())
            v->replot_now();
        window->grab();
        const double open = rss_mb();
        // The session goes on: what it allocates now lies above the window's memory in the heap.
        std::vector<std::unique_ptr<QObject>> later;
        for (int i = 0; i < 2000; ++i)
            later.push_back(std::make_unique<QObject>());
        window.reset();
        QTest::qWait(1000); // past the release's delay
        const double closed = rss_mb();
        qInfo("RSS %.1f MB before the window, %.1f MB with it open, %.1f MB once closed", start, open,
              closed);
        if (kFreedMemoryIsQuarantined) QSKIP(kQuarantineSkip); // it also reuses what it held: no rise
        QVERIFY2(open - start > 20, qPrintable(QString::number(open - start))); // the case was met
        QVERIFY2(
            closed - start < (open - start) / 8,
            qPrintable(
                QStringLiteral("%1 MB before, %2 MB open, %3 MB closed").arg(start).arg(open).arg(closed)));
    }

    // Runs of any size, one after another: the history holds at most its budget (the newest run
    // alone may be larger), counted by run_bytes(), and the dock says the budget and what is held.
    void theHistoryKeepsWithinItsMemoryBudget() {
        Host h;
        ClassroomController classroom(h.host());
        classroom.install();
        RunHistory* history = classroom.history();
        const size_t budget = size_t(2) << 20;
        history->setLimits(RunHistory::kDefaultMaxRuns, budget);
        QCOMPARE(history->budgetBytes(), budget);
        QRandomGenerator rng(17);
        size_t largest = 0;
        for (int i = 0; i < 60; ++i) {
            // 1 KB to 4 MB of events: sometimes one run alone is over the budget.
            const int switches = 10 + int(rng.bounded(quint32(i % 10 == 9 ? 90'000 : 20'000)));
            const RunPtr run = make_run(gil_trace(switches));
            largest = std::max(largest, run_bytes(*run));
            history->add(run);
            size_t sum = 0;
            for (const RunPtr& r : history->runs())
                sum += run_bytes(*r);
            QCOMPARE(history->bytesHeld(), sum);
            QCOMPARE(history->latest(), run);
            QVERIFY2(history->bytesHeld() <= budget || history->rowCount() == 1,
                     qPrintable(QStringLiteral("run %1: %2 bytes in %3 runs")
                                    .arg(i)
                                    .arg(history->bytesHeld())
                                    .arg(history->rowCount())));
            QVERIFY(history->rowCount() <= history->maxRuns());
        }
        QVERIFY(largest > budget); // the case of a run over the budget was met
        auto* label = classroom.historyDock()->findChild<QLabel*>(QStringLiteral("runHistoryLimit"));
        QVERIFY(label);
        QVERIFY2(label->text().contains(QStringLiteral("2 MB")), qPrintable(label->text()));
        QVERIFY2(label->text().contains(
                     QStringLiteral("%1 MB").arg(double(history->bytesHeld()) / 1048576.0, 0, 'f', 1)),
                 qPrintable(label->text()));
    }
};

QTEST_MAIN(TestRunMemory)
#include "tst_run_memory.moc"
