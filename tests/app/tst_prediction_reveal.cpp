// Predictions get their verdict from the right run: in a compare step (lesson 18) the engine the
// question is about, whatever engine ran last; a deadlock (lesson 9) gets a verdict too; and the
// revealed figure says what it is ("1.73× speedup", "2,444,232 lost updates").
#include "gui/lab_panel.h"
#include "gui/main_window.h"
#include "gui/prediction_box.h"
#include "gui/prediction_verdict.h"
#include "gui/step_view.h"
#include "gui/summary_text.h"
#include "test_settings.h"

#include <QMap>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

using namespace clab;
using namespace clab::gui;

namespace {
Summary summary_of(EngineKind engine, double speedup) {
    Summary s;
    s.spec.engine = engine;
    s.completed = true;
    s.wall_s = 1.0;
    s.cpu_s = 0.9;
    s.baseline_wall_s = speedup;
    s.speedup = speedup;
    return s;
}
} // namespace

class TestPredictionReveal : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }

    void theEngineAPredictionIsAbout() {
        lessons::Prediction p;
        p.choices = {"threads", "processes", "asyncio", "they are all about the same"};
        p.answer = 2;
        p.reveal = "speedup";
        lessons::Step step;
        step.spec.engine = EngineKind::Sequential;
        step.compare = {"sequential", "threads", "processes", "asyncio"};
        QCOMPARE(prediction_engine(p, step), EngineKind::Processes);
        p.answer = 4; // not an engine: the step's own
        QCOMPARE(prediction_engine(p, step), EngineKind::Sequential);
        step.compare.clear(); // no compare step: always the step's own
        p.answer = 2;
        QCOMPARE(prediction_engine(p, step), EngineKind::Sequential);
    }

    void anotherEnginesRunNeverLendsItsFigure() {
        lessons::Prediction p;
        p.question = "Which approach wins?";
        p.choices = {"threads", "processes", "asyncio"};
        p.answer = 2;
        p.reveal = "speedup";
        PredictionBox box;
        box.setPrediction(p, EngineKind::Processes);
        PredictionAnswer a;
        a.choice = 2;
        box.setAnswer(a);
        // Run all's order: the run the question is about is not the last one.
        box.reveal(summary_of(EngineKind::Sequential, 1.0));
        QVERIFY2(!box.verdictText().contains("Measured"), qPrintable(box.verdictText()));
        QVERIFY2(box.verdictText().contains("Run processes"), qPrintable(box.verdictText()));
        box.reveal(summary_of(EngineKind::Processes, 1.73));
        box.reveal(summary_of(EngineKind::Asyncio, 1.03));
        QCOMPARE(box.verdictText(),
                 QStringLiteral("You said 'processes'. Measured for processes: 1.73× speedup — right."));
    }

    void revealsSayWhatTheNumberIs() {
        Summary s = summary_of(EngineKind::Threads, 1.0);
        s.spec.workload = WorkloadKind::Counter;
        s.lost_updates = 2'444'232;
        s.counter_expected = 4'000'000;
        s.counter_value = 1'555'768;
        QCOMPARE(measured_phrase(s, "lost_updates"),
                 QStringLiteral("2,444,232 lost updates (the counter ended at 1,555,768 of 4,000,000)"));
        s.cpu_s = 0.91;
        s.wall_s = 0.91;
        QCOMPARE(measured_phrase(s, "cpu_s"), QStringLiteral("CPU 910.0 ms of 910.0 ms wall"));
        QCOMPARE(measured_phrase(s, "speedup"), QStringLiteral("1.00× speedup"));
        QCOMPARE(measured_phrase(s, "gil_switches"), QStringLiteral("0 GIL switches"));
        s.deadlock = true;
        QCOMPARE(measured_phrase(s, "deadlock"), QStringLiteral("a deadlock"));
    }

    // Lesson 9 step 1: the run deadlocks (and never completes); the student still hears the answer.
    void aDeadlockGetsAVerdict() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("deadlock");
        MainWindow w(options);
        w.show();
        QVERIFY(w.lesson() && w.lesson()->steps[0].prediction);
        PredictionBox* box = w.stepView()->predictionBox();
        PredictionAnswer a;
        a.choice = 2;
        box->setAnswer(a);
        w.lab()->run();
        QVERIFY(QTest::qWaitFor([&] { return !w.lab()->busy(); }, 60'000));
        QTRY_VERIFY_WITH_TIMEOUT(!box->verdictText().isEmpty(), 20'000);
        QVERIFY2(box->verdictText().contains("a deadlock"), qPrintable(box->verdictText()));
        QVERIFY2(box->verdictText().contains("right"), qPrintable(box->verdictText()));
    }

    // Lesson 18 step 2 after Run all: the figure revealed is the processes run's, the engine the
    // right answer names, although asyncio ran last.
    void runAllRevealsTheFigureOfTheEngineInQuestion() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("choosing");
        options.step = 2;
        MainWindow w(options);
        w.show();
        lessons::Step step = w.lesson()->steps[1];
        QVERIFY(step.prediction && !step.compare.isEmpty());
        step.spec.iterations = 300'000; // the lesson's work, smaller, so the test stays short
        w.lab()->setStep(step);
        PredictionBox* box = w.stepView()->predictionBox();
        PredictionAnswer a;
        a.choice = 2;
        box->setAnswer(a);
        QMap<int, Summary> by_engine;
        // A run's figures arrive with runFinished (its baseline already known) or summaryUpdated.
        const auto keep = [&](const Summary& s) { by_engine[int(s.spec.engine)] = s; };
        connect(w.lab(), &LabPanel::runFinished, this, keep);
        connect(w.lab(), &LabPanel::summaryUpdated, this, keep);
        QSignalSpy done(w.lab(), &LabPanel::compareFinished);
        w.lab()->runCompare();
        QVERIFY(done.wait(120'000));
        QVERIFY(by_engine.contains(int(EngineKind::Processes)));
        QVERIFY(by_engine.contains(int(EngineKind::Asyncio)));
        const Summary& processes = by_engine[int(EngineKind::Processes)];
        QVERIFY(processes.speedup > 0);
        const QString expected = measured_phrase(processes, "speedup");
        QVERIFY2(box->verdictText().contains("Measured for processes: " + expected),
                 qPrintable(box->verdictText() + " / expected " + expected));
    }
};

QTEST_MAIN(TestPredictionReveal)
#include "tst_prediction_reveal.moc"
