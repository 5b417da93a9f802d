// The compare table of pinned runs: a well-behaved item model (QAbstractItemModelTester watches
// every change), figures that compare fairly (slow motion divided out) and dashes where a counter
// does not apply to an engine.
#include "classroom/compare_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace clab;
using namespace clab::classroom;

namespace {
RunPtr make_run(const char* name, EngineKind engine, double wall_s, double scale = 1.0) {
    auto run = std::make_shared<RunRecord>();
    run->name = QString::fromLatin1(name);
    run->spec.engine = engine;
    run->spec.tasks = 4;
    run->spec.workers = 4;
    run->spec.time_scale = scale;
    run->spec.workload = WorkloadKind::Sleep;
    run->summary.spec = run->spec;
    run->summary.completed = true;
    run->summary.wall_s = wall_s;
    run->summary.gil_switches = 321;
    run->summary.ipc_bytes = 2'500'000;
    run->summary.max_loop_lag_s = 0.0125;
    run->summary.cpu_s = 0.25;
    run->summary.peak_rss_mb = 41.5;
    return run;
}
QString text(const CompareModel& m, int row, int column) {
    return m.data(m.index(row, column)).toString();
}
} // namespace

class TestCompare : public QObject {
    Q_OBJECT
private slots:
    void modelStaysConsistent() {
        CompareModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy pinned(&model, &CompareModel::pinnedChanged);
        const RunPtr a = make_run("threads", EngineKind::Threads, 2.0);
        const RunPtr b = make_run("processes", EngineKind::Processes, 1.0);
        const RunPtr c = make_run("asyncio", EngineKind::Asyncio, 4.0);
        QCOMPARE(model.pin(a), 0);
        QCOMPARE(model.pin(b), 1);
        QCOMPARE(model.pin(a), 0); // pinning twice keeps one row
        QCOMPARE(model.pin(c), 2);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(pinned.count(), 3);
        QVERIFY(model.setData(model.index(1, CompareModel::Name), QStringLiteral("4 processes")));
        QCOMPARE(b->name, QStringLiteral("4 processes"));
        QVERIFY(!model.setData(model.index(1, CompareModel::WallTime), 3.0)); // only names are editable
        model.unpin(0);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.run(0), b);
        model.unpin(7); // out of range: ignored
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    // Eight runs side by side at most: a ninth is refused (a run already pinned still answers its row),
    // and unpinning one makes room again.
    void theTableHoldsAtMostEightRuns() {
        CompareModel model;
        QSignalSpy pinned(&model, &CompareModel::pinnedChanged);
        QList<RunPtr> runs;
        for (int i = 0; i < CompareModel::kMaxPinned + 1; ++i)
            runs << make_run("threads", EngineKind::Threads, 1.0 + i);
        for (int i = 0; i < CompareModel::kMaxPinned; ++i)
            QCOMPARE(model.pin(runs[i]), i);
        QVERIFY(model.isFull());
        QCOMPARE(model.pin(runs.last()), -1);
        QCOMPARE(model.rowCount(), CompareModel::kMaxPinned);
        QCOMPARE(pinned.count(), CompareModel::kMaxPinned);
        QCOMPARE(model.pin(runs[3]), 3);
        model.unpin(0);
        QCOMPARE(model.pin(runs.last()), CompareModel::kMaxPinned - 1);
    }

    void figuresCompareFairly() {
        CompareModel model;
        model.pin(make_run("threads", EngineKind::Threads, 2.0));
        model.pin(make_run("processes slow", EngineKind::Processes, 10.0, 10.0)); // 1.0 s at normal speed
        model.pin(make_run("asyncio", EngineKind::Asyncio, 4.0));
        QCOMPARE(model.data(model.index(1, CompareModel::WallTime), CompareModel::SortRole).toDouble(), 1.0);
        QCOMPARE(text(model, 1, CompareModel::WallTime), QStringLiteral("1.000 s"));
        QCOMPARE(text(model, 1, CompareModel::VsFirst), QStringLiteral("2.00×"));
        QCOMPARE(text(model, 2, CompareModel::VsFirst), QStringLiteral("0.50×"));
        QCOMPARE(text(model, 0, CompareModel::Speedup), QStringLiteral("–")); // no baseline was run
        // Counters appear only where the engine produces them.
        QCOMPARE(text(model, 0, CompareModel::GilSwitches), QStringLiteral("321"));
        QCOMPARE(text(model, 1, CompareModel::GilSwitches), QStringLiteral("–"));
        QCOMPARE(text(model, 1, CompareModel::IpcBytes), QStringLiteral("2.5 MB"));
        QCOMPARE(text(model, 0, CompareModel::IpcBytes), QStringLiteral("–"));
        QCOMPARE(text(model, 2, CompareModel::LoopLag), QStringLiteral("12.5 ms"));
        QCOMPARE(text(model, 0, CompareModel::LostUpdates), QStringLiteral("–"));
        // Nothing falling due (all computing): no loop lag, not "0.0 ms" (lesson 18 step 2).
        const RunPtr computing = make_run("asyncio computing", EngineKind::Asyncio, 4.0);
        computing->spec.workload = computing->summary.spec.workload = WorkloadKind::Blend;
        computing->spec.cpu_percent = computing->summary.spec.cpu_percent = 100;
        computing->summary.max_loop_lag_s = 0;
        model.pin(computing);
        QCOMPARE(text(model, 3, CompareModel::LoopLag), QStringLiteral("–"));
        // Lesson 16 asks for CPU time and memory side by side.
        QCOMPARE(text(model, 2, CompareModel::CpuTime), QStringLiteral("0.250 s"));
        QCOMPARE(text(model, 2, CompareModel::PeakMemory), QStringLiteral("41.5 MB"));
        QCOMPARE(text(model, 0, CompareModel::Speedup), QStringLiteral("–"));
        QVERIFY(model.data(model.index(1, CompareModel::WallTime), Qt::ToolTipRole)
                    .toString()
                    .contains("slow motion"));
    }

    void unpinningTheFirstRowRefreshesVsFirst() {
        CompareModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.pin(make_run("a", EngineKind::Threads, 2.0));
        model.pin(make_run("b", EngineKind::Threads, 1.0));
        QCOMPARE(text(model, 1, CompareModel::VsFirst), QStringLiteral("2.00×"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.unpin(0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(text(model, 0, CompareModel::VsFirst), QStringLiteral("1.00×"));
    }
};

QTEST_GUILESS_MAIN(TestCompare)
#include "tst_compare.moc"
