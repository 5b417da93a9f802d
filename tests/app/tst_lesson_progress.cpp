// Progress survives a restart (a new LessonProgress on the same settings file) and resets.
#include "lessons/lesson_progress.h"

#include <QTemporaryDir>
#include <QTest>

using namespace clab::lessons;

class TestLessonProgress : public QObject {
    Q_OBJECT
private slots:
    void persistsBetweenSessions() {
        QTemporaryDir dir;
        const QString ini = dir.filePath("progress.ini");
        {
            LessonProgress progress(ini);
            progress.markVisited("gil", 2);
            progress.markVisited("gil", 1);
            progress.markVisited("gil", 2); // twice is once
            progress.setPrediction("gil", 1, Answer{false, 2, 0});
            progress.setPrediction("gil", 2, Answer{true, 0, 1.75});
            progress.setCheckAnswer("gil", 3, 1, 3);
            progress.setLastPosition("gil", 2);
            progress.sync();
        }
        LessonProgress progress(ini);
        QCOMPARE(progress.visitedSteps("gil"), (QList<int>{1, 2}));
        QVERIFY(progress.visited("gil", 1));
        QVERIFY(!progress.visited("gil", 3));
        QVERIFY(!progress.completed("gil", 3));
        progress.markVisited("gil", 3);
        QVERIFY(progress.completed("gil", 3));

        const auto choice = progress.prediction("gil", 1);
        QVERIFY(choice && !choice->numeric);
        QCOMPARE(choice->choice, 2);
        const auto number = progress.prediction("gil", 2);
        QVERIFY(number && number->numeric);
        QCOMPARE(number->number, 1.75);
        QVERIFY(!progress.prediction("gil", 3));
        QCOMPARE(progress.checkAnswer("gil", 3, 1), std::optional<int>(3));
        QVERIFY(!progress.checkAnswer("gil", 3, 2));
        QCOMPARE(progress.lastPosition(), std::make_optional(std::make_pair(QStringLiteral("gil"), 2)));
        QVERIFY(progress.visitedSteps("processes").isEmpty());
    }

    void resets() {
        QTemporaryDir dir;
        LessonProgress progress(dir.filePath("progress.ini"));
        progress.markVisited("gil", 1);
        progress.markVisited("processes", 1);
        progress.setPrediction("gil", 1, Answer{false, 1, 0});
        progress.setLastPosition("processes", 1);

        progress.resetLesson("gil");
        QVERIFY(progress.visitedSteps("gil").isEmpty());
        QVERIFY(!progress.prediction("gil", 1));
        QVERIFY(progress.visited("processes", 1));

        progress.resetAll();
        QVERIFY(progress.visitedSteps("processes").isEmpty());
        QVERIFY(!progress.lastPosition());
    }
};

QTEST_GUILESS_MAIN(TestLessonProgress)
#include "tst_lesson_progress.moc"
