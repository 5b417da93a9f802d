// RunController: runs off the GUI thread, streams events while running, stops within a fraction
// of a second, drops stale runs, caches the sequential baseline, and never outlives itself.
#include "core/builtin_engines.h"
#include "core/trace/segments.h"
#include "gui/baseline.h"
#include "gui/run_controller.h"
#include "tests/eventful_run.h"
#include "tests/stop_share.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace clab;
using namespace clab::gui;

namespace {
ExperimentSpec short_cpu_run() {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Cpu;
    s.tasks = 2;
    s.iterations = 300'000;
    s.timeout_s = 60;
    return s;
}
ExperimentSpec long_sleep_run() {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Sleep;
    s.tasks = 3;
    s.io_ms = 20'000; // far longer than any test waits: only Stop ends it
    s.timeout_s = 60;
    return s;
}
using clab::testing::eventful_run;
constexpr int kRunTimeoutMs = 60'000;

bool same_segments(const std::vector<Segment>& a, const std::vector<Segment>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].start_ns != b[i].start_ns || a[i].end_ns != b[i].end_ns || a[i].state != b[i].state ||
            a[i].who != b[i].who)
            return false;
    return true;
}
} // namespace

class TestRunController : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { register_builtin_engines(); }

    void aRunStreamsEventsAndFinishes() {
        RunController controller;
        controller.setBaselineEnabled(false);
        QSignalSpy events(&controller, &RunController::eventsArrived);
        QSignalSpy finished(&controller, &RunController::finished);
        // Feed an incremental builder exactly what the timeline gets, batch by batch.
        SegmentBuilder live;
        connect(&controller, &RunController::eventsArrived, this,
                [&](quint64, const std::vector<Event>& batch) {
                    live.set_lanes(controller.trace().lanes);
                    for (const Event& e : batch)
                        live.feed(e);
                });
        const quint64 id = controller.start(short_cpu_run());
        QVERIFY(id > 0);
        QVERIFY(controller.running());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
        QVERIFY(!controller.busy());
        QCOMPARE(finished.at(0).at(0).toULongLong(), id);
        const auto summary = finished.at(0).at(1).value<Summary>();
        QVERIFY2(summary.completed, summary.error.c_str());
        QVERIFY(summary.wall_s > 0);
        QVERIFY(events.count() >= 1);
        const Trace& trace = controller.trace();
        QVERIFY(!trace.events.empty());
        QVERIFY(std::is_sorted(trace.events.begin(), trace.events.end(),
                               [](const Event& a, const Event& b) { return a.t_ns < b.t_ns; }));
        // What was streamed equals the pure function over the whole trace.
        live.set_lanes(trace.lanes);
        live.finish(trace.end_ns());
        const SegmentSet whole = build_segments(trace, trace.end_ns());
        QCOMPARE(live.segments().by_lane.size(), whole.by_lane.size());
        size_t total = 0;
        for (size_t lane = 0; lane < whole.by_lane.size(); ++lane) {
            QVERIFY2(same_segments(live.segments().by_lane[lane], whole.by_lane[lane]),
                     qPrintable(QStringLiteral("lane %1").arg(lane)));
            total += whole.by_lane[lane].size();
        }
        QVERIFY(total > 0);
    }

    // Stop -> finished takes a small share of the time the run had gone (tests/stop_share.h).
    void stopEndsARunWithinAFractionOfASecond() {
        RunController controller;
        QSignalSpy finished(&controller, &RunController::finished);
        QSignalSpy events(&controller, &RunController::eventsArrived);
        clab::testing::StopClock clock;
        QObject clock_guard; // goes before the clock: no late signal reaches a clock that is gone
        connect(&controller, &RunController::finished, &clock_guard, [&] { clock.stopped(); });
        QVERIFY(controller.start(long_sleep_run()) > 0);
        QTRY_VERIFY_WITH_TIMEOUT(events.count() >= 3, 10'000); // really running
        QTest::qWait(int(clock.until_due().count()));
        clock.ask();
        controller.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10'000); // a safety net against a hang only
        qInfo("%s", clock.describe().c_str());
        QVERIFY2(clock.quick(), clock.describe().c_str());
        const auto summary = finished.at(0).at(1).value<Summary>();
        QVERIFY(summary.cancelled);
        QVERIFY(!summary.completed);
        QVERIFY(!controller.busy()); // no baseline for a cancelled run
    }

    void startingAgainDropsTheOlderRun() {
        RunController controller;
        controller.setBaselineEnabled(false);
        QSignalSpy finished(&controller, &RunController::finished);
        const quint64 first = controller.start(long_sleep_run());
        QVERIFY(first > 0);
        QTest::qWait(100);
        const quint64 second = controller.start(short_cpu_run());
        QVERIFY(second > first);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), kRunTimeoutMs);
        QTest::qWait(300); // the first run's end must not show up late
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toULongLong(), second);
        QVERIFY(finished.at(0).at(1).value<Summary>().completed);
    }

    void theBaselineIsMeasuredOnceAndCached() {
        RunController controller;
        QSignalSpy baseline(&controller, &RunController::baselineStarted);
        QSignalSpy updated(&controller, &RunController::summaryUpdated);
        QSignalSpy finished(&controller, &RunController::finished);
        const ExperimentSpec spec = short_cpu_run();
        controller.start(spec);
        QTRY_COMPARE_WITH_TIMEOUT(updated.count(), 1, kRunTimeoutMs);
        QCOMPARE(baseline.count(), 1);
        const auto with_speedup = updated.at(0).at(1).value<Summary>();
        QVERIFY(with_speedup.baseline_wall_s > 0);
        QVERIFY(with_speedup.speedup > 0);
        QCOMPARE(with_speedup.speedup, with_speedup.baseline_wall_s / with_speedup.wall_s);
        QCOMPARE(controller.baselines().size(), 1);

        // Same settings again: the baseline comes from the cache, with the first result.
        controller.start(spec);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kRunTimeoutMs);
        QCOMPARE(baseline.count(), 1);
        QVERIFY(finished.at(1).at(1).value<Summary>().speedup > 0);
        QVERIFY(!controller.busy());
    }

    void aSequentialRunIsItsOwnBaseline() {
        RunController controller;
        QSignalSpy baseline(&controller, &RunController::baselineStarted);
        QSignalSpy finished(&controller, &RunController::finished);
        ExperimentSpec spec = short_cpu_run();
        spec = sequential_baseline(spec);
        spec.timeout_s = 60;
        controller.start(spec);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
        QCOMPARE(baseline.count(), 0);
        QCOMPARE(finished.at(0).at(1).value<Summary>().speedup, 1.0);
    }

    // A real python program has no sequential version the app could run: no baseline, no speedup.
    void aPythonRunHasNoBaseline() {
        if (QStandardPaths::findExecutable(QStringLiteral("python3")).isEmpty())
            QSKIP("no python3 on PATH to run the program");
        RunController controller;
        QSignalSpy baseline(&controller, &RunController::baselineStarted);
        QSignalSpy finished(&controller, &RunController::finished);
        ExperimentSpec spec;
        spec.engine = EngineKind::Python;
        spec.source = "import threading\nfor t in [threading.Thread(target=sum, args=([1, 2],)) for _ in "
                      "range(4)]:\n    t.start(); t.join()\n";
        spec.tasks = 4; // even with a task count, python runs are not compared with a guess
        spec.timeout_s = 60;
        controller.start(spec);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
        const auto summary = finished.at(0).at(1).value<Summary>();
        QVERIFY2(summary.completed, summary.error.c_str());
        QTest::qWait(200); // a baseline would start right after the finished signal
        QCOMPARE(baseline.count(), 0);
        QCOMPARE(summary.speedup, 0.0);
        QVERIFY(!speedup_applies(spec));
    }

    // A baseline that must take longer than its timeout (its waits alone add up to more) is not
    // started: the summary arrives at once, without a speedup, and the controller is idle.
    void aBaselineThatCannotFinishIsNotStarted() {
        RunController controller;
        controller.setBaselineTimeout(2.0);
        QSignalSpy baseline(&controller, &RunController::baselineStarted);
        QSignalSpy updated(&controller, &RunController::summaryUpdated);
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.workload = WorkloadKind::Sleep;
        spec.tasks = 40;
        spec.io_ms = 100; // 40 × 0.1 s = 4 s one after another, more than the 2 s allowed
        spec.timeout_s = 60;
        QCOMPARE(sequential_wait_s(sequential_baseline(spec)), 4.0);
        controller.start(spec);
        QTRY_COMPARE_WITH_TIMEOUT(updated.count(), 1, kRunTimeoutMs);
        QCOMPARE(baseline.count(), 0);
        QCOMPARE(updated.at(0).at(1).value<Summary>().baseline_wall_s, 0.0);
        QVERIFY(!controller.busy());
    }

    void aBadSpecFailsWithAMessage() {
        RunController controller;
        QSignalSpy failed(&controller, &RunController::failed);
        ExperimentSpec spec;
        spec.tasks = 0;
        QCOMPARE(controller.start(spec), quint64(0));
        QCOMPARE(failed.count(), 1);
        QVERIFY(!failed.at(0).at(1).toString().isEmpty());
        QVERIFY(!controller.busy());
    }

    void shutdownCancelsAndJoins() {
        auto controller = std::make_unique<RunController>();
        QSignalSpy events(controller.get(), &RunController::eventsArrived);
        clab::testing::StopClock clock;
        controller->start(long_sleep_run());
        QTRY_VERIFY_WITH_TIMEOUT(events.count() >= 2, 10'000);
        QTest::qWait(int(clock.until_due().count()));
        clock.ask();
        controller.reset(); // the destructor cancels and joins
        clock.stopped();
        qInfo("destroyed a running controller: %s", clock.describe().c_str());
        QVERIFY2(clock.quick(), clock.describe().c_str());
    }

    // The controller reads every event as it comes (EventReader::Caller), so it sums a run up
    // itself: the summary of a stopped run counts the events its trace holds, and the workers' time.
    void aStoppedRunIsSummedUpFromTheControllersOwnTrace() {
        RunController controller;
        controller.setBaselineEnabled(false);
        QSignalSpy finished(&controller, &RunController::finished);
        int polls = 0;
        connect(&controller, &RunController::eventsArrived, this, [&] { ++polls; });
        QVERIFY(controller.start(eventful_run()) > 0);
        QTRY_VERIFY_WITH_TIMEOUT(polls >= 3, 10'000);
        controller.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
        const auto summary = finished.at(0).at(1).value<Summary>();
        QVERIFY(summary.cancelled);
        QVERIFY(!summary.completed);
        QVERIFY(summary.events > 0);
        QCOMPARE(summary.events, uint64_t(controller.trace().events.size()));
        QCOMPARE(int(summary.workers.size()), eventful_run().tasks + 1); // MainThread and the threads
        QVERIFY(summary.workers[1].busy_s > 0);
    }

    // Issue 19: closing a window (destroying its controller) while a run records millions of events
    // a second waited for the Runner to merge a copy of them all (more than a minute under ASan
    // for 27 million). It now takes a small share of the time the run went (tests/stop_share.h).
    void destroyingAControllerDuringARunOfMillionsOfEventsIsQuick() {
        auto controller = std::make_unique<RunController>();
        int polls = 0;
        connect(controller.get(), &RunController::eventsArrived, this, [&] { ++polls; });
        clab::testing::StopClock clock;
        QVERIFY(controller->start(eventful_run()) > 0);
        QTRY_VERIFY_WITH_TIMEOUT(polls >= 3, 10'000);
        QTest::qWait(int(clock.until_due().count()));
        const size_t recorded = controller->trace().events.size();
        clock.ask();
        controller.reset();
        clock.stopped();
        qInfo("destroyed: %s, %zu events", clock.describe().c_str(), recorded);
        QVERIFY2(recorded > 100'000, "too few events to test anything");
        QVERIFY2(clock.quick(), clock.describe().c_str());
    }

    void theGuiThreadKeepsTurningDuringARun() {
        RunController controller;
        controller.setBaselineEnabled(false);
        ExperimentSpec spec = short_cpu_run();
        spec.tasks = 4;
        spec.iterations = 3'000'000;
        QSignalSpy finished(&controller, &RunController::finished);
        QElapsedTimer gap;
        qint64 worst = 0;
        QTimer tick;
        tick.setInterval(5);
        connect(&tick, &QTimer::timeout, this, [&] { worst = std::max(worst, gap.restart()); });
        controller.start(spec);
        gap.start();
        tick.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
        tick.stop();
        qInfo("longest GUI-thread stall during the run: %lld ms", worst);
        QVERIFY2(worst < 1000, qPrintable(QStringLiteral("%1 ms").arg(
                                   worst))); // a freeze would be the whole run; CI is noisy
    }
};

QTEST_MAIN(TestRunController)
#include "tst_run_controller.moc"
