// The lesson parser: a good file becomes a Lesson with every field; each kind of mistake gives one
// message on the line that holds it.
#include "lesson_samples.h"
#include "lessons/lesson_parser.h"

#include <QTest>

using namespace clab::lessons;
using lesson_samples::good_lesson;
using lesson_samples::with;

namespace {
// 1-based line of the first line containing `marker`, 0 when none does.
int line_of(const QByteArray& text, const QByteArray& marker) {
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i)
        if (lines[i].contains(marker)) return int(i) + 1;
    return 0;
}

QString all_messages(const ParsedLesson& parsed) {
    QStringList lines;
    for (const LessonError& error : parsed.errors)
        lines.append(error.toString());
    return lines.join(QLatin1Char('\n'));
}
} // namespace

class TestLessonParser : public QObject {
    Q_OBJECT
private slots:
    void goodLessonHasEveryField() {
        const ParsedLesson parsed = parse_lesson(QStringLiteral("04-gil.md"), good_lesson());
        QVERIFY2(parsed.errors.isEmpty(), qPrintable(all_messages(parsed)));
        QVERIFY(parsed.lesson);
        const Lesson& lesson = *parsed.lesson;
        QCOMPARE(lesson.id, QStringLiteral("gil"));
        QCOMPARE(lesson.number, 4);
        QCOMPARE(lesson.title, QStringLiteral("The GIL"));
        QCOMPARE(lesson.intro, QStringLiteral("Some intro text."));
        QCOMPARE(lesson.steps.size(), 3);

        const Step& first = lesson.steps[0];
        QCOMPARE(first.title, QStringLiteral("Two threads, one interpreter"));
        QCOMPARE(first.line, line_of(good_lesson(), "## Two threads"));
        QVERIFY(first.has_experiment);
        QCOMPARE(first.spec.engine, clab::EngineKind::Threads);
        QCOMPARE(first.spec.workload, clab::WorkloadKind::Cpu);
        QCOMPARE(first.spec.tasks, 2);
        QCOMPARE(first.spec.iterations, 10'000'000);
        QCOMPARE(first.controls.size(), 3);
        QCOMPARE(first.controls[0].key, QStringLiteral("tasks"));
        QCOMPARE(first.controls[0].min, 1.0);
        QCOMPARE(first.controls[0].max, 8.0);
        QCOMPARE(first.controls[1].min, 0.5);
        QVERIFY(first.controls[2].is_choice);
        QCOMPARE(first.expects, (QStringList{"speedup < 1.3", "wall_s 0.1..20"}));
        QVERIFY(first.prediction);
        QCOMPARE(first.prediction->choices.size(), 3);
        QCOMPARE(first.prediction->answer, 2);
        QCOMPARE(first.prediction->reveal, QStringLiteral("speedup"));
        QCOMPARE(first.notices.size(), 1);
        QCOMPARE(first.notices[0].lane, QStringLiteral("gil"));
        QCOMPARE(first.notices[0].to_s, 0.2);
        QCOMPARE(first.python_snippets.size(), 1);
        QVERIFY(first.python_snippets[0].startsWith(QStringLiteral("import threading\n")));
        QCOMPARE(first.python_lines[0], line_of(good_lesson(), "```python"));
        // Python stays in the text, data blocks do not.
        QVERIFY(first.markdown.contains(QStringLiteral("```python")));
        QVERIFY(!first.markdown.contains(QStringLiteral("```experiment")));
        QVERIFY(!first.markdown.contains(QStringLiteral("question:")));

        const Step& second = lesson.steps[1];
        QCOMPARE(second.spec.workload, clab::WorkloadKind::Blend);
        QCOMPARE(second.spec.cpu_percent, 50);
        QCOMPARE(second.compare, (QStringList{"sequential", "threads", "processes", "asyncio"}));
        QVERIFY(second.prediction && second.prediction->numeric);
        QCOMPARE(second.prediction->number, 2.0);
        QCOMPARE(second.prediction->tolerance, 0.5);

        const Step& recap = lesson.steps[2];
        QVERIFY(recap.is_recap);
        QVERIFY(!recap.has_experiment);
        QCOMPARE(recap.checks.size(), 1);
        QCOMPARE(recap.checks[0].answer, 2);
        QCOMPARE(recap.checks[0].explain, QStringLiteral("The GIL lets one thread at a time run bytecode."));
    }

    void pythonExpectationsReadTheSnippetsRealRun() {
        // No compare list needed: python.X is the step's first snippet in the real interpreter.
        const ParsedLesson parsed = parse_lesson(
            QStringLiteral("x.md"), with("expect: wall_s 0.1..20", "expect: python.cpu_s / wall_s < 3"));
        QVERIFY2(parsed.errors.isEmpty(), qPrintable(all_messages(parsed)));
        QVERIFY(parsed.lesson->steps[0].expects.contains(QStringLiteral("python.cpu_s / wall_s < 3")));
    }

    void windowsLineEndingsAreFine() {
        QByteArray text = good_lesson();
        text.replace("\n", "\r\n");
        const ParsedLesson parsed = parse_lesson(QStringLiteral("x.md"), text);
        QVERIFY2(parsed.errors.isEmpty(), qPrintable(all_messages(parsed)));
    }

    void mistakes_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("marker"); // the problem is reported on the line holding this
        QTest::addColumn<QString>("message");   // a part of the message

        QTest::newRow("unknown experiment key")
            << with("tasks: 2\n", "taskz: 2\n") << QByteArray("taskz") << "unknown key 'taskz'";
        QTest::newRow("bad engine") << with("engine: threads", "engine: fibers") << QByteArray("fibers")
                                    << "engine must be one of";
        QTest::newRow("not a whole number")
            << with("tasks: 2", "tasks: 2.5") << QByteArray("tasks: 2.5") << "whole number";
        QTest::newRow("spec out of range")
            << with("tasks: 2", "tasks: 0") << QByteArray("```experiment") << "tasks must be between";
        QTest::newRow("missing engine")
            << with("engine: threads\n", "") << QByteArray("```experiment") << "needs 'engine:'";
        QTest::newRow("key twice") << with("tasks: 2\n", "tasks: 2\ntasks: 3\n") << QByteArray("tasks: 3")
                                   << "given twice";
        QTest::newRow("not key value")
            << with("tasks: 2\n", "tasks 2\n") << QByteArray("tasks 2") << "expected 'key: value'";
        QTest::newRow("missing id") << with("id: gil\n", "") << QByteArray("---")
                                    << "needs a non-empty 'id:'";
        QTest::newRow("bad id") << with("id: gil", "id: The GIL") << QByteArray("id: The") << "lower-case";
        QTest::newRow("number out of range")
            << with("number: 4", "number: 100") << QByteArray("number: 100") << "from 1 to 99";
        QTest::newRow("unknown front matter key")
            << with("title:", "author: me\ntitle:") << QByteArray("author") << "unknown key 'author'";
        QTest::newRow("no front matter") << with("---\nid", "id") << QByteArray("id: gil") << "front matter";
        QTest::newRow("front matter not closed")
            << with("summary: Threads take turns.\n---", "summary: x") << QByteArray("---") << "never closed";
        QTest::newRow("one step only")
            << with("## Side by side", "### Side by side").replace("## Recap", "### Recap")
            << QByteArray("## Two threads") << "2 to 5 steps";
        QTest::newRow("six steps") << with("## Recap", "## A\n\n## B\n\n## C\n\n## D\n\n## Recap")
                                   << QByteArray("## Two threads") << "this one has 7";
        QTest::newRow("answer out of range")
            << with("answer: 2\nreveal", "answer: 4\nreveal") << QByteArray("answer: 4") << "from 1 to 3";
        QTest::newRow("check answer out of range")
            << with("answer: 2\nexplain", "answer: 0\nexplain") << QByteArray("answer: 0") << "from 1 to 3";
        QTest::newRow("control unknown key") << with("tasks 1..8", "threads 1..8") << QByteArray("controls:")
                                             << "control 'threads' is not an experiment key";
        QTest::newRow("control min > max")
            << with("tasks 1..8", "tasks 8..1") << QByteArray("controls:") << "min 8 is larger than max 1";
        QTest::newRow("control out of spec range")
            << with("switch_interval_ms 0.5..50", "switch_interval_ms 0.01..50") << QByteArray("controls:")
            << "goes out of range";
        QTest::newRow("control range misses the value")
            << with("tasks 1..8", "tasks 4..8") << QByteArray("controls:") << "outside its control range";
        QTest::newRow("choice with a range")
            << with(", gil", ", gil 1..2") << QByteArray("controls:") << "is a choice";
        QTest::newRow("slider without range")
            << with("tasks 1..8", "tasks") << QByteArray("controls:") << "needs a range";
        QTest::newRow("unknown notice lane")
            << with("lane: gil", "lane: gill") << QByteArray("lane: gill") << "lane 'gill' does not exist";
        QTest::newRow("thread lane beyond tasks")
            << with("lane: gil", "lane: Thread-9") << QByteArray("Thread-9") << "at most 8";
        QTest::newRow("loop lane in a thread run")
            << with("lane: gil", "lane: loop") << QByteArray("lane: loop") << "only in asyncio";
        QTest::newRow("empty notice range")
            << with("to: 0.2", "to: 0.0") << QByteArray("to: 0.0") << "is empty";
        QTest::newRow("unterminated fence")
            << with("explain: The GIL lets one thread at a time run bytecode.\n```", "explain: x")
            << QByteArray("```check") << "never closed";
        QTest::newRow("unknown metric") << with("speedup < 1.3", "sped < 1.3") << QByteArray("sped")
                                        << "not a number of the run's summary";
        QTest::newRow("bad expect syntax")
            << with("speedup < 1.3", "speedup about 1") << QByteArray("speedup about") << "expect takes";
        QTest::newRow("expect names an engine not compared")
            << with("processes.speedup", "thread-pool.speedup") << QByteArray("thread-pool.speedup")
            << "not in this step's compare list";
        QTest::newRow("python figure a real run does not measure")
            << with("expect: wall_s 0.1..20", "expect: python.lost_updates > 0")
            << QByteArray("python.lost_updates") << "which a real program's run does not measure";
        QTest::newRow("python expectation in a step without a snippet")
            << with("expect: processes.speedup > 1.2", "expect: python.wall_s < 5")
            << QByteArray("python.wall_s") << "this step has no python snippet to run";
        QTest::newRow("ratio over an engine not compared")
            << with("processes.speedup", "processes.speedup / thread-pool.speedup")
            << QByteArray("thread-pool.speedup") << "'thread-pool', which is not in this step's compare list";
        QTest::newRow("compare with a bad engine") << with("sequential, threads", "sequential, fibers")
                                                   << QByteArray("compare:") << "'fibers' is not an engine";
        QTest::newRow("two experiments")
            << with("```predict", "```experiment second\nengine: threads\nworkload: cpu\n```\n\n```predict")
            << QByteArray("```experiment second") << "at most one experiment";
        QTest::newRow("choices and number")
            << with("number: 2", "number: 2\nchoices: a | b")
                   .replace("```predict\nquestion: How", "```predict timing\nquestion: How")
            << QByteArray("```predict timing") << "either";
        QTest::newRow("number without reveal")
            << with("reveal: wall_s\n", "")
                   .replace("```predict\nquestion: How", "```predict timing\nquestion: How")
            << QByteArray("```predict timing") << "needs 'reveal:'";
        QTest::newRow("bad tolerance")
            << with("tolerance: 0.5", "tolerance: -1") << QByteArray("tolerance") << "tolerance is relative";
        QTest::newRow("check outside recap")
            << with("## Side by side",
                    "## Side by side\n\n```check\nquestion: q\nchoices: a | b\nanswer: 1\n```")
            << QByteArray("```check") << "belong in the '## Recap' step";
        QTest::newRow("recap not last") << with("## Side by side", "## Recap\n\n## Side by side")
                                        << QByteArray("## Recap") << "must be the last step";
        QTest::newRow("no recap") << with("## Recap", "## Summary") << QByteArray("## Summary")
                                  << "ends with a '## Recap' step";
        QTest::newRow("predict without experiment")
            << with("## Recap",
                    "## Guess\n\n```predict guess\nquestion: q\nchoices: a | b\nanswer: 1\n```\n\n## Recap")
            << QByteArray("```predict guess") << "needs an experiment in the same step";
        QTest::newRow("block before the first step") << with("Some intro text.", "```notice\ntext: hi\n```")
                                                     << QByteArray("```notice") << "inside a step";
    }

    void mistakes() {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, marker);
        QFETCH(QString, message);
        const ParsedLesson parsed = parse_lesson(QStringLiteral("04-gil.md"), text);
        QVERIFY2(!parsed.lesson, "a file with a problem gives no lesson");
        const QString messages = all_messages(parsed);
        bool found = false;
        for (const LessonError& error : parsed.errors)
            found = found || (error.message.contains(message) && error.line == line_of(text, marker));
        QVERIFY2(found, qPrintable(QStringLiteral("expected '%1' on line %2, got:\n%3")
                                       .arg(message)
                                       .arg(line_of(text, marker))
                                       .arg(messages)));
        QCOMPARE(parsed.errors.first().file, QStringLiteral("04-gil.md"));
    }

    void messagesReadLikeACompilerError() {
        const ParsedLesson parsed =
            parse_lesson(QStringLiteral("lessons/04-gil.md"), with("tasks: 2\n", "taskz: 2\n"));
        QVERIFY(!parsed.errors.isEmpty());
        QVERIFY(parsed.errors.first().toString().startsWith(
            QStringLiteral("lessons/04-gil.md:%1: unknown key")
                .arg(line_of(with("tasks: 2\n", "taskz: 2\n"), "taskz"))));
    }

    void emptyAndBinaryInputGiveMessages() {
        for (const QByteArray& text :
             {QByteArray(), QByteArray("\n\n"), QByteArray("---"), QByteArray("\0\xff\xfe", 3),
              QByteArray("---\n---\n"), QByteArray(1 << 21, 'x')}) {
            const ParsedLesson parsed = parse_lesson(QStringLiteral("x.md"), text);
            QVERIFY(!parsed.lesson);
            QVERIFY(!parsed.errors.isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestLessonParser)
#include "tst_lesson_parser.moc"
