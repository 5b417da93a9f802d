// The code editor: Tab, font size, undo; edits kept per step and reset; a real python3 run shows
// its output, a syntax error marks its line before anything runs, a traceback marks the failing
// line; an exercise fails with its starting code and passes with its reference solution.
#include "core/builtin_engines.h"
#include "editor/code_editor.h"
#include "editor/code_panel.h"
#include "editor/code_store.h"
#include "editor/fidelity.h"
#include "editor/interpreter_setting.h"
#include "editor/output_pane.h"
#include "editor/program_run.h"
#include "editor/python_check.h"
#include "editor/step_code.h"
#include "lessons/exercise_block.h"
#include "lessons/lesson_parser.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QLayout>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

using namespace clab;
using namespace clab::editor;

namespace {
bool have_python() {
    return !QStandardPaths::findExecutable(QStringLiteral("python3")).isEmpty();
}

// Runs the panel's code and waits for the run to end.
lessons::ProgramRun run(CodePanel& panel) {
    QSignalSpy spy(&panel, &CodePanel::runFinished);
    panel.runInPython();
    if (!spy.wait(60'000)) return {};
    return spy.first().first().value<lessons::ProgramRun>();
}
} // namespace

Q_DECLARE_METATYPE(clab::lessons::ProgramRun)

class TestEditor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        qRegisterMetaType<lessons::ProgramRun>();
        register_builtin_engines(); // Run in Python runs on the python engine
    }

    void tabIsFourSpacesAndUndoWorks() {
        CodeEditor editor;
        editor.setPlainText(QStringLiteral("x = 1"));
        QTextCursor cursor = editor.textCursor();
        cursor.movePosition(QTextCursor::Start);
        editor.setTextCursor(cursor);
        QTest::keyClick(&editor, Qt::Key_Tab);
        QCOMPARE(editor.toPlainText(), QStringLiteral("    x = 1"));
        QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(editor.toPlainText(), QStringLiteral("x = 1"));
        QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(editor.toPlainText(), QStringLiteral("    x = 1"));
    }

    void editsAreKeptPerStepAndResetForgetsThem() {
        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("code.ini"));
        {
            CodeStore store(ini);
            store.setSnippet(QStringLiteral("gil"), 2, 0, QStringLiteral("print(2)\n"),
                             QStringLiteral("print(1)\n"));
            store.setSnippet(QStringLiteral("gil"), 3, 0, QStringLiteral("print(3)\n"),
                             QStringLiteral("print(1)\n"));
            store.markSolved(QStringLiteral("gil"), 2, 0, QStringLiteral("ok"));
            store.sync();
        }
        CodeStore store(ini); // a new session
        QCOMPARE(store.snippet(QStringLiteral("gil"), 2, 0).value_or(QString()),
                 QStringLiteral("print(2)\n"));
        QVERIFY(!store.snippet(QStringLiteral("gil"), 2, 1));
        QCOMPARE(store.solvedCount(QStringLiteral("gil")), 1);
        store.resetStep(QStringLiteral("gil"), 2);
        QVERIFY(!store.snippet(QStringLiteral("gil"), 2, 0));
        QCOMPARE(store.solvedCount(QStringLiteral("gil")), 0);
        QVERIFY(store.snippet(QStringLiteral("gil"), 3, 0)); // other steps keep theirs
        // Code equal to the lesson's is not an edit.
        store.setSnippet(QStringLiteral("gil"), 3, 0, QStringLiteral("print(1)\n"),
                         QStringLiteral("print(1)\n"));
        QVERIFY(!store.snippet(QStringLiteral("gil"), 3, 0));
    }

    void panelKeepsEditsAndResetRestoresTheLessonsCode() {
        QTemporaryDir dir;
        CodeStore store(dir.filePath(QStringLiteral("code.ini")));
        const QString original = QStringLiteral("print('hello')\n");
        {
            CodePanel panel(&store);
            panel.setSnippet(QStringLiteral("gil"), 1, 0, original);
            QCOMPARE(panel.editor()->toPlainText(), original);
            panel.editor()->setPlainText(QStringLiteral("print('changed')\n"));
        }
        CodePanel panel(&store);
        panel.setSnippet(QStringLiteral("gil"), 1, 0, original);
        QCOMPARE(panel.editor()->toPlainText(), QStringLiteral("print('changed')\n"));
        panel.findChild<QPushButton*>(QStringLiteral("resetCode"))->click();
        QCOMPARE(panel.editor()->toPlainText(), original);
        QVERIFY(!store.snippet(QStringLiteral("gil"), 1, 0));
    }

    void runShowsOutputAndTracebackMarksTheLine() {
        if (!have_python()) QSKIP("python3 is not installed");
        QTemporaryDir dir;
        CodeStore store(dir.filePath(QStringLiteral("code.ini")));
        CodePanel panel(&store);
        panel.setSnippet(QStringLiteral("t"), 1, 0,
                         QStringLiteral("import sys\nprint('before')\n\nraise ValueError('boom')\n"));
        const lessons::ProgramRun result = run(panel);
        QCOMPARE(result.exit_status, 1);
        QVERIFY(panel.output()->text().contains(QStringLiteral("before")));
        QVERIFY(panel.output()->text().contains(QStringLiteral("ValueError: boom")));
        QVERIFY(panel.output()->status().contains(QStringLiteral("Exit status 1")));
        QCOMPARE(panel.editor()->markedLine(), 4);
        QCOMPARE(panel.editor()->textCursor().blockNumber(), 3);
    }

    void outputShowsAsItComesWhileTheProgramRuns() {
        // The program prints a line, then waits until the test has seen that line in the pane (a
        // file the test creates), then prints another: the first line must show while it runs.
        if (!have_python()) QSKIP("python3 is not installed");
        QTemporaryDir dir;
        CodeStore store(dir.filePath(QStringLiteral("code.ini")));
        CodePanel panel(&store);
        const QString go = dir.filePath(QStringLiteral("go"));
        panel.setSnippet(QStringLiteral("t"), 1, 0,
                         QStringLiteral("import os, sys, time\n"
                                        "print('first line é')\n"
                                        "print('to stderr', file=sys.stderr)\n"
                                        "deadline = time.monotonic() + 30\n"
                                        "while not os.path.exists(%1) and time.monotonic() < deadline:\n"
                                        "    time.sleep(0.01)\n"
                                        "print('second line')\n")
                             .arg(QStringLiteral("'%1'").arg(go)));
        QSignalSpy finished(&panel, &CodePanel::runFinished);
        panel.runInPython();
        QVERIFY(panel.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(panel.output()->text().contains(QStringLiteral("to stderr")), 20'000);
        QVERIFY(panel.output()->text().contains(QStringLiteral("first line é")));
        QVERIFY(panel.isRunning());
        QCOMPARE(finished.count(), 0);
        QVERIFY(!panel.output()->text().contains(QStringLiteral("second line")));
        QFile(go).open(QIODevice::WriteOnly);
        QVERIFY(finished.wait(20'000));
        const QString text = panel.output()->text();
        QVERIFY(text.contains(QStringLiteral("second line")));
        // What streamed is not added again at the end.
        QCOMPARE(text.count(QStringLiteral("first line é")), 1);
        QCOMPARE(text.count(QStringLiteral("to stderr")), 1);
        QVERIFY(panel.output()->status().contains(QStringLiteral("Exit status 0")));
    }

    void threadsAliveAtOnceAreCountedFromTheRecordedStartsAndExits() {
        // Three threads alive together, then two more one after the other: at most 3 at once.
        if (!have_python()) QSKIP("python3 is not installed");
        const lessons::ProgramRun run =
            run_program(QStringLiteral("import threading\n"
                                       "go = threading.Event()\n"
                                       "ts = [threading.Thread(target=go.wait) for _ in range(3)]\n"
                                       "for t in ts: t.start()\n"
                                       "go.set()\n"
                                       "for t in ts: t.join()\n"
                                       "for _ in range(2):\n"
                                       "    t = threading.Thread(target=print, args=('x',))\n"
                                       "    t.start(); t.join()\n"),
                        60);
        QCOMPARE(run.exit_status, 0);
        QVERIFY(run.figures.contains(QStringLiteral("max_threads_alive")));
        QCOMPARE(run.figures.value(QStringLiteral("max_threads_alive")), 3.0);
        // A check on it, as an exercise states it.
        QString error;
        const auto check = lessons::parse_exercise_check(QStringLiteral("max_threads_alive < 3"), error);
        QVERIFY2(check, qPrintable(error));
        lessons::Exercise exercise;
        exercise.checks.append(*check);
        const lessons::ExerciseResult result = lessons::check_exercise(exercise, run, nullptr);
        QVERIFY(!result.passed);
        QVERIFY2(result.toString().contains(QStringLiteral("measured 3")), qPrintable(result.toString()));
    }

    void syntaxErrorMarksItsLineAndNothingRuns() {
        if (!have_python()) QSKIP("python3 is not installed");
        QTemporaryDir dir;
        CodeStore store(dir.filePath(QStringLiteral("code.ini")));
        CodePanel panel(&store);
        panel.setSnippet(QStringLiteral("t"), 1, 0,
                         QStringLiteral("print('must not run')\nfor i in range(3)\n    print(i)\n"));
        QSignalSpy spy(&panel, &CodePanel::runFinished);
        panel.runInPython();
        QCOMPARE(panel.editor()->markedLine(), 2);
        QVERIFY(panel.output()->status().contains(QStringLiteral("SyntaxError")));
        QVERIFY(!panel.isRunning());
        QVERIFY(!spy.wait(300));
        QVERIFY(!panel.output()->text().contains(QStringLiteral("must not run")));
    }

    void stopEndsTheWholeTreeQuickly() {
        if (!have_python()) QSKIP("python3 is not installed");
        QTemporaryDir dir;
        CodeStore store(dir.filePath(QStringLiteral("code.ini")));
        CodePanel panel(&store);
        const QString marker = dir.filePath(QStringLiteral("group"));
        // A child process that ignores SIGTERM and a busy thread: Stop must still end both.
        panel.setSnippet(
            QStringLiteral("t"), 1, 0,
            QStringLiteral("import os, signal, threading, time\n"
                           "if os.fork() == 0:\n"
                           "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                           "    while True: pass\n"
                           "threading.Thread(target=lambda: [0 for _ in iter(int, 1)], daemon=True).start()\n"
                           "open(%1, 'w').write(str(os.getpgrp()))\n"
                           "time.sleep(60)\n")
                .arg(QStringLiteral("'%1'").arg(marker)));
        QSignalSpy finished(&panel, &CodePanel::runFinished);
        panel.runInPython();
        QVERIFY(panel.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(marker).size() > 0, 20'000);
        QFile file(marker);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const qint64 group = file.readAll().toLongLong();
        QVERIFY(group > 0);
        QElapsedTimer clock;
        clock.start();
        panel.findChild<QPushButton*>(QStringLiteral("stopPython"))->click();
        QVERIFY(finished.count() == 1 || finished.wait(20'000)); // a safety net against a hang only
        qDebug() << "stopped in" << clock.elapsed() << "ms";
        const lessons::ProgramRun run = finished.first().first().value<lessons::ProgramRun>();
        QCOMPARE(run.problem, QStringLiteral("stopped"));
        QVERIFY(!panel.isRunning());
        // Nothing of the group is left (the forked child was reparented, then killed with it).
        QTRY_VERIFY_WITH_TIMEOUT(::kill(-pid_t(group), 0) != 0, 20'000);
    }

    void exerciseFailsWithStartAndPassesWithSolution() {
        if (!have_python()) QSKIP("python3 is not installed");
        lessons::Exercise exercise;
        QString error;
        exercise.task = QStringLiteral("print 6");
        exercise.start = QStringLiteral("print(2 + 3)\n");
        exercise.solution = QStringLiteral("print(2 * 3)\n");
        exercise.checks.append(*lessons::parse_exercise_check(QStringLiteral("output contains 6"), error));
        exercise.checks.append(*lessons::parse_exercise_check(QStringLiteral("exit_status == 0"), error));
        QTemporaryDir dir;
        CodeStore store(dir.filePath(QStringLiteral("code.ini")));
        CodePanel panel(&store);
        QSignalSpy solved(&panel, &CodePanel::solved);
        panel.setExercise(QStringLiteral("t"), 1, 0, exercise);
        QCOMPARE(panel.editor()->toPlainText(), exercise.start);
        run(panel);
        QVERIFY(panel.lastResult());
        QVERIFY(!panel.lastResult()->passed);
        QVERIFY(panel.output()->text().contains(QStringLiteral("✗ output contains 6")));
        QVERIFY(!store.solved(QStringLiteral("t"), 1, 0));
        panel.editor()->setPlainText(exercise.solution);
        run(panel);
        // CLAB_SHOT_DIR=DIR saves what the student sees (README screenshots), nothing else changes.
        if (const QString shots = qEnvironmentVariable("CLAB_SHOT_DIR"); !shots.isEmpty()) {
            panel.resize(900, 560);
            panel.show();
            QVERIFY(QTest::qWaitForWindowExposed(&panel));
            QVERIFY(panel.grab().save(shots + QStringLiteral("/editor-exercise.png")));
        }
        QVERIFY2(panel.lastResult()->passed, qPrintable(panel.lastResult()->toString()));
        QCOMPARE(solved.count(), 1);
        QVERIFY(store.solved(QStringLiteral("t"), 1, 0));
        QCOMPARE(store.solvedCount(QStringLiteral("t")), 1);
    }

    void editorFollowsTheWindowsFontSize() {
        // Presenter mode and View → Zoom make the window's font larger: the editor and its output
        // follow (tst_window_zoom: Ctrl+= in the editor zooms the whole window).
        QWidget window;
        QFont desk = window.font();
        desk.setPointSize(10);
        window.setFont(desk);
        QTemporaryDir dir;
        CodeStore store(dir.filePath(QStringLiteral("code.ini")));
        auto* panel = new CodePanel(&store, &window);
        panel->setSnippet(QStringLiteral("t"), 1, 0, QStringLiteral("print(1)\n"));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(panel->editor()->font().pointSize(), 10);
        QFont presenter = desk;
        presenter.setPointSize(18);
        window.setFont(presenter);
        QCOMPARE(panel->editor()->font().pointSize(), 18);
        QVERIFY(panel->editor()->font().fixedPitch() ||
                panel->editor()->font().styleHint() == QFont::Monospace ||
                QFontInfo(panel->editor()->font()).fixedPitch());
        const auto* output = panel->output()->findChild<QPlainTextEdit*>();
        QVERIFY(output);
        QCOMPARE(output->font().pointSize(), 18);
        window.setFont(desk);
        QCOMPARE(panel->editor()->font().pointSize(), 10);
    }

    void snippetIsShownOnceInItsEditor() {
        const QString markdown =
            QStringLiteral("Intro.\n\n```python\nprint(1)\n```\n\nMiddle.\n\n```text\nkeep "
                           "me\n```\n\n```python\nprint(2)\n```\nEnd.");
        const QString text = StepCode::textWithoutSnippets(markdown);
        QVERIFY(!text.contains(QStringLiteral("print(1)")));
        QVERIFY(!text.contains(QStringLiteral("print(2)")));
        QVERIFY(text.contains(QStringLiteral("keep me"))); // other code blocks stay
        QVERIFY(text.contains(QStringLiteral("“Code 1”")));
        QVERIFY(text.contains(QStringLiteral("“Code 2”")));
        QVERIFY(text.startsWith(QStringLiteral("Intro.")) && text.endsWith(QStringLiteral("End.")));
        const QString one = StepCode::textWithoutSnippets(QStringLiteral("```python\nx = 1\n```"));
        QVERIFY(one.contains(QStringLiteral("“Code”")));
    }

    void interpreterIsValidatedAndRemembered() {
        if (!have_python()) QSKIP("python3 is not installed");
        QTemporaryDir dir;
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("ConcurrencyLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_editor"));
        QSettings().clear();
        QString error;
        const auto version = interpreter_version(QString(), error);
        QVERIFY2(version && version->startsWith(QStringLiteral("Python 3.")), qPrintable(error));
        QVERIFY(!interpreter_version(QStringLiteral("/no/such/python"), error));
        QVERIFY(error.contains(QStringLiteral("not an executable")));
        // A file that runs but is no python: refused with what it answered.
        QVERIFY(!interpreter_version(QStringLiteral("/bin/true"), error));
        QVERIFY(error.contains(QStringLiteral("not Python 3")));
        QVERIFY(interpreters_on_path().contains(QStringLiteral("python3")));

        CodeStore store(dir.filePath(QStringLiteral("code.ini")));
        CodePanel panel(&store);
        InterpreterDialog dialog(&panel);
        // The verdict says what the editor shows: name, version, and GIL or free-threaded.
        QVERIFY2(dialog.verdict()->text().startsWith(QStringLiteral("✓ python3 · Python 3.")),
                 qPrintable(dialog.verdict()->text()));
        QVERIFY(dialog.verdict()->text().endsWith(QStringLiteral("GIL")) ||
                dialog.verdict()->text().contains(QStringLiteral("free-threaded")));
        dialog.choice()->setEditText(QStringLiteral("/bin/true"));
        QVERIFY(!dialog.apply()); // a bad choice is not saved
        QVERIFY(dialog.verdict()->text().startsWith(QStringLiteral("✗")));
        QCOMPARE(saved_interpreter(), QString());
        const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
        dialog.choice()->setEditText(python);
        QVERIFY(dialog.apply());
        QCOMPARE(saved_interpreter(), python);
        auto* label = panel.findChild<QLabel*>(QStringLiteral("interpreter"));
        QVERIFY(label->text().startsWith(python)); // every editor follows the new choice
        CodePanel later(&store);                   // and a new one starts with it
        QVERIFY(later.findChild<QLabel*>(QStringLiteral("interpreter"))->text().startsWith(python));
        save_interpreter({});
        QVERIFY(label->text().startsWith(QStringLiteral("python3 · Python 3.")));
    }

    void interpreterIsDescribedInTheBackground() {
        // The window never waits for an interpreter: the answer comes later, to everyone who asked
        // meanwhile (one process per name), and not to a receiver that is gone.
        const QString missing = QStringLiteral("/no/such/python-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!known_interpreter_description(missing));
        QStringList answers;
        QObject here;
        auto* gone = new QObject;
        describe_interpreter(missing, &here, [&](const QString& d) { answers << d; });
        describe_interpreter(missing, &here, [&](const QString& d) { answers << d; });
        describe_interpreter(missing, gone,
                             [&](const QString& d) { answers << QStringLiteral("gone ") + d; });
        delete gone;
        QVERIFY(answers.isEmpty()); // not on the spot
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, 20'000);
        QCOMPARE(answers[0], answers[1]);
        QVERIFY2(answers[0].startsWith(QStringLiteral("no %1 found").arg(missing)), qPrintable(answers[0]));
        QCOMPARE(known_interpreter_description(missing), std::optional(answers[0]));
        describe_interpreter(missing, &here, [&](const QString& d) { answers << d; }); // known: at once
        QCOMPARE(answers.size(), 3);
        QTest::qWait(50);
        QCOMPARE(answers.size(), 3); // nothing more came, and nothing for the receiver that was gone

        if (!have_python()) return;
        QString python3;
        describe_interpreter(QString(), &here, [&](const QString& d) { python3 = d; });
        QTRY_VERIFY_WITH_TIMEOUT(!python3.isEmpty(), 20'000);
        QVERIFY2(python3.startsWith(QStringLiteral("python3 · Python 3.")), qPrintable(python3));
    }

    void interpreterLabelIsNotClippedAt1280x720() {
        if (!have_python()) QSKIP("python3 is not installed");
        QTemporaryDir dir;
        CodeStore store(dir.filePath(QStringLiteral("code.ini")));
        // At 1280×720 the step panel is about a third of the window wide.
        CodePanel panel(&store);
        panel.setSnippet(QStringLiteral("t"), 1, 0, QStringLiteral("print(1)\n"));
        panel.setRunBothAvailable(true);
        panel.resize(370, 360);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* label = panel.findChild<QLabel*>(QStringLiteral("interpreter"));
        QVERIFY(label->isVisible());
        // The whole description (it comes from the interpreter in the background), laid out.
        QTRY_VERIFY_WITH_TIMEOUT(label->text().contains(QStringLiteral(" · Python 3.")), 20'000);
        panel.layout()->activate();
        const QRect shown = label->geometry();
        QVERIFY(shown.right() <= panel.width());
        // The whole text fits in the label (it wraps rather than being cut off).
        QVERIFY2(label->heightForWidth(shown.width()) <= shown.height(),
                 qPrintable(QStringLiteral("%1 needs %2 px, has %3")
                                .arg(label->text())
                                .arg(label->heightForWidth(shown.width()))
                                .arg(shown.height())));
        // No button is squeezed below what its text needs, nor pushed out of the panel.
        const auto buttons_fit = [&] {
            for (const QPushButton* button : panel.findChildren<QPushButton*>()) {
                if (!button->isVisible()) continue;
                if (button->geometry().right() > panel.width() ||
                    button->width() < button->sizeHint().width())
                    return false;
            }
            return true;
        };
        QVERIFY(buttons_fit());
        lessons::Exercise exercise;
        exercise.task = QStringLiteral("Make it print 6.");
        exercise.start = QStringLiteral("print(5)\n");
        exercise.solution = QStringLiteral("print(6)\n");
        panel.setExercise(QStringLiteral("t"), 1, 0, exercise);
        QTest::qWait(50);
        QVERIFY(buttons_fit());
    }

    void pythonEngineRunInTheEditorsTerms() {
        // What a python-engine Summary means for the output pane and the exercise checks.
        Summary failed;
        failed.spec.engine = EngineKind::Python;
        failed.spec.timeout_s = 20;
        failed.completed = false;
        failed.wall_s = 0.2;
        failed.cpu_s = 0.1;
        failed.exit_code = 1;
        failed.program_stdout = "before\n";
        failed.program_stderr = "Traceback (most recent call last):\n"
                                "  File \"/tmp/clab-snippet-AbC123/snippet.py\", line 4, in <module>\n"
                                "    raise ValueError('boom')\nValueError: boom\n";
        failed.error = "/tmp/clab-snippet-AbC123/snippet.py:4: ValueError: boom";
        const lessons::ProgramRun run = program_run(failed);
        QCOMPARE(run.exit_status, 1);
        QVERIFY(run.problem.isEmpty()); // it ran; it failed
        QVERIFY(!run.timed_out);
        QCOMPARE(run.out, QStringLiteral("before\n"));
        QCOMPARE(run.figures.value(QStringLiteral("wall_s")), 0.2);
        QCOMPARE(run.figures.value(QStringLiteral("exit_code")), 1.0);
        QCOMPARE(program_traceback_line(run.err), 4);
        QCOMPARE(program_traceback_line(QStringLiteral("  File \"/usr/lib/x.py\", line 9\n")), 0);

        Summary stopped = failed;
        stopped.cancelled = true;
        stopped.error.clear();
        stopped.exit_code = -9;
        QCOMPARE(program_run(stopped).problem, QStringLiteral("stopped"));
        stopped.wall_s = 20.01;
        stopped.error = "stopped after the time limit of 20 s";
        QVERIFY(program_run(stopped).timed_out);

        Summary missing;
        missing.spec.engine = EngineKind::Python;
        missing.error = "no interpreter 'python9' found";
        QCOMPARE(program_run(missing).problem, QStringLiteral("no interpreter 'python9' found"));
    }

    void fidelityNoteSaysHowTheRunsDiffered() {
        Summary engine;
        engine.spec.engine = EngineKind::Threads;
        engine.completed = true;
        engine.wall_s = 2.0;
        engine.cpu_s = 2.0;
        engine.speedup = 0.98;
        engine.gil_switches = 400;
        Summary python = engine;
        python.spec.engine = EngineKind::Python;
        python.wall_s = 2.5;
        python.cpu_s = 2.4;
        python.speedup = 0;
        python.gil_switches = 300;
        const QString note = fidelity_note(engine, python, QStringLiteral("gil_switches"));
        QVERIFY2(note.contains(QStringLiteral("(engine/python3 0.80×)")), qPrintable(note)); // 2.0 / 2.5
        QVERIFY(note.contains(QStringLiteral("cores busy on average: engine 1.00, python3 0.96")));
        QVERIFY(note.contains(QStringLiteral("speedup: engine 0.98×")));
        QVERIFY(note.contains(QStringLiteral("python3 has none")));
        QVERIFY(note.contains(QStringLiteral("(engine/python3 1.33×)"))); // GIL switches 400 / 300
        // A figure the real run does not measure is left out rather than shown as 0.
        QVERIFY(
            !fidelity_note(engine, python, QStringLiteral("lost_updates")).contains(QStringLiteral("ost")));
    }

    void everyLessonStepWithCodeGetsEditors() {
        const auto parsed =
            lessons::parse_lesson_file(QStringLiteral(CLAB_SOURCE_LESSONS_DIR "/08-race-conditions.md"));
        QVERIFY(parsed.lesson);
        QTemporaryDir dir;
        CodeStore store(dir.filePath(QStringLiteral("code.ini")));
        StepCode code(nullptr, &store);
        int exercises = 0;
        for (int s = 0; s < parsed.lesson->steps.size(); ++s) {
            const auto& step = parsed.lesson->steps[s];
            QCOMPARE(code.setStep(*parsed.lesson, s),
                     !step.python_snippets.isEmpty() || !step.exercises.isEmpty());
            QCOMPARE(code.panels().size(), step.python_snippets.size() + step.exercises.size());
            exercises += int(step.exercises.size());
        }
        QCOMPARE(exercises, 1);
    }
};

QTEST_MAIN(TestEditor)
#include "tst_editor.moc"
