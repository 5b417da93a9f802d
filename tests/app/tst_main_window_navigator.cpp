// The lesson navigator's item model: lessons with their steps, progress marks, and a clean bill
// from QAbstractItemModelTester through resets and mark changes.
#include "gui/lesson_navigator_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace clab;
using namespace clab::gui;

namespace {
QList<lessons::Lesson> sample_lessons() {
    QList<lessons::Lesson> list;
    for (int n = 1; n <= 3; ++n) {
        lessons::Lesson l;
        l.id = QStringLiteral("lesson%1").arg(n);
        l.number = n;
        l.title = QStringLiteral("Lesson title %1").arg(n);
        for (int s = 0; s < n + 1; ++s) {
            lessons::Step step;
            step.title = QStringLiteral("Step %1").arg(s + 1);
            l.steps << step;
        }
        list << l;
    }
    return list;
}
} // namespace

class TestNavigatorModel : public QObject {
    Q_OBJECT
private slots:
    void passesTheModelTester() {
        LessonNavigatorModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setLessons(sample_lessons());
        model.setVisited("lesson2", 1);
        model.setAnswered("lesson2", 1);
        model.setVisited("lesson3", 0);
        model.clearProgress();
        model.setLessons({});
        model.setLessons(sample_lessons());
    }
    void shape() {
        LessonNavigatorModel model;
        model.setLessons(sample_lessons());
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowCount(model.index(0, 0)), 2);
        QCOMPARE(model.rowCount(model.index(2, 0)), 4);
        const QModelIndex step = model.indexOf(2, 3);
        QCOMPARE(model.parent(step), model.index(2, 0));
        QCOMPARE(step.data(LessonNavigatorModel::LessonIndexRole).toInt(), 2);
        QCOMPARE(step.data(LessonNavigatorModel::StepIndexRole).toInt(), 3);
        QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("2. Lesson title 2"));
        QCOMPARE(model.rowCount(step), 0);
        QVERIFY(!model.indexOf(5).isValid());
        QVERIFY(!model.indexOf(0, 9).isValid());
    }
    void progressMarks() {
        LessonNavigatorModel model;
        model.setLessons(sample_lessons());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setVisited("lesson1", 0);
        QVERIFY(changed.count() >= 2); // the step and its lesson (progress fraction)
        QVERIFY(model.indexOf(0, 0).data(LessonNavigatorModel::VisitedRole).toBool());
        QCOMPARE(model.indexOf(0).data(LessonNavigatorModel::ProgressRole).toString(), QStringLiteral("1/2"));
        QVERIFY(!model.indexOf(0).data(LessonNavigatorModel::VisitedRole).toBool());
        model.setVisited("lesson1", 1);
        QVERIFY(model.indexOf(0).data(LessonNavigatorModel::VisitedRole).toBool()); // every step seen
        model.setAnswered("lesson1", 1);
        QVERIFY(model.indexOf(0, 1).data(LessonNavigatorModel::AnsweredRole).toBool());
        QVERIFY(!model.indexOf(0, 1).data(Qt::DecorationRole).isNull());
        const int before = int(changed.count());
        model.setAnswered("lesson1", 1); // no change, no signal
        QCOMPARE(int(changed.count()), before);
        model.clearProgress();
        QVERIFY(!model.visited("lesson1", 0));
        QVERIFY(!model.answered("lesson1", 1));
    }
};

QTEST_MAIN(TestNavigatorModel)
#include "tst_main_window_navigator.moc"
