// Lesson 18's comparison: the same workload on four engines, pinned, shown stacked on one time axis
// with the table of figures. Real runs of the lesson's own experiment (waits shortened unless a
// screenshot is wanted). With CLAB_SCREENSHOT_DIR set, saves compare.png there.
#include "classroom/compare_window.h"
#include "classroom/run_record.h"
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "lessons/step_spec.h"
#include "plots/timeline_view.h"
#include "tests/eventful_run.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTableView>
#include <QTest>

using namespace clab;
using namespace clab::classroom;

class TestCompareWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { register_builtin_engines(); }

    void fourEnginesOnOneTimeAxis() {
        const QString shots = qEnvironmentVariable("CLAB_SCREENSHOT_DIR");
        lessons::StepExperiment step;
        QString error;
        // Step 3: half computing, half waiting, on two cores.
        QVERIFY2(lessons::find_step_experiment(QString(), QStringLiteral("18"), 3, step, error),
                 qPrintable(error));
        QCOMPARE(step.compare.size(), 4);
        ExperimentSpec base = step.spec;
        if (shots.isEmpty()) { // keep the suite quick: same shape, a tenth of the work
            base.iterations /= 10;
            base.io_ms /= 10;
        }
        base.timeout_s = 60;

        CompareModel model;
        for (const QString& engine : step.compare) {
            ExperimentSpec spec = base;
            spec.engine = *parse_engine(engine.toStdString());
            auto run = std::make_shared<RunRecord>();
            run->spec = spec;
            run->summary = Runner::run_with_baseline(spec, &edit_trace(*run));
            QVERIFY2(run->summary.completed, run->summary.error.c_str());
            run->name = QStringLiteral("%1").arg(engine);
            model.pin(run);
        }
        QCOMPARE(model.rowCount(), 4);

        CompareWindow window(&model, [](QWidget* parent, const RunRecord& run) -> QWidget* {
            auto* view = new plots::TimelineView(parent);
            view->load_trace(run.trace);
            view->replot_now();
            return view;
        });
        window.resize(1600, shots.isEmpty() ? 1150 : 2100); // screenshots: room for every lane
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.timelines().size(), 4);
        // One time axis: every row spans 0 .. the longest run.
        double longest = 0;
        for (const RunPtr& r : model.runs())
            longest = std::max(longest, r->trace->seconds(r->trace->end_ns()));
        for (QWidget* w : window.timelines()) {
            auto* view = qobject_cast<plots::TimelineView*>(w);
            QVERIFY(view);
            QCOMPARE(view->time_range().lower, 0.0);
            QVERIFY(std::abs(view->time_range().upper - longest * 1.02) < 1e-9);
        }
        // Each timeline's plots get the window's width: the legend the stack shares is hidden in
        // every timeline, and a hidden empty legend once left the plots no width at all.
        QTest::qWait(50);
        for (QWidget* w : window.timelines()) {
            auto* view = qobject_cast<plots::TimelineView*>(w);
            view->replot_now();
            QVERIFY(view->plot()->axisRectCount() > 0);
            for (int i = 0; i < view->plot()->axisRectCount(); ++i)
                QVERIFY2(view->plot()->axisRect(i)->rect().width() > view->width() / 2,
                         qPrintable(QStringLiteral("rect %1 is %2 px wide in a %3 px view")
                                        .arg(i)
                                        .arg(view->plot()->axisRect(i)->rect().width())
                                        .arg(view->width())));
        }
        // Lined up: t = 0 is at the same x in every run's plots, whatever their lane names' widths.
        const int left = qobject_cast<plots::TimelineView*>(window.timelines().first())
                             ->plot()
                             ->axisRect(0)
                             ->rect()
                             .left();
        for (QWidget* w : window.timelines()) {
            QCustomPlot* plot = qobject_cast<plots::TimelineView*>(w)->plot();
            for (int i = 0; i < plot->axisRectCount(); ++i)
                QCOMPARE(plot->axisRect(i)->rect().left(), left);
        }
        // Zoom linked: zooming one run's plot (as the mouse wheel does) zooms every other run's.
        auto* first = qobject_cast<plots::TimelineView*>(window.timelines().first());
        first->plot()->axisRect(0)->axis(QCPAxis::atBottom)->setRange(longest * 0.25, longest * 0.5);
        for (QWidget* w : window.timelines()) {
            const QCPRange range = qobject_cast<plots::TimelineView*>(w)->time_range();
            QVERIFY(std::abs(range.lower - longest * 0.25) < 1e-9);
            QVERIFY(std::abs(range.upper - longest * 0.5) < 1e-9);
        }
        for (int row = 0; row < 4; ++row)
            qInfo("%-10s wall %s  speedup %s",
                  qPrintable(model.data(model.index(row, CompareModel::Name)).toString()),
                  qPrintable(model.data(model.index(row, CompareModel::WallTime)).toString()),
                  qPrintable(model.data(model.index(row, CompareModel::Speedup)).toString()));
        if (!shots.isEmpty()) {
            QTest::qWait(300);
            for (QWidget* w : window.timelines())
                qobject_cast<plots::TimelineView*>(w)->replot_now();
            QVERIFY(window.grab().save(QDir(shots).filePath(QStringLiteral("compare.png"))));
        }
    }

    // A full table of big runs opens with each timeline drawn twice, not three times: once when it is
    // made, once after its own legend is hidden for the shared one. (A random session stalled for a
    // minute opening Compare over twenty pinned runs of a million events each.)
    void aFullCompareDrawsEachTimelineOnlyTwice() {
        ExperimentSpec spec = testing::eventful_run();
        spec.timeout_s = 0.3; // a lock-heavy counter: about a million events in that time
        auto big = std::make_shared<RunRecord>();
        big->spec = spec;
        big->summary = Runner::run(spec, &edit_trace(*big));
        QVERIFY2(big->trace->events.size() > 10'000, qPrintable(QString::number(big->trace->events.size())));
        CompareModel model;
        for (int i = 0; i < CompareModel::kMaxPinned; ++i) {
            auto run = std::make_shared<RunRecord>(*big); // the same events, as runs of one step are
            run->name = QStringLiteral("run %1").arg(i + 1);
            QCOMPARE(model.pin(run), i);
        }
        QHash<QCustomPlot*, int> drawings;
        QElapsedTimer clock;
        clock.start();
        CompareWindow window(&model, [&drawings](QWidget* parent, const RunRecord& run) -> QWidget* {
            auto* view = new plots::TimelineView(parent);
            QObject::connect(view->plot(), &QCustomPlot::afterReplot, view->plot(),
                             [&drawings, plot = view->plot()] { ++drawings[plot]; });
            view->load_trace(run.trace);
            view->replot_now(); // as the window's own factory does
            return view;
        });
        qInfo("%d timelines of %zu events opened in %lld ms", CompareModel::kMaxPinned,
              big->trace->events.size(), clock.elapsed());
        QCOMPARE(window.timelines().size(), CompareModel::kMaxPinned);
        QCOMPARE(drawings.size(), CompareModel::kMaxPinned);
        for (auto it = drawings.cbegin(); it != drawings.cend(); ++it)
            QCOMPARE(it.value(), 2);
    }
};

QTEST_MAIN(TestCompareWindow)
#include "tst_compare_window.moc"
