// The editor inside the window: Run in Python goes through the python engine and the lab's run
// controller, so the edited program's threads appear as lanes on the lab's timeline; "Run both" runs
// the step's engine experiment and the real program and pins them side by side with a fidelity note.
#include "classroom/classroom_controller.h"
#include "classroom/compare_window.h"
#include "classroom/run_both.h"
#include "editor/code_editor.h"
#include "editor/code_panel.h"
#include "editor/code_store.h"
#include "editor/output_pane.h"
#include "editor/step_code.h"
#include "gui/lab_panel.h"
#include "gui/lesson_navigator_model.h"
#include "gui/main_window.h"
#include "gui/run_controller.h"
#include "gui/step_view.h"
#include "plots/timeline_view.h"
#include "test_settings.h"

#include <QAction>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTreeView>
#include <QtTest>

using namespace clab;

namespace {
constexpr int kRunMs = 120'000;

bool have_python() {
    return !QStandardPaths::findExecutable(QStringLiteral("python3")).isEmpty();
}

// Two named threads that each do a little work: their lanes must show up.
const char* const kTwoThreads = R"(import threading

def work():
    total = 0
    for i in range(300_000):
        total += i

threads = [threading.Thread(target=work, name=f"edited-{i}") for i in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("both threads done")
)";

std::unique_ptr<MainWindow> open_window(const QString& lesson, int step) {
    cli::GuiOptions options;
    options.lesson = lesson;
    options.step = step;
    auto window = std::make_unique<MainWindow>(options);
    window->resize(1280, 720);
    return window;
}

// CLAB_SHOT_DIR=DIR saves what the student sees (README screenshots); nothing else changes.
void shoot(QWidget& widget, const QString& name) {
    const QString dir = qEnvironmentVariable("CLAB_SHOT_DIR");
    if (dir.isEmpty()) return;
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    QTest::qWait(300); // queued replots
    QVERIFY(widget.grab().save(dir + QLatin1Char('/') + name));
    // CLAB_SHOT_HOLD_MS keeps it on screen a while, for a whole-screen capture on a real X server
    // (../shared/tools/screenshot): an offscreen grab alone can hide a layout problem.
    QTest::qWait(qEnvironmentVariableIntValue("CLAB_SHOT_HOLD_MS"));
}

editor::CodePanel* first_panel(MainWindow& w) {
    const auto panels = w.stepView()->code()->panels();
    return panels.isEmpty() ? nullptr : panels.first();
}
} // namespace

class TestEditorLab : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }
    void init() { QSettings().clear(); }

    void editedCodeIsDrawnOnTheLabsTimeline() {
        if (!have_python()) QSKIP("python3 is not installed");
        auto w = open_window(QStringLiteral("gil"), 1);
        editor::CodePanel* panel = first_panel(*w);
        QVERIFY(panel);
        QCOMPARE(panel->runController(), w->lab()->controller()); // the lab's: one timeline for both
        panel->editor()->setPlainText(QString::fromUtf8(kTwoThreads));
        QSignalSpy finished(panel, &editor::CodePanel::runFinished);
        QSignalSpy lab_finished(w->lab(), &gui::LabPanel::runFinished);
        panel->findChild<QPushButton*>(QStringLiteral("runInPython"))->click();
        QVERIFY(panel->isRunning());
        QVERIFY(finished.wait(kRunMs));
        QCOMPARE(lab_finished.count(), 1);
        const Summary& summary = w->lab()->controller()->lastSummary();
        QCOMPARE(summary.spec.engine, EngineKind::Python);
        QVERIFY2(summary.completed, summary.error.c_str());
        QCOMPARE(summary.speedup, 0.0); // a real program has no sequential baseline
        QVERIFY(!w->lab()->busy());
        QStringList threads;
        for (const LaneInfo& lane : w->lab()->controller()->trace().lanes)
            if (lane.kind == LaneKind::Thread) threads << QString::fromStdString(lane.name);
        QVERIFY2(threads.contains(QStringLiteral("edited-0")) && threads.contains(QStringLiteral("edited-1")),
                 qPrintable(threads.join(QStringLiteral(", "))));
        QVERIFY(panel->output()->text().contains(QStringLiteral("both threads done")));
        QVERIFY(panel->output()->status().contains(QStringLiteral("Exit status 0")));
        shoot(*w, QStringLiteral("editor-run-in-python.png"));
    }

    void theInterpreterIsShownInTheRunMenu() {
        // The setting, where settings are: Run ▸ Python interpreter… names the version and the GIL.
        if (!have_python()) QSKIP("python3 is not installed");
        auto w = open_window(QStringLiteral("gil"), 1);
        auto* action = w->findChild<QAction*>(QStringLiteral("chooseInterpreterAction"));
        QVERIFY(action);
        // The interpreter answers in the background (the window does not wait for it).
        QTRY_VERIFY2_WITH_TIMEOUT(action->text().contains(QStringLiteral("python3 · Python 3.")),
                                  qPrintable(action->text()), 60'000); // a hang guard: python3 at nice 10 on a busy machine
        QVERIFY(action->text().contains(QStringLiteral("GIL")) ||
                action->text().contains(QStringLiteral("free-threaded")));
        const QString label = first_panel(*w)->findChild<QLabel*>(QStringLiteral("interpreter"))->text();
        QVERIFY(action->text().contains(label)); // the same words as next to the editor
    }

    void theLabsRunReplacesARunningProgramCleanly() {
        if (!have_python()) QSKIP("python3 is not installed");
        auto w = open_window(QStringLiteral("gil"), 1);
        editor::CodePanel* panel = first_panel(*w);
        QVERIFY(panel);
        panel->editor()->setPlainText(QStringLiteral("import time\ntime.sleep(30)\n"));
        QSignalSpy finished(panel, &editor::CodePanel::runFinished);
        panel->runInPython();
        QVERIFY(panel->isRunning());
        w->lab()->run(); // the engine's Run while the program runs: the program is stopped
        QCOMPARE(finished.count(), 1);
        QVERIFY(!panel->isRunning());
        QVERIFY(panel->output()->status().contains(QStringLiteral("another run")));
        w->lab()->stop();
        QVERIFY(QTest::qWaitFor([&] { return !w->lab()->busy(); }, 5000));
    }

    void theLabsRunOfAPythonStepFillsTheOutputPane() {
        // An `engine: python` step: the lab's Run runs the lesson's snippet, and the snippet's
        // editor shows its output and ending as Run in Python would.
        if (!have_python()) QSKIP("python3 is not installed");
        auto w = open_window(QStringLiteral("structured-asyncio"), 2);
        QCOMPARE(w->lesson()->steps[w->currentStep()].spec.engine, EngineKind::Python);
        editor::CodePanel* panel = first_panel(*w);
        QVERIFY(panel);
        QSignalSpy finished(panel, &editor::CodePanel::runFinished);
        w->lab()->run();
        QVERIFY(panel->isRunning());
        QVERIFY(finished.wait(kRunMs));
        QVERIFY(!panel->isRunning());
        QVERIFY2(panel->output()->text().contains(QStringLiteral("timeout after")),
                 qPrintable(panel->output()->text()));
        QVERIFY(panel->output()->text().contains(QStringLiteral("task.cancelled() = True")));
        QVERIFY2(panel->output()->status().contains(QStringLiteral("Exit status 0")),
                 qPrintable(panel->output()->status()));
        // Edited code: the lab's Run still runs the lesson's, and the pane says so.
        panel->editor()->setPlainText(panel->editor()->toPlainText() + QStringLiteral("\nprint('mine')\n"));
        w->lab()->run();
        QVERIFY(finished.wait(kRunMs));
        QVERIFY(!panel->output()->text().contains(QStringLiteral("mine")));
        QVERIFY(panel->output()->status().contains(QStringLiteral("lesson's code")));
    }

    void solvedExercisesCountInTheNavigatorUntilProgressIsReset() {
        if (!have_python()) QSKIP("python3 is not installed");
        auto w = open_window(QStringLiteral("race-conditions"), 1);
        // The step of lesson 8 with the exercise.
        int step = -1;
        for (int s = 0; s < w->lesson()->steps.size() && step < 0; ++s)
            if (!w->lesson()->steps[s].exercises.isEmpty()) step = s;
        QVERIFY(step >= 0);
        QVERIFY(w->openStep(w->currentLesson(), step));
        const QModelIndex lesson_row = w->navigatorModel()->indexOf(w->currentLesson());
        const QModelIndex step_row = w->navigatorModel()->indexOf(w->currentLesson(), step);
        QCOMPARE(step_row.data(gui::LessonNavigatorModel::ExercisesRole).toInt(), 1);
        QCOMPARE(step_row.data(gui::LessonNavigatorModel::SolvedRole).toInt(), 0);
        QVERIFY(step_row.data().toString().contains(QStringLiteral("0/1 solved")));
        editor::CodePanel* exercise = w->stepView()->code()->panels().last();
        exercise->editor()->setPlainText(w->lesson()->steps[step].exercises[0].solution);
        QSignalSpy solved(exercise, &editor::CodePanel::solved);
        exercise->runInPython();
        QVERIFY(solved.wait(kRunMs));
        QCOMPARE(step_row.data(gui::LessonNavigatorModel::SolvedRole).toInt(), 1);
        QCOMPARE(lesson_row.data(gui::LessonNavigatorModel::SolvedRole).toInt(), 1);
        QVERIFY(step_row.data().toString().contains(QStringLiteral("1/1 solved")));
        QVERIFY(
            lesson_row.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Exercises solved: 1 of 1")));
        // Still solved in a new window (kept in the settings).
        auto again = open_window(QStringLiteral("race-conditions"), step + 1);
        QCOMPARE(again->navigatorModel()
                     ->indexOf(again->currentLesson(), step)
                     .data(gui::LessonNavigatorModel::SolvedRole)
                     .toInt(),
                 1);
        again.reset();
        // Resetting the lesson's progress clears the mark; the student's code stays.
        w->resetProgress(false);
        QCOMPARE(step_row.data(gui::LessonNavigatorModel::SolvedRole).toInt(), 0);
        QCOMPARE(w->stepView()->code()->panels().last()->editor()->toPlainText(),
                 w->lesson()->steps[step].exercises[0].solution);
    }

    void runBothPinsTheEngineAndPythonSideBySide() {
        if (!have_python()) QSKIP("python3 is not installed");
        auto w = open_window(QStringLiteral("gil"), 1);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        editor::CodePanel* panel = first_panel(*w);
        QVERIFY(panel);
        auto* both_button = panel->findChild<QPushButton*>(QStringLiteral("runBoth"));
        QVERIFY(both_button && both_button->isVisible());
        auto* both = w->findChild<classroom::RunBoth*>(QStringLiteral("runBoth"));
        auto* classroom = w->findChild<classroom::ClassroomController*>(QStringLiteral("classroom"));
        QVERIFY(both && classroom);
        // A smaller count than the lesson's, so the test stays short; the engine runs the step as written.
        QString code = panel->editor()->toPlainText();
        code.replace(QStringLiteral("10_000_000"), QStringLiteral("1_000_000"));
        panel->editor()->setPlainText(code);
        QSignalSpy done(both, &classroom::RunBoth::finished);
        both_button->click();
        QVERIFY(both->running());
        QVERIFY(done.wait(kRunMs));
        QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
        const QString note = done.first().at(1).toString();
        QCOMPARE(classroom->pinned()->rowCount(), 2);
        QCOMPARE(classroom->pinned()->run(0)->spec.engine, EngineKind::Threads);
        QCOMPARE(classroom->pinned()->run(1)->spec.engine, EngineKind::Python);
        QVERIFY(note.contains(QStringLiteral("Wall time: threads")));
        QVERIFY(note.contains(QStringLiteral("python3")));
        QVERIFY(note.contains(QStringLiteral("engine/python3")));
        QCOMPARE(panel->fidelityNote(), note);
        auto* compare = w->findChild<classroom::CompareWindow*>();
        QVERIFY(compare && compare->isVisible());
        QCOMPARE(compare->note()->text(), note);
        QCOMPARE(compare->timelines().size(), 2);
        qDebug().noquote() << note;
        shoot(*w, QStringLiteral("run-both-window.png"));
        compare->resize(1280, 720);
        compare->show();
        QTest::qWait(300);
        for (QWidget* timeline : compare->timelines()) // as tst_compare_window does before a grab
            qobject_cast<plots::TimelineView*>(timeline)->replot_now();
        shoot(*compare, QStringLiteral("run-both-compare.png"));
    }
};

QTEST_MAIN(TestEditorLab)
#include "tst_editor_lab.moc"
