// The summary in words: headlines for every way a run ends, the rows each engine shows, metric
// lookup for lessons, prediction verdicts, the baseline arithmetic, and the panel widget.
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "gui/baseline.h"
#include "gui/latency_histogram.h"
#include "gui/prediction_verdict.h"
#include "gui/summary_panel.h"
#include "gui/summary_text.h"

#include <QTest>
#include <numeric>
#include <qcustomplot.h>

using namespace clab;
using namespace clab::gui;

namespace {
Summary threads_summary() {
    Summary s;
    s.spec.engine = EngineKind::Threads;
    s.spec.tasks = 2;
    s.completed = true;
    s.wall_s = 2.0;
    s.cpu_s = 2.1;
    s.gil_switches = 400;
    s.forced_switches = 390;
    s.gil_wait_s = 1.9;
    s.median_gil_slice_ms = 5.0;
    return s;
}
QStringList keys(const QList<SummaryRow>& rows) {
    QStringList k;
    for (const SummaryRow& r : rows)
        k << r.key;
    return k;
}
} // namespace

class TestSummary : public QObject {
    Q_OBJECT
private slots:
    void headlines_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("contains");
        QTest::addColumn<int>("severity");
        QTest::newRow("finished") << 0 << "Finished in 2.00 s" << int(Severity::Good);
        QTest::newRow("stopped") << 1 << "Stopped" << int(Severity::Warning);
        QTest::newRow("deadlock") << 2 << "Deadlock" << int(Severity::Error);
        QTest::newRow("broken pool") << 3 << "pool broke" << int(Severity::Error);
        QTest::newRow("engine error") << 4 << "worker 2 crashed" << int(Severity::Error);
    }
    void headlines() {
        QFETCH(int, kind);
        QFETCH(QString, contains);
        QFETCH(int, severity);
        Summary s = threads_summary();
        if (kind == 1) {
            s.completed = false;
            s.cancelled = true;
        } else if (kind == 2) {
            s.completed = false;
            s.deadlock = true;
        } else if (kind == 3) {
            s.completed = false;
            s.broken = true;
        } else if (kind == 4) {
            s.completed = false;
            s.error = "worker 2 crashed (signal 9)";
        }
        const Headline h = summary_headline(s);
        QVERIFY2(h.text.contains(contains), qPrintable(h.text));
        QCOMPARE(int(h.severity), severity);
    }
    void rowsFollowTheEngine() {
        Summary t = threads_summary();
        QVERIFY(keys(summary_rows(t)).contains("gil_switches"));
        QVERIFY(!keys(summary_rows(t)).contains("loop_iterations"));
        QVERIFY(!keys(summary_rows(t)).contains("speedup")); // no baseline yet

        Summary a;
        a.spec.engine = EngineKind::Asyncio;
        a.spec.workload = WorkloadKind::Sleep;
        a.completed = true;
        a.wall_s = 1;
        a.loop_iterations = 12;
        a.slow_callbacks = 1;
        const QList<SummaryRow> rows = summary_rows(a);
        QVERIFY(keys(rows).contains("loop_iterations"));
        QVERIFY(keys(rows).contains("max_loop_lag_s"));
        QVERIFY(!keys(rows).contains("gil_switches"));
        for (const SummaryRow& r : rows)
            if (r.key == "slow_callbacks") QCOMPARE(r.severity, Severity::Error);

        // All computing: nothing falls due, so no loop lag to speak of (lesson 18 step 2 showed
        // "Worst loop lag 0 µs" beside four callbacks that blocked the loop for seconds).
        Summary busy = a;
        busy.spec.workload = WorkloadKind::Blend;
        busy.spec.cpu_percent = 100;
        QVERIFY(!keys(summary_rows(busy)).contains("max_loop_lag_s"));
        busy.spec.cpu_percent = 50;
        QVERIFY(keys(summary_rows(busy)).contains("max_loop_lag_s"));

        Summary p;
        p.spec.engine = EngineKind::ProcessPool;
        p.completed = true;
        p.wall_s = 1;
        p.process_start_s = 0.004;
        QVERIFY(keys(summary_rows(p)).contains("process_start_s"));

        Summary c = threads_summary();
        c.spec.workload = WorkloadKind::Counter;
        c.counter_expected = 400000;
        c.counter_value = 312345;
        c.lost_updates = 87655;
        bool found = false;
        for (const SummaryRow& r : summary_rows(c))
            if (r.key == "lost_updates") {
                found = true;
                QCOMPARE(r.value, QStringLiteral("87,655"));
                QCOMPARE(r.severity, Severity::Error);
            }
        QVERIFY(found);
    }
    void baselineGivesSpeedupAndEfficiency() {
        Summary s = threads_summary();
        apply_baseline(s, 1.94);
        QCOMPARE(s.baseline_wall_s, 1.94);
        QCOMPARE(s.speedup, 0.97);
        QCOMPARE(s.efficiency, 0.97 / 2);
        QCOMPARE(format_metric("speedup", s.speedup), QStringLiteral("0.97×"));
        QVERIFY(keys(summary_rows(s)).contains("speedup"));
        QVERIFY(keys(summary_rows(s)).contains("efficiency"));
    }
    void baselineCacheKeysOnTheBaselinesSpec() {
        BaselineCache cache;
        ExperimentSpec threads;
        threads.engine = EngineKind::Threads;
        threads.tasks = 2;
        cache.store(threads, 1.5);
        // The same work on processes has the same sequential baseline ...
        ExperimentSpec processes = threads;
        processes.engine = EngineKind::Processes;
        QCOMPARE(cache.find(processes).value_or(0), 1.5);
        // ... but more work does not.
        ExperimentSpec more = threads;
        more.iterations *= 2;
        QVERIFY(!cache.find(more));
        QCOMPARE(spec_key(threads), spec_key(threads));
        QVERIFY(spec_key(threads) != spec_key(more));
    }
    void metricsByName() {
        const Summary s = threads_summary();
        QCOMPARE(summary_metric(s, "wall_s").value_or(-1), 2.0);
        QCOMPARE(summary_metric(s, "gil_switches").value_or(-1), 400.0);
        QVERIFY(!summary_metric(s, "no_such_metric"));
        QCOMPARE(format_metric("wall_s", 2.0), QStringLiteral("2.00 s"));
        QCOMPARE(format_metric("wall_s", 0.0123), QStringLiteral("12.3 ms"));
        QCOMPARE(metric_label("speedup"), QStringLiteral("Speedup"));
    }
    void predictionVerdicts_data() {
        QTest::addColumn<int>("choice");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("right");
        QTest::newRow("right") << 2 << "You said 'about the same'. Measured: 0.97× speedup — right." << true;
        QTest::newRow("wrong")
            << 1 << "You said 'twice as fast'. Measured: 0.97× speedup — the answer is 'about the same'."
            << false;
        QTest::newRow("no answer") << 0 << "The answer: 'about the same'. Measured: 0.97× speedup." << false;
    }
    void predictionVerdicts() {
        QFETCH(int, choice);
        QFETCH(QString, expected);
        QFETCH(bool, right);
        lessons::Prediction p;
        p.question = "Two threads count to 10 million each. Compared with one after another, they are:";
        p.choices = {"twice as fast", "about the same", "slower"};
        p.answer = 2;
        p.reveal = "speedup";
        Summary s = threads_summary();
        apply_baseline(s, 1.94);
        PredictionAnswer a;
        a.choice = choice;
        const Verdict v = prediction_verdict(p, a, s);
        QCOMPARE(v.text, expected);
        QCOMPARE(v.right, right);
        QCOMPARE(v.answered, choice > 0);
    }
    void numericPredictionsUseTheTolerance() {
        lessons::Prediction p;
        p.numeric = true;
        p.number = 2.0;
        p.tolerance = 0.3;
        p.reveal = "wall_s";
        const Summary s = threads_summary(); // 2.0 s measured
        PredictionAnswer close;
        close.number = 2.4;
        QVERIFY(prediction_verdict(p, close, s).right);
        PredictionAnswer far;
        far.number = 6.0;
        const Verdict v = prediction_verdict(p, far, s);
        QVERIFY(!v.right);
        QVERIFY2(v.text.contains("Measured: 2.00 s on the clock"), qPrintable(v.text));
    }
    void panelShowsEveryRow() {
        SummaryPanel panel;
        Summary s = threads_summary();
        apply_baseline(s, 1.94);
        panel.showSummary(s);
        QVERIFY(panel.headline().startsWith("Finished"));
        const QStringList rows = panel.rowTexts();
        QCOMPARE(rows.size(), summary_rows(s).size());
        QVERIFY(rows.contains("Speedup: 0.97×"));
        panel.clear("nothing yet");
        QVERIFY(panel.rowTexts().isEmpty());
        QCOMPARE(panel.headline(), QStringLiteral("nothing yet"));
    }

    // The latency histogram counts every blocking call once, marks the asked latency and the
    // switch interval, and stays hidden for runs with only a few calls.
    void latencyHistogramCountsEveryCall() {
        LatencyHistogram histogram;
        ExperimentSpec spec;
        spec.workload = WorkloadKind::Sleep;
        spec.io_ms = 1;
        spec.switch_interval_ms = 5;
        std::vector<IoLatency> few(3, IoLatency{1, IoKind::Sleep, 0, 1'000'000, 1'000'000});
        histogram.setRun(few, spec);
        QVERIFY(histogram.isHidden());

        std::vector<IoLatency> calls;
        for (int i = 0; i < 40; ++i) // 20 near 1 ms, 20 stretched to about 6 ms by the GIL
            calls.push_back(
                IoLatency{1, IoKind::Sleep, 0, 1'000'000, i < 20 ? 1'100'000 : 6'000'000 + i * 10'000});
        histogram.setRun(calls, spec);
        QVERIFY(!histogram.isHidden());
        QCOMPARE(histogram.calls(), 40);
        const QList<int> counts = histogram.counts();
        QCOMPARE(std::accumulate(counts.begin(), counts.end(), 0), 40);
        const int near_asked = counts[int(1.1 / histogram.binWidthMs())];
        const int near_switch = counts[int(6.0 / histogram.binWidthMs())];
        QCOMPARE(near_asked, 20);
        QVERIFY2(near_switch >= 10, qPrintable(QString::number(near_switch)));
        QVERIFY(histogram.plot()->itemCount() >= 4); // two dashed lines, two labels
    }

    // On a real convoy run the panel shows the histogram beside the figures.
    void panelShowsTheHistogramOfAConvoyRun() {
        register_builtin_engines();
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.workload = WorkloadKind::Mixed;
        spec.tasks = 2;
        spec.iterations = 3'000'000;
        spec.io_ms = 1;
        spec.io_count = 20;
        spec.timeout_s = 30;
        Trace trace;
        const Summary summary = Runner::run(spec, &trace);
        QVERIFY2(summary.completed, summary.error.c_str());
        SummaryPanel panel;
        panel.latencyHistogram()->setRun(io_latencies(trace), summary.spec);
        panel.showSummary(summary);
        QVERIFY(!panel.latencyHistogram()->isHidden());
        QVERIFY(panel.latencyHistogram()->calls() >= 20);
        panel.clear();
        QVERIFY(panel.latencyHistogram()->isHidden());
    }
};

QTEST_MAIN(TestSummary)
#include "tst_summary.moc"
