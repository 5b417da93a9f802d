// The main window end to end (offscreen): opening lessons and steps, keyboard navigation, Run and
// Stop mid-run, the views each engine shows, the timeline's segments against the trace's, the
// prediction revealed after the run, error messages in the window, settings that persist, and a
// random mash of controls and Run/Stop that must not crash.
#include "classroom/classroom_controller.h"
#include "core/trace/segments.h"
#include "gui/check_questions_box.h"
#include "gui/controls_panel.h"
#include "gui/info_bar.h"
#include "gui/lab_panel.h"
#include "gui/lesson_navigator_model.h"
#include "gui/main_window.h"
#include "gui/prediction_box.h"
#include "gui/run_controller.h"
#include "gui/step_view.h"
#include "gui/timeline_pane.h"
#include "lessons/lesson_progress.h"
#include "plots/timeline_view.h"
#include "test_settings.h"
#include "tests/stop_share.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRadioButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSplitter>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <qcustomplot.h>

using namespace clab;
using namespace clab::gui;

namespace {
constexpr int kRunTimeoutMs = 60'000;

lessons::Step experiment_step(EngineKind engine, WorkloadKind workload, int tasks) {
    lessons::Step step;
    step.title = QStringLiteral("test step");
    step.markdown = QStringLiteral("Some *text*.\n\n```python\nprint('hi')\n```\n");
    step.has_experiment = true;
    step.spec.engine = engine;
    step.spec.workload = workload;
    step.spec.tasks = tasks;
    step.spec.iterations = 300'000;
    step.spec.io_ms = 30;
    step.spec.io_count = 2;
    step.spec.timeout_s = 60;
    step.controls = {{"tasks", false, 1, 8}, {"engine", true, 0, 0}, {"switch_interval_ms", false, 0.5, 50}};
    return step;
}

plots::TimelineView* timeline_view(MainWindow& w) {
    return w.lab()->timeline()->findChild<plots::TimelineView*>();
}

bool wait_idle(MainWindow& w, int ms = kRunTimeoutMs) {
    return QTest::qWaitFor([&] { return !w.lab()->busy(); }, ms);
}
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }
    void init() { QSettings().clear(); }

    void opensTheLessonAndStepOfTheCommandLine() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("gil");
        options.step = 2;
        MainWindow w(options);
        QVERIFY(w.lesson());
        QCOMPARE(w.lesson()->id, QStringLiteral("gil"));
        QCOMPARE(w.currentStep(), 1);
        QCOMPARE(w.stepView()->title(), w.lesson()->steps[1].title);
        QVERIFY(!w.stepView()->textBrowser()->toPlainText().isEmpty());
        QVERIFY(w.lab()->hasExperiment());
        QVERIFY(!w.infoBar()->isVisible());
        // The navigator shows where we are.
        const QModelIndex current = w.navigator()->currentIndex();
        QCOMPARE(current.data(LessonNavigatorModel::StepIndexRole).toInt(), 1);
        QVERIFY(current.data(LessonNavigatorModel::VisitedRole).toBool());
    }

    // A step without an experiment does not invite a run on its empty timeline.
    void anEmptyTimelineSaysWhetherTheStepHasAnExperiment() {
        cli::GuiOptions options;
        MainWindow w(options);
        w.show();
        auto shown_text = [&] {
            QStringList texts;
            auto* plot = w.lab()->timeline()->findChild<QCustomPlot*>();
            for (QCPLayoutElement* e : plot->plotLayout()->elements(true))
                if (auto* text = qobject_cast<QCPTextElement*>(e)) texts << text->text();
            return texts.join(QLatin1Char('|'));
        };
        const QList<lessons::Lesson>& lessons = w.navigatorModel()->lessons();
        int checked = 0;
        for (int l = 0; l < lessons.size() && checked < 2; ++l)
            for (int s = 0; s < lessons[l].steps.size(); ++s) {
                QVERIFY(w.openStep(l, s));
                QCoreApplication::processEvents();
                const bool has = lessons[l].steps[s].has_experiment;
                QVERIFY2(shown_text().contains(has ? QStringLiteral("Run the experiment")
                                                   : QStringLiteral("no experiment")),
                         qPrintable(shown_text()));
                checked += has ? 0 : 1;
            }
        QVERIFY(checked >= 2); // and the experiment steps around them
    }

    void byNumberAndOutOfRangeSteps() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("4");
        options.step = 99;
        MainWindow w(options);
        QCOMPARE(w.lesson()->id, QStringLiteral("gil"));
        QCOMPARE(w.currentStep(), int(w.lesson()->steps.size()) - 1);
        QVERIFY(w.infoBar()->text().contains(QStringLiteral("has")));
    }

    void anUnknownLessonIsAMessageNotACrash() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("no-such-lesson");
        MainWindow w(options);
        QVERIFY(w.infoBar()->text().contains(QStringLiteral("no-such-lesson")));
        QVERIFY(w.lesson()); // it still opens somewhere useful
    }

    void keyboardMovesBetweenSteps() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("gil");
        MainWindow w(options);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const int steps = int(w.lesson()->steps.size());
        QCOMPARE(w.currentStep(), 0);
        QTest::keyClick(&w, Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(w.currentStep(), 1);
        w.navigator()->clearFocus();
        w.setFocus();
        QTest::keyClick(&w, Qt::Key_Right);
        QCOMPARE(w.currentStep(), 2);
        QTest::keyClick(&w, Qt::Key_Left, Qt::AltModifier);
        QCOMPARE(w.currentStep(), 1);
        // Next on the last step goes on to the next lesson; Back comes back to the last step.
        w.openStep(w.currentLesson(), steps - 1);
        const int lesson = w.currentLesson();
        w.next();
        QCOMPARE(w.currentLesson(), lesson + 1);
        QCOMPARE(w.currentStep(), 0);
        w.back();
        QCOMPARE(w.currentLesson(), lesson);
        QCOMPARE(w.currentStep(), steps - 1);
        // The recap's check questions are on the last step.
        QVERIFY(!w.lesson()->steps.last().checks.isEmpty());
    }

    void spaceRunsAndEscapeStopsMidRun() {
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        lessons::Step step = experiment_step(EngineKind::Threads, WorkloadKind::Sleep, 3);
        step.spec.io_ms = 20'000; // only Stop ends this
        step.spec.io_count = 1;
        w.lab()->setStep(step);
        QSignalSpy finished(w.lab(), &LabPanel::runFinished);
        // Esc -> finished takes a small share of the time the run had gone (tests/stop_share.h).
        clab::testing::StopClock clock;
        QObject clock_guard; // goes before the clock: no late signal reaches a clock that is gone
        connect(w.lab(), &LabPanel::runFinished, &clock_guard, [&] { clock.stopped(); });
        w.setFocus();
        QTest::keyClick(&w, Qt::Key_Space);
        QVERIFY(w.lab()->busy());
        QTRY_VERIFY_WITH_TIMEOUT(w.lab()->controller()->trace().events.size() > 3, 10'000);
        QTest::qWait(int(clock.until_due().count()));
        clock.ask();
        QTest::keyClick(&w, Qt::Key_Escape);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10'000); // a safety net against a hang only
        qInfo("Esc: %s", clock.describe().c_str());
        QVERIFY2(clock.quick(), clock.describe().c_str());
        QVERIFY(finished.at(0).at(0).value<Summary>().cancelled);
        QVERIFY(wait_idle(w, 5000));
    }

    void everyViewAppearsForItsEngine_data() {
        QTest::addColumn<int>("engine");
        QTest::addColumn<int>("workload");
        QTest::addColumn<bool>("gil");
        QTest::addColumn<bool>("loop");
        QTest::newRow("threads") << int(EngineKind::Threads) << int(WorkloadKind::Cpu) << true << false;
        QTest::newRow("processes") << int(EngineKind::Processes) << int(WorkloadKind::Cpu) << false << false;
        QTest::newRow("asyncio") << int(EngineKind::Asyncio) << int(WorkloadKind::Sleep) << false << true;
    }
    void everyViewAppearsForItsEngine() {
        QFETCH(int, engine);
        QFETCH(int, workload);
        QFETCH(bool, gil);
        QFETCH(bool, loop);
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.lab()->controller()->setBaselineEnabled(false);
        w.lab()->setStep(experiment_step(EngineKind(engine), WorkloadKind(workload), 2));
        QSignalSpy finished(w.lab(), &LabPanel::runFinished);
        w.lab()->run();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
        QVERIFY(finished.at(0).at(0).value<Summary>().completed);
        plots::TimelineView* view = timeline_view(w);
        QVERIFY(view);
        view->replot_now();
        using V = plots::TimelineView::View;
        if (!loop) QVERIFY(view->is_view_shown(V::Workers));
        QCOMPARE(view->is_view_shown(V::Gil), gil);
        QCOMPARE(view->is_view_shown(V::Loop), loop);
        if (engine != int(EngineKind::Asyncio)) QVERIFY(view->is_view_shown(V::Cores));
    }

    void theTimelinesSegmentsAreTheTraces() {
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.lab()->controller()->setBaselineEnabled(false);
        lessons::Step step = experiment_step(EngineKind::Threads, WorkloadKind::Cpu, 3);
        step.spec.iterations = 1'000'000;
        w.lab()->setStep(step);
        QSignalSpy finished(w.lab(), &LabPanel::runFinished);
        w.lab()->run();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
        const Trace& trace = w.lab()->controller()->trace();
        const plots::TimelineModel& model = timeline_view(w)->model();
        const SegmentSet expected = build_segments(trace, trace.end_ns());
        QVERIFY(model.workers().lane_count() > 0);
        size_t compared = 0;
        for (size_t row = 0; row < model.workers().lane_count(); ++row) {
            const auto& lane = model.workers().lane(row);
            QVERIFY(lane.source < expected.by_lane.size());
            const std::vector<Segment>& want = expected.by_lane[lane.source];
            QCOMPARE(lane.segments.size(), want.size());
            for (size_t i = 0; i < want.size(); ++i) {
                const plots::SegmentRecord got = lane.segments.at(i);
                QCOMPARE(got.state, uint8_t(want[i].state));
                QCOMPARE(got.start, trace.seconds(want[i].start_ns));
                QCOMPARE(got.end, trace.seconds(want[i].end_ns));
            }
            compared += want.size();
        }
        qInfo("compared %zu segments on %zu lanes", compared, model.workers().lane_count());
        QVERIFY(compared > 10);
    }

    void thePredictionIsRevealedAfterTheRun() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("gil");
        MainWindow w(options);
        w.show();
        const lessons::Lesson lesson = *w.lesson();
        QVERIFY(lesson.steps[0].prediction);
        // The lesson's step, with less work so the test stays short.
        lessons::Step step = lesson.steps[0];
        step.spec.iterations = 400'000;
        w.lab()->setStep(step);
        PredictionBox* box = w.stepView()->predictionBox();
        QVERIFY(box->isVisible());
        PredictionAnswer answer;
        answer.choice = 2;
        box->setAnswer(answer);
        QVERIFY(w.navigatorModel()->answered(lesson.id, 0));
        QVERIFY(w.progress()->prediction(lesson.id, 1).has_value());
        w.lab()->run();
        QVERIFY(wait_idle(w));
        const QString verdict = box->verdictText();
        QVERIFY2(verdict.contains(QStringLiteral("You said")), qPrintable(verdict));
        QVERIFY2(verdict.contains(QStringLiteral("Measured:")), qPrintable(verdict));
        QVERIFY2(verdict.contains(QStringLiteral("×")), qPrintable(verdict));
    }

    void aBrokenLessonFileIsShownAsAMessage() {
        QTemporaryDir dir;
        QVERIFY(QFile::copy(QStringLiteral(CLAB_SOURCE_LESSONS_DIR "/04-gil.md"), dir.filePath("04-gil.md")));
        QFile bad(dir.filePath("05-broken.md"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("---\nid: broken\nnumber: 5\n---\n\n## A step\n\n```experiment\nengine: warp-drive\n```\n");
        bad.close();
        cli::GuiOptions options;
        options.lessons_dir = dir.path();
        options.lesson = QStringLiteral("broken");
        MainWindow w(options);
        w.show();
        QVERIFY2(w.infoBar()->text().contains(QStringLiteral("05-broken.md")),
                 qPrintable(w.infoBar()->text()));
        QCOMPARE(w.navigatorModel()->rowCount(), 1); // the good lesson still loads
        QVERIFY(w.lesson());
    }

    void anEmptyLessonFolderSaysSo() {
        QTemporaryDir dir;
        cli::GuiOptions options;
        options.lessons_dir = dir.path();
        MainWindow w(options);
        w.show();
        QCOMPARE(w.navigatorModel()->rowCount(), 0);
        QVERIFY(w.stepView()->title().contains(QStringLiteral("No lessons")));
        QVERIFY(!w.lab()->hasExperiment());
        QTest::keyClick(&w, Qt::Key_Space); // nothing to run: nothing happens
        QVERIFY(!w.lab()->busy());
    }

    void layoutAndPositionPersist() {
        QList<int> sizes;
        {
            cli::GuiOptions options;
            options.lesson = QStringLiteral("gil");
            options.step = 2;
            MainWindow w(options);
            w.resize(1400, 900);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            auto* split = w.findChild<QSplitter*>(QStringLiteral("mainSplitter"));
            split->setSizes({300, 500, 580});
            sizes = split->sizes();
            w.close();
        }
        MainWindow again(cli::GuiOptions{});
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.findChild<QSplitter*>(QStringLiteral("mainSplitter"))->sizes(), sizes);
        QCOMPARE(again.lesson()->id, QStringLiteral("gil")); // where the student left off
        QCOMPARE(again.currentStep(), 1);
    }

    // The first start fills the screen (maximised, the status bar on screen); maximised is
    // remembered, and presenter mode returns to it.
    void firstStartIsMaximisedAndRemembered() {
        const QRect screen = QGuiApplication::primaryScreen()->availableGeometry();
        {
            MainWindow w(cli::GuiOptions{});
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.isMaximized());
            QTRY_VERIFY(screen.contains(w.frameGeometry()));
            QVERIFY(w.frameGeometry().width() >= screen.width() * 95 / 100);
            w.setPresenterMode(true);
            w.setPresenterMode(false);
            QVERIFY(w.isMaximized());
            w.close();
        }
        MainWindow again(cli::GuiOptions{});
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(again.isMaximized());
    }

    void presenterModeGoesFullScreenWithLargerFonts() {
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const qreal normal = w.font().pointSizeF();
        QSignalSpy changed(&w, &MainWindow::presenterModeChanged);
        w.action(QStringLiteral("presenter"))->trigger();
        QVERIFY(w.presenterMode());
        QVERIFY(w.windowState() & Qt::WindowFullScreen);
        QVERIFY(w.font().pointSizeF() > normal * 1.2);
        QCOMPARE(changed.count(), 1);
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_F11);
        QVERIFY(!w.presenterMode());
        QCOMPARE(w.font().pointSizeF(), normal);
    }

    // A compare step: the engine chooser picks what Run starts; Run all runs every engine in turn,
    // then the classroom pins exactly those runs and opens them side by side.
    void runAllComparesEveryEngineOfTheStep() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("gil");
        MainWindow w(options);
        w.show();
        lessons::Step step = experiment_step(EngineKind::Sequential, WorkloadKind::Cpu, 2);
        step.compare = {QStringLiteral("sequential"), QStringLiteral("threads")};
        w.lab()->setStep(step);
        auto* chooser = w.lab()->findChild<QComboBox*>(QStringLiteral("compareEngine"));
        QVERIFY(chooser && chooser->isVisible());
        QCOMPARE(chooser->count(), 2);
        chooser->setCurrentIndex(1);
        QCOMPARE(w.lab()->runSpec().engine, EngineKind::Threads);

        QSignalSpy finished(w.lab(), &LabPanel::compareFinished);
        w.lab()->runCompare();
        QVERIFY(w.lab()->comparing());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 2 * kRunTimeoutMs);
        QCOMPARE(finished.front().front().toInt(), 2);
        auto* classroom = w.findChild<classroom::ClassroomController*>(QStringLiteral("classroom"));
        QVERIFY(classroom);
        const QList<classroom::RunPtr>& pinned = classroom->pinned()->runs();
        QCOMPARE(pinned.size(), 2);
        QCOMPARE(pinned[0]->spec.engine, EngineKind::Sequential);
        QCOMPARE(pinned[1]->spec.engine, EngineKind::Threads);
        for (const classroom::RunPtr& run : pinned)
            QVERIFY2(run->summary.completed && !run->trace->events.empty(), run->summary.error.c_str());

        // Stop in the middle of Run all ends it: nothing more starts.
        QSignalSpy more(w.lab(), &LabPanel::compareFinished);
        w.lab()->runCompare();
        w.lab()->stop();
        QVERIFY(!w.lab()->comparing());
        QVERIFY(wait_idle(w));
        QTest::qWait(200);
        QVERIFY(!w.lab()->busy());
        QCOMPARE(more.count(), 0);
    }

    // Lesson > Reset progress: visited marks, predictions and check answers are forgotten.
    void progressCanBeReset() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("gil");
        MainWindow w(options);
        const QString id = w.lesson()->id;
        PredictionAnswer answer;
        answer.choice = 1;
        w.stepView()->predictionBox()->setAnswer(answer);
        QVERIFY(w.progress()->prediction(id, 1));
        QVERIFY(w.openStep(w.currentLesson(), 1));
        QCOMPARE(w.progress()->visitedSteps(id), (QList<int>{1, 2}));
        QVERIFY(w.action(QStringLiteral("resetLessonProgress")));
        w.resetProgress(false);
        QVERIFY(!w.progress()->prediction(id, 1));
        QCOMPARE(w.progress()->visitedSteps(id), QList<int>{2}); // the open step is visited again
        QVERIFY(!w.navigatorModel()->answered(id, 0));
        w.resetProgress(true);
        QCOMPARE(w.progress()->visitedSteps(id), QList<int>{2});
    }

    // The recap's check answers come back when the student returns, graded as they left them.
    void checkAnswersPersist() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("gil");
        int recap = -1;
        QString id;
        {
            MainWindow w(options);
            id = w.lesson()->id;
            recap = int(w.lesson()->steps.size()) - 1;
            QVERIFY(!w.lesson()->steps[recap].checks.isEmpty());
            QVERIFY(w.openStep(w.currentLesson(), recap));
            auto* box = w.stepView()->checkQuestions();
            QVERIFY(box->answers().value(0) == 0);
            QList<QRadioButton*> radios = box->findChildren<QRadioButton*>();
            radios.front()->setChecked(true); // question 1, choice 1
            box->check();
            QCOMPARE(w.progress()->checkAnswer(id, recap + 1, 1), std::optional<int>(1));
        }
        options.step = recap + 1;
        MainWindow again(options);
        QCOMPARE(again.currentStep(), recap);
        QCOMPARE(again.stepView()->checkQuestions()->answers().value(0), 1);
    }

    void mashingControlsAndRunStopDoesNotCrash() {
        MainWindow w(cli::GuiOptions{});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        lessons::Step step = experiment_step(EngineKind::Threads, WorkloadKind::Cpu, 2);
        w.lab()->setStep(step);
        auto* rng = QRandomGenerator::global();
        QElapsedTimer clock;
        clock.start();
        int actions = 0;
        while (clock.elapsed() < 8000) {
            switch (rng->bounded(9)) {
            case 0:
            case 1:
                w.lab()->run();
                break;
            case 2:
                w.lab()->stop();
                break;
            case 3:
                if (auto* s = qobject_cast<QSlider*>(w.lab()->controls()->editor("tasks")))
                    s->setValue(rng->bounded(s->maximum() + 1));
                break;
            case 4:
                if (auto* c = qobject_cast<QComboBox*>(w.lab()->controls()->editor("engine")))
                    c->setCurrentIndex(rng->bounded(c->count()));
                break;
            case 5:
                if (auto* s = qobject_cast<QSlider*>(w.lab()->controls()->editor("switch_interval_ms")))
                    s->setValue(rng->bounded(s->maximum() + 1));
                break;
            case 6:
                w.lab()->resetControls();
                break;
            case 7:
                QTest::keyClick(&w, rng->bounded(2) ? Qt::Key_Space : Qt::Key_Escape);
                break;
            case 8:
                // Leave the step and come back: runs of a step no longer shown are dropped.
                w.lab()->setStep(step);
                break;
            }
            ++actions;
            QTest::qWait(rng->bounded(60));
        }
        w.lab()->stop();
        QVERIFY(wait_idle(w, 10'000));
        qInfo("%d random actions", actions);
        w.lab()->run(); // still works after all that
        QVERIFY(wait_idle(w));
        QVERIFY(!w.lab()->controller()->trace().events.empty());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
