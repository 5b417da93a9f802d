// `concurrency-lab lessons check [DIR]`: exit 0 when clean, 1 with problems, 2 for bad usage.
#include "cli/lessons_command.h"
#include "lesson_samples.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using clab::cli::lessons_command;

class TestLessonsCommand : public QObject {
    Q_OBJECT
private slots:
    void exitCodes() {
        QTemporaryDir dir;
        QFile file(dir.filePath("04-gil.md"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(lesson_samples::good_lesson());
        file.close();
        QCOMPARE(lessons_command({"check", dir.path()}), 0);

        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(lesson_samples::with("engine: threads", "engine: fibers"));
        file.close();
        QCOMPARE(lessons_command({"check", dir.path()}), 1);

        QTemporaryDir empty;
        QCOMPARE(lessons_command({"check", empty.path()}), 1);

        QCOMPARE(lessons_command({}), 2);
        QCOMPARE(lessons_command({"verify"}), 2);
        QCOMPARE(lessons_command({"check", dir.path(), "extra"}), 2);
        QCOMPARE(lessons_command({"check", "--frobnicate"}), 2);
        QCOMPARE(lessons_command({"check", dir.filePath("missing")}), 2);
        QCOMPARE(lessons_command({"--help"}), 0);
    }
};

QTEST_GUILESS_MAIN(TestLessonsCommand)
#include "tst_lessons_command.moc"
