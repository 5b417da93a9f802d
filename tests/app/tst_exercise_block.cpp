// The ```exercise block: parsed with its code and checks, every mistake reported on its line, and
// the checker's verdict on given runs (no interpreter needed here; tst_exercise_run runs python3).
#include "lesson_samples.h"
#include "lessons/exercise_block.h"
#include "lessons/exercise_checker.h"
#include "lessons/expectation.h"
#include "lessons/lesson_parser.h"

#include <QtTest>

using namespace clab::lessons;
using namespace lesson_samples;

namespace {

const char* const kExercise = R"(```exercise
task: Make the count right: protect the update with a lock.
hint: `with lock:` around `counter += 1`.
check: output contains counter = 200000
check: stdout matches ^counter = \d+$
check: exit_status == 0
check: wall_s / start.wall_s < 3
timeout_s: 15
--- start
import threading
counter = 0

--- solution
import threading
lock = threading.Lock()
```

## Side by side)";

QByteArray with_exercise(const char* exercise = kExercise) {
    return with("## Side by side", exercise);
}

// A variant of the exercise block with the first `from` replaced by `to`.
QByteArray exercise_with(const char* from, const char* to) {
    QByteArray block(kExercise);
    block.replace(block.indexOf(from), qsizetype(qstrlen(from)), to);
    return with("## Side by side", block.constData());
}

int line_of(const QByteArray& text, const QByteArray& marker) {
    return int(text.left(text.indexOf(marker)).count('\n')) + 1;
}

QString all_messages(const ParsedLesson& parsed) {
    QStringList lines;
    for (const LessonError& error : parsed.errors)
        lines.append(error.toString());
    return lines.join(QLatin1Char('\n'));
}

Exercise parsed_exercise() {
    const ParsedLesson parsed = parse_lesson(QStringLiteral("04-gil.md"), with_exercise());
    return parsed.lesson ? parsed.lesson->steps.first().exercises.value(0) : Exercise{};
}

} // namespace

class TestExerciseBlock : public QObject {
    Q_OBJECT
private slots:
    void readsEveryPart() {
        const QByteArray text = with_exercise();
        const ParsedLesson parsed = parse_lesson(QStringLiteral("04-gil.md"), text);
        QVERIFY2(parsed.errors.isEmpty(), qPrintable(all_messages(parsed)));
        const Step& step = parsed.lesson->steps.first();
        QCOMPARE(step.exercises.size(), 1);
        const Exercise& exercise = step.exercises.first();
        QCOMPARE(exercise.task, QStringLiteral("Make the count right: protect the update with a lock."));
        QCOMPARE(exercise.hint, QStringLiteral("`with lock:` around `counter += 1`."));
        QCOMPARE(exercise.start, QStringLiteral("import threading\ncounter = 0\n"));
        QCOMPARE(exercise.solution, QStringLiteral("import threading\nlock = threading.Lock()\n"));
        QCOMPARE(exercise.timeout_s, 15.0);
        QCOMPARE(exercise.line, line_of(text, "```exercise"));
        QCOMPARE(exercise.start_line, line_of(text, "--- start"));
        QCOMPARE(exercise.checks.size(), 4);
        QCOMPARE(exercise.checks[0].kind, ExerciseCheck::Kind::OutputContains);
        QCOMPARE(exercise.checks[0].stream, QStringLiteral("output"));
        QCOMPARE(exercise.checks[0].text, QStringLiteral("counter = 200000"));
        QCOMPARE(exercise.checks[1].kind, ExerciseCheck::Kind::OutputMatches);
        QCOMPARE(exercise.checks[2].kind, ExerciseCheck::Kind::ExitStatus);
        QCOMPARE(exercise.checks[3].kind, ExerciseCheck::Kind::Figure);
        QCOMPARE(exercise.checks[3].line, line_of(text, "check: wall_s"));
        QVERIFY(exercise.needs_start_run());
        // The block is data: neither its code nor its text is shown as the step's text.
        QVERIFY(!step.markdown.contains(QStringLiteral("lock = threading.Lock()")));
        QVERIFY(!step.python_snippets.join(QString()).contains(QStringLiteral("lock = threading.Lock()")));
    }

    void mistakes_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("marker");
        QTest::addColumn<QString>("message");
        QTest::newRow("no task") << exercise_with("task: Make", "tusk: Make") << QByteArray("tusk:")
                                 << "unknown key 'tusk'";
        QTest::newRow("bad check") << exercise_with("exit_status == 0", "exit_status is 0")
                                   << QByteArray("exit_status is") << "exit_status == N";
        QTest::newRow("unknown figure") << exercise_with("wall_s / start", "wal_s / start")
                                        << QByteArray("wal_s /") << "not a number of the run's summary";
        QTest::newRow("figure of another engine") << exercise_with("start.wall_s", "threads.wall_s")
                                                  << QByteArray("threads.wall_s") << "starting code";
        QTest::newRow("bad regex") << exercise_with("^counter = \\d+$", "(counter") << QByteArray("(counter")
                                   << "not a valid regular expression";
        QTest::newRow("no solution") << exercise_with("--- solution", "--- answer")
                                     << QByteArray("--- answer")
                                     << "'--- start' line, then one '--- solution'";
        QTest::newRow("empty start") << exercise_with("import threading\ncounter = 0\n", "")
                                     << QByteArray("--- start") << "starting code is empty";
        QTest::newRow("timeout out of range")
            << exercise_with("timeout_s: 15", "timeout_s: 0") << QByteArray("timeout_s: 0") << "timeout_s";
        QTest::newRow("no checks") << exercise_with("check: output contains counter = 200000\n"
                                                    "check: stdout matches ^counter = \\d+$\n"
                                                    "check: exit_status == 0\n"
                                                    "check: wall_s / start.wall_s < 3\n",
                                                    "")
                                   << QByteArray("```exercise") << "at least one 'check:'";
        QTest::newRow("in the recap")
            << with("```check\n", "```exercise\ntask: t\nhint: h\ncheck: exit_status == 0\n--- start\na = 1\n"
                                  "--- solution\na = 2\n```\n\n```check\n")
            << QByteArray("```exercise") << "not in the Recap";
    }

    void mistakes() {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, marker);
        QFETCH(QString, message);
        const ParsedLesson parsed = parse_lesson(QStringLiteral("04-gil.md"), text);
        QVERIFY(!parsed.lesson);
        bool found = false;
        for (const LessonError& error : parsed.errors)
            found = found || (error.message.contains(message) && error.line == line_of(text, marker));
        QVERIFY2(found, qPrintable(QStringLiteral("expected '%1' on line %2, got:\n%3")
                                       .arg(message)
                                       .arg(line_of(text, marker))
                                       .arg(all_messages(parsed))));
    }

    void equalsIsARangeOfOneValue() {
        QString error;
        const auto check = parse_exercise_check(QStringLiteral("slow_callbacks == 0"), error);
        QVERIFY2(check, qPrintable(error));
        QVERIFY(check->figure->holds(0));
        QVERIFY(!check->figure->holds(1));
    }

    void threadsAliveIsAnExerciseFigureOnly() {
        // An exercise may cap the threads alive at once; an experiment's expect: may not (the engines'
        // summaries do not have it), and the error names it.
        QString error;
        const auto check = parse_exercise_check(QStringLiteral("max_threads_alive 2..8"), error);
        QVERIFY2(check, qPrintable(error));
        QVERIFY(check->figure->holds(8));
        QVERIFY(!check->figure->holds(9));
        QVERIFY(!check->figure->holds(0));
        QVERIFY(!parse_expectation(QStringLiteral("max_threads_alive < 3"), error));
        QVERIFY(error.contains(QStringLiteral("max_threads_alive")));
    }

    void checkerSaysWhichCheckFailedAndWhy() {
        const Exercise exercise = parsed_exercise();
        QVERIFY(!exercise.checks.isEmpty());
        ProgramRun start;
        start.out = QStringLiteral("counter = 143118\n");
        start.figures.insert(QStringLiteral("wall_s"), 0.5);
        ProgramRun run = start;
        const ExerciseResult failed = check_exercise(exercise, run, &start);
        QVERIFY(!failed.passed);
        QVERIFY(!failed.checks[0].passed);
        QVERIFY2(failed.checks[0].why.contains(QStringLiteral("counter = 143118")),
                 qPrintable(failed.checks[0].why));
        QVERIFY(failed.checks[1].passed);
        QVERIFY(failed.checks[2].passed);
        QVERIFY(failed.checks[3].passed); // the same time as the starting code: a ratio of 1 < 3

        run.out = QStringLiteral("counter = 200000\n");
        run.figures[QStringLiteral("wall_s")] = 2.0; // 4x the starting code: too slow
        const ExerciseResult slow = check_exercise(exercise, run, &start);
        QVERIFY(!slow.passed);
        QVERIFY(slow.checks[0].passed);
        QVERIFY(!slow.checks[3].passed);
        QVERIFY2(slow.checks[3].why.contains(QStringLiteral("measured 4")), qPrintable(slow.checks[3].why));

        run.figures[QStringLiteral("wall_s")] = 0.6;
        QVERIFY2(check_exercise(exercise, run, &start).passed,
                 qPrintable(check_exercise(exercise, run, &start).toString()));
        // Without the starting code's run the ratio cannot pass honestly.
        const ExerciseResult alone = check_exercise(exercise, run);
        QVERIFY(!alone.passed);
        QVERIFY(alone.checks[3].why.contains(QStringLiteral("start.wall_s was not measured")));

        run.exit_status = 1;
        QVERIFY(!check_exercise(exercise, run, &start).checks[2].passed);
        run.exit_status = 0;
        run.timed_out = true;
        const ExerciseResult late = check_exercise(exercise, run, &start);
        QVERIFY(!late.passed);
        QVERIFY(late.problem.contains(QStringLiteral("still running after 15 s")));
    }
};

QTEST_GUILESS_MAIN(TestExerciseBlock)
#include "tst_exercise_block.moc"
