// A figure only where it means something, and one word for one thing: no speedup for a
// sequential run or a single task, no median GIL slice for runs that only wait, no I/O latency
// histogram for a CPU workload, the histogram counts the workload's own requests (lesson 6: 24,
// not 24 + 8 connects), the timeline's forced-switch markers count what the summary counts, and a
// run that shared the machine with busy programs says so.
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "core/trace/io_latency.h"
#include "gui/baseline.h"
#include "gui/latency_histogram.h"
#include "gui/summary_text.h"
#include "plots/timeline_model.h"

#include <QProcess>
#include <QTest>
#include <QThread>
#include <memory>
#include <vector>

using namespace clab;
using namespace clab::gui;

namespace {
QStringList keys(const QList<SummaryRow>& rows) {
    QStringList k;
    for (const SummaryRow& r : rows)
        k << r.key;
    return k;
}
} // namespace

class TestFiguresApply : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { register_builtin_engines(); }

    void noSpeedupWhereNothingCanOverlap() {
        Summary s;
        s.completed = true;
        s.wall_s = 1.0;
        s.spec.engine = EngineKind::Sequential;
        s.spec.tasks = 3;
        apply_baseline(s, 0.77);
        QVERIFY(!keys(summary_rows(s)).contains("speedup")); // lesson 1: the sequential run itself
        s.spec.engine = EngineKind::Processes;
        s.spec.tasks = 1;
        QVERIFY(!keys(summary_rows(s)).contains("speedup")); // lesson 12: a single echo
        s.spec.tasks = 2;
        QVERIFY(keys(summary_rows(s)).contains("speedup"));
    }

    void noGilSliceForRunsThatOnlyWait() {
        Summary s;
        s.completed = true;
        s.wall_s = 1.0;
        s.spec.engine = EngineKind::Threads;
        s.spec.workload = WorkloadKind::Sleep;
        s.gil_switches = 40;
        s.median_gil_slice_ms = 0.004; // shown as "0.00 ms" before
        QVERIFY(!keys(summary_rows(s)).contains("median_gil_slice_ms"));
        s.forced_switches = 30;
        s.median_gil_slice_ms = 5.0;
        QVERIFY(keys(summary_rows(s)).contains("median_gil_slice_ms"));
    }

    // Lesson 6's shape: 8 threads, 3 requests each to the slow server. 24 calls, as many as
    // requests, although each thread also connects first.
    void theHistogramCountsTheRequests() {
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.workload = WorkloadKind::Net;
        spec.tasks = 8;
        spec.io_count = 3;
        spec.io_ms = 5;
        Trace trace;
        const Summary s = Runner::run(spec, &trace);
        QVERIFY2(s.completed, s.error.c_str());
        LatencyHistogram histogram;
        histogram.setRun(io_latencies(trace), spec);
        QCOMPARE(histogram.calls(), 24);
        QVERIFY(!histogram.isHidden());
    }

    // Lesson 14's shape: a CPU-bound process pool moves data through pipes, but asks for no I/O.
    void noHistogramForACpuWorkload() {
        ExperimentSpec spec;
        spec.engine = EngineKind::ProcessPool;
        spec.workload = WorkloadKind::Cpu;
        spec.tasks = 40;
        spec.workers = 2;
        spec.iterations = 20'000;
        Trace trace;
        const Summary s = Runner::run(spec, &trace);
        QVERIFY2(s.completed, s.error.c_str());
        QVERIFY(io_latencies(trace).size() >= size_t(LatencyHistogram::kMinCalls)); // pipes
        LatencyHistogram histogram;
        histogram.setRun(io_latencies(trace), spec);
        QVERIFY(histogram.isHidden());
        QCOMPARE(histogram.calls(), 0);
    }

    // "Forced switches" in the summary and the "forced switch" markers count the same thing.
    void forcedSwitchMarkersMatchTheSummary() {
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.workload = WorkloadKind::Cpu;
        spec.tasks = 2;
        spec.iterations = 3'000'000;
        spec.switch_interval_ms = 1;
        Trace trace;
        const Summary s = Runner::run(spec, &trace);
        QVERIFY2(s.completed, s.error.c_str());
        QVERIFY(s.forced_switches > 0);
        plots::TimelineModel model;
        model.load_trace(trace);
        QCOMPARE(uint64_t(model.forced_switches().size()), s.forced_switches);
    }

    void aBusyMachineIsSaid() {
        Summary s;
        s.completed = true;
        s.wall_s = 1.0;
        s.machine_cpus = 2;
        s.other_cpu_s = 0.2; // a tenth of the machine: not worth a word
        QVERIFY(busy_machine_note(s).isEmpty());
        QCOMPARE(summary_headline(s).severity, Severity::Good);
        s.other_cpu_s = 1.3;
        QVERIFY(summary_headline(s).text.contains("Other programs kept 1.3 of this machine's 2 cores busy"));
        QCOMPARE(summary_headline(s).severity, Severity::Warning);
    }

    // Other programs spinning on every core during a run of waiting tasks (which use next to no
    // CPU themselves): the Runner measures them from /proc/stat.
    void theRunnerMeasuresOtherPrograms() {
        const int cores = std::max(1, QThread::idealThreadCount());
        std::vector<std::unique_ptr<QProcess>> spinners;
        for (int i = 0; i < cores; ++i) {
            spinners.push_back(std::make_unique<QProcess>());
            spinners.back()->start(QStringLiteral("sh"),
                                   {QStringLiteral("-c"), QStringLiteral("while :; do :; done")});
            QVERIFY(spinners.back()->waitForStarted());
        }
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.workload = WorkloadKind::Sleep;
        spec.tasks = 2;
        spec.io_count = 1;
        spec.io_ms = 600;
        const Summary s = Runner::run(spec);
        for (auto& p : spinners) {
            p->kill();
            p->waitForFinished();
        }
        QVERIFY2(s.completed, s.error.c_str());
        QVERIFY(s.machine_cpus >= 1);
        QVERIFY2(machine_was_busy(s), qPrintable(QString::number(s.other_cpu_s)));
        QVERIFY(!busy_machine_note(s).isEmpty());
    }
};

QTEST_MAIN(TestFiguresApply)
#include "tst_figures_apply.moc"
