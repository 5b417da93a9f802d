// The "Be the scheduler" window on the shipped bytecode: the rule decides which Run buttons are
// enabled, step back then forward reaches the same state, a saved schedule replays to the same
// values, and Solve answers in words. The last test shows a solved puzzle for the README screenshot:
// for N seconds with CLAB_SCHEDULER_SHOW_SECONDS=N (a real display), or saved to
// CLAB_SCHEDULER_SCREENSHOT=FILE.png (the window's own rendering, any platform).
#include "cli/gui_options.h"
#include "core/builtin_engines.h"
#include "gui/main_window.h"
#include "sched/scheduler_window.h"

#include <QAction>
#include <QApplication>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using clab::sched_ui::SchedulerWindow;
namespace sched = clab::sched;

namespace {
SchedulerWindow::Options shipped(const char* puzzle, int minor = 11) {
    SchedulerWindow::Options o;
    o.puzzle = QString::fromLatin1(puzzle);
    o.shipped_minor = minor;
    return o;
}

QPushButton* run_button(SchedulerWindow& w, int worker) {
    return w.findChild<QPushButton*>(QStringLiteral("run%1").arg(worker + 1));
}
} // namespace

class TestScheduler : public QObject {
    Q_OBJECT
private slots:
    void theGilRuleOnlySwitchesAtEvalBreakerChecks() {
        SchedulerWindow w(shipped("inplace"));
        QVERIFY(w.machine());
        QCOMPARE(w.machine()->rule(), sched::Rule::Gil);
        QVERIFY(run_button(w, 0)->isEnabled());
        QVERIFY(run_button(w, 1)->isEnabled());
        QTest::mouseClick(run_button(w, 0), Qt::LeftButton); // RESUME: a switch point
        QVERIFY(run_button(w, 1)->isEnabled());
        // Up to and including thread 1's read of counter: now thread 2 must wait.
        while (!(w.machine()->next_instruction(w.state(), 0)->opname == "LOAD_GLOBAL" &&
                 w.machine()->next_instruction(w.state(), 0)->argval.as_string() == "counter"))
            QVERIFY(w.runWorker(0));
        QVERIFY(w.runWorker(0));
        QVERIFY(!run_button(w, 1)->isEnabled());
        QVERIFY(!w.runWorker(1));
        // Under "any instruction" it may.
        w.selectRule(sched::Rule::Any);
        QVERIFY(w.history().empty()); // a new rule starts over
        QVERIFY(w.runWorker(0));
        QVERIFY(w.runWorker(1));
    }

    void stepBackThenForwardIsTheSameState() {
        SchedulerWindow w(shipped("call", 12));
        for (int i = 0; i < 7; ++i)
            QVERIFY(w.runWorker(0));
        const sched::State before = w.state();
        QVERIFY(w.runWorker(0));
        const sched::State after = w.state();
        w.stepBack();
        QVERIFY(w.state() == before);
        QCOMPARE(w.history().size(), size_t(7));
        QVERIFY(w.runWorker(0));
        QVERIFY(w.state() == after);
    }

    void savedScheduleReplaysToTheSameValues() {
        SchedulerWindow w(shipped("call"));
        w.solve();
        QVERIFY(w.solutionText().contains(QStringLiteral("A schedule reaches the goal")));
        QVERIFY(w.solutionText().contains(QStringLiteral("update(s) lost")));
        // Walk the solver's schedule by hand, save it, load it into another window.
        for (int step : [&] {
                 sched::SolveResult r = sched::solve(*w.machine());
                 return r.schedule;
             }())
            QVERIFY(w.runWorker(step));
        QVERIFY(w.machine()->goal_reached(w.state()));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lost.json"));
        QString error;
        QVERIFY2(w.saveSchedule(path, &error), qPrintable(error));
        SchedulerWindow other(shipped("inplace", 13)); // another puzzle and version: the file says which
        QVERIFY2(other.loadSchedule(path, &error), qPrintable(error));
        QCOMPARE(other.puzzleId(), QStringLiteral("call"));
        QVERIFY(other.state() == w.state());
        QCOMPARE(other.goalText(), w.goalText());
        QVERIFY(other.goalText().contains(QStringLiteral("counter = 3")));
        // A file that is not a schedule is refused with a message, nothing changes.
        QFile bad(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"format\": \"something else\"}");
        bad.close();
        QVERIFY(!other.loadSchedule(bad.fileName(), &error));
        QVERIFY(error.contains(QStringLiteral("not a concurrency-lab schedule")));
        QVERIFY(other.state() == w.state());
    }

    void solveProvesTheImpossibleInWords() {
        SchedulerWindow w(shipped("inplace"));
        w.solve();
        const QString text = w.solutionText();
        QVERIFY2(text.contains(QStringLiteral("No schedule reaches the goal")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("with the GIL on 3.11")));
        QVERIFY(text.contains(QStringLiteral("no instruction between them checks the eval breaker")));
        SchedulerWindow d(shipped("fixed-order"));
        d.solve();
        QVERIFY(d.solutionText().contains(QStringLiteral("lock_a then lock_b")));
    }

    void deadlockAndAsyncPuzzlesReachTheirGoals() {
        for (const char* id : {"opposite-order", "async-check"}) {
            SchedulerWindow w(shipped(id));
            const sched::SolveResult r = sched::solve(*w.machine());
            QCOMPARE(r.outcome, sched::SolveResult::Outcome::Found);
            for (const int step : r.schedule)
                QVERIFY(w.runWorker(step));
            QVERIFY(w.machine()->goal_reached(w.state()));
            if (!w.machine()->puzzle().tasks) // deadlock: nobody can run
                for (int k = 0; k < 2; ++k)
                    QVERIFY(!run_button(w, k)->isEnabled());
        }
    }

    void theMainWindowOffersItOnRaceSteps() {
        QTemporaryDir settings;
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());
        QCoreApplication::setOrganizationName(QStringLiteral("ConcurrencyLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_scheduler"));
        clab::register_builtin_engines();
        clab::cli::GuiOptions options;
        options.lesson = QStringLiteral("gil");
        options.step = 1;
        clab::MainWindow main(options);
        auto* button = main.findChild<QToolButton*>(QStringLiteral("schedulerStepButton"));
        QVERIFY(button);
        main.show();
        QVERIFY(!button->isVisible());
        QVERIFY(main.openLesson(QStringLiteral("race-conditions"), 2));
        QTRY_VERIFY(button->isVisible());
        button->defaultAction()->trigger();
        auto* window = main.findChild<SchedulerWindow*>();
        QVERIFY(window);
        QCOMPARE(window->puzzleId(), QStringLiteral("call"));
        QCOMPARE(window->machine()->rule(), sched::Rule::Gil);
        window->close();
    }

    void showSolvedForScreenshot() {
        const int seconds = qEnvironmentVariableIntValue("CLAB_SCHEDULER_SHOW_SECONDS");
        const QString png = qEnvironmentVariable("CLAB_SCHEDULER_SCREENSHOT");
        if (seconds <= 0 && png.isEmpty())
            QSKIP("set CLAB_SCHEDULER_SHOW_SECONDS (a real display) or CLAB_SCHEDULER_SCREENSHOT=FILE.png");
        SchedulerWindow::Options o;
        o.lesson = QStringLiteral("race-conditions");
        o.step = 2;
        SchedulerWindow w(o);
        w.resize(1880, 1000);
        w.show();
        const sched::SolveResult r = sched::solve(*w.machine());
        // Up to the second switch: both threads inside one(), each holding the same old counter.
        int switches = 0;
        for (size_t i = 0; i < r.schedule.size(); ++i) {
            if (i > 0 && r.schedule[i] != r.schedule[i - 1] && ++switches == 2) break;
            w.runWorker(r.schedule[i]);
        }
        w.solve();
        if (!png.isEmpty()) {
            QTest::qWait(200);
            QVERIFY(w.grab().save(png));
        }
        QTest::qWait(seconds * 1000);
    }
};

QTEST_MAIN(TestScheduler)
#include "tst_scheduler.moc"
