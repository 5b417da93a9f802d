// Replay cursor: scrubbing and stepping over a finished trace, and what the lanes, the GIL and
// the event loop were doing at the cursor. The trace is written by hand so every answer is known.
#include "classroom/replay_cursor.h"

#include <QTest>

using namespace clab;
using namespace clab::classroom;

namespace {

constexpr int64_t kOrigin = 1'000'000;
enum Lane : uint32_t { Main, T1, T2, Loop, TaskA, TaskB, LaneCount };

Event ev(int64_t dt, uint32_t lane, EventKind kind, uint64_t arg = 0) {
    Event e;
    e.t_ns = kOrigin + dt;
    e.lane = lane;
    e.kind = kind;
    e.cpu = uint16_t(lane % 2);
    e.arg = arg;
    return e;
}

// Two threads hand the GIL over with a forced switch; meanwhile an event loop runs one step of
// TaskA, then waits in select.
std::shared_ptr<const Trace> sample_trace() {
    auto trace = std::make_shared<Trace>();
    trace->origin_ns = kOrigin;
    const char* names[] = {"MainThread", "Thread-1", "Thread-2", "loop", "Task-A", "Task-B"};
    const LaneKind kinds[] = {LaneKind::Main, LaneKind::Thread, LaneKind::Thread,
                              LaneKind::Loop, LaneKind::Task,   LaneKind::Task};
    for (uint32_t i = 0; i < LaneCount; ++i)
        trace->lanes.push_back(LaneInfo{i, kinds[i], names[i], kNoLane, 0});
    trace->append({
        ev(0, T1, EventKind::GilWaitBegin),
        ev(0, T2, EventKind::GilWaitBegin),
        ev(100, T1, EventKind::GilAcquired),
        ev(200, Loop, EventKind::CallbackBegin, (uint64_t(TaskA) + 1) << 32),
        ev(200, TaskA, EventKind::TaskStepBegin),
        ev(300, TaskA, EventKind::TaskStepEnd, uint64_t(StepOutcome::Awaiting)),
        ev(300, Loop, EventKind::CallbackEnd),
        ev(400, Loop, EventKind::SelectBegin),
        ev(450, Loop, EventKind::SelectEnd, 1),
        ev(500, T2, EventKind::GilDropRequest, T1),
        ev(600, T1, EventKind::GilForcedWaitBegin),
        ev(610, T2, EventKind::GilAcquired),
        ev(620, T1, EventKind::GilWaitBegin),
        ev(1000, T2, EventKind::WorkerExit),
        ev(1000, T1, EventKind::GilAcquired),
        ev(1200, T1, EventKind::WorkerExit),
    });
    return trace;
}

} // namespace

class TestReplay : public QObject {
    Q_OBJECT
private slots:
    void stateAtTime_data() {
        QTest::addColumn<qint64>("dt");
        QTest::addColumn<int>("holder");
        QTest::addColumn<int>("waiters");
        QTest::addColumn<int>("task");
        QTest::addColumn<int>("t1State");
        const int none = int(kNoLane);
        QTest::newRow("both wait") << qint64(50) << none << 2 << none << int(SegState::GilWait);
        QTest::newRow("T1 runs, loop runs Task-A")
            << qint64(250) << int(T1) << 1 << int(TaskA) << int(SegState::Running);
        QTest::newRow("loop in select") << qint64(420) << int(T1) << 1 << none << int(SegState::Running);
        QTest::newRow("forced switch") << qint64(605) << none << 2 << none << int(SegState::ForcedWait);
        QTest::newRow("T2 holds") << qint64(700) << int(T2) << 1 << none << int(SegState::GilWait);
        QTest::newRow("T1 alone") << qint64(1100) << int(T1) << 0 << none << int(SegState::Running);
    }
    void stateAtTime() {
        QFETCH(qint64, dt);
        QFETCH(int, holder);
        QFETCH(int, waiters);
        QFETCH(int, task);
        QFETCH(int, t1State);
        ReplayCursor cursor(sample_trace());
        cursor.seek(kOrigin + dt);
        QCOMPARE(cursor.time_ns(), kOrigin + dt);
        QCOMPARE(int(cursor.gil_holder()), holder);
        QCOMPARE(int(cursor.gil_waiters()), waiters);
        QCOMPARE(int(cursor.loop_task()), task);
        QCOMPARE(int(cursor.lane_state(T1)), t1State);
    }

    void seekClampsAndCountsEvents() {
        ReplayCursor cursor(sample_trace());
        cursor.seek(kOrigin - 5000);
        QCOMPARE(cursor.time_ns(), cursor.start_ns());
        QCOMPARE(cursor.position(), size_t(0));
        QVERIFY(cursor.current_event() == nullptr);
        cursor.seek(kOrigin + 300); // everything stamped <= 300 has happened: 7 events
        QCOMPARE(cursor.position(), size_t(7));
        cursor.seek_seconds(1.0);
        QCOMPARE(cursor.time_ns(), cursor.end_ns());
        QCOMPARE(cursor.position(), cursor.event_count());
        QCOMPARE(cursor.duration_s(), 1200e-9);
    }

    // Stepping forward visits every event once in order; stepping back retraces the same path.
    void stepForwardThenBack() {
        ReplayCursor cursor(sample_trace());
        cursor.seek_start();
        std::vector<int64_t> times;
        std::vector<size_t> positions;
        while (cursor.step_forward()) {
            QCOMPARE(cursor.current_event()->t_ns, cursor.time_ns());
            times.push_back(cursor.time_ns());
            positions.push_back(cursor.position());
        }
        QCOMPARE(times.size(), cursor.event_count());
        QVERIFY(std::is_sorted(times.begin(), times.end()));
        QVERIFY(!cursor.step_forward());
        for (size_t i = times.size() - 1; i-- > 0;) {
            QVERIFY(cursor.step_backward());
            QCOMPARE(cursor.position(), positions[i]);
            QCOMPARE(cursor.time_ns(), times[i]);
        }
        QVERIFY(cursor.step_backward()); // before the first event
        QCOMPARE(cursor.position(), size_t(0));
        QVERIFY(!cursor.step_backward());
    }

    // After stepping onto an event that sets a state, the lane is in that state (unless another
    // event of the same lane carries the same stamp).
    void steppedEventSetsItsLaneState() {
        ReplayCursor cursor(sample_trace());
        int checked = 0;
        while (cursor.step_forward()) {
            const Event& e = *cursor.current_event();
            const SegState expected = state_after(e);
            if (expected == SegState::Count) continue;
            QCOMPARE(int(cursor.lane_state(e.lane)), int(expected));
            ++checked;
        }
        QVERIFY(checked >= 8);
    }

    void stepOnOneLane() {
        ReplayCursor cursor(sample_trace());
        std::vector<EventKind> kinds;
        while (cursor.step_forward(T2)) {
            QCOMPARE(cursor.current_event()->lane, uint32_t(T2));
            kinds.push_back(cursor.current_event()->kind);
        }
        const std::vector<EventKind> expected{EventKind::GilWaitBegin, EventKind::GilDropRequest,
                                              EventKind::GilAcquired, EventKind::WorkerExit};
        QVERIFY(kinds == expected);
        QVERIFY(cursor.step_backward(T2));
        QCOMPARE(cursor.current_event()->kind, EventKind::GilAcquired);
        QCOMPARE(int(cursor.gil_holder()), int(T2));
    }

    void describesTheCurrentEvent() {
        ReplayCursor cursor(sample_trace());
        QVERIFY(cursor.describe_current().empty());
        cursor.seek(kOrigin + 100);
        const QString text = QString::fromStdString(cursor.describe_current());
        QVERIFY2(text.contains("Thread-1") && text.contains("0.000000"), qPrintable(text));
    }

    void emptyTraceIsSafe() {
        ReplayCursor cursor(std::make_shared<const Trace>());
        QVERIFY(!cursor.step_forward());
        QVERIFY(!cursor.step_backward());
        cursor.seek_seconds(3);
        QCOMPARE(cursor.gil_holder(), kNoLane);
        QCOMPARE(cursor.loop_task(), kNoLane);
        QCOMPARE(cursor.lane_state(0), SegState::Count);
    }
};

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
