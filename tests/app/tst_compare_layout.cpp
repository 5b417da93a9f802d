// Every compare step's "Run all", as a student sees it at 1600×1000 and as a class sees it in
// presenter mode at 1920×1080: the compare window the runs open, each run's timeline with every
// view title whole and every lane in view labelled and at least 12 px thick (a run with more lanes
// scrolls them rather than squeeze), and every label of the window whole. Real runs of each step's
// own experiment on each engine it compares, shortened (less work, fewer requests) so the test
// stays quick; the lanes and views are the step's own.
#include "classroom/classroom_controller.h"
#include "classroom/compare_window.h"
#include "core/experiment/runner.h"
#include "gui/lab_panel.h"
#include "gui/lesson_navigator_model.h"
#include "gui/main_window.h"
#include "layout_checks.h"
#include "plots/timeline_view.h"
#include "test_settings.h"

#include <QTest>

using namespace clab;

class TestCompareLayout : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }

    void everyCompareStepFits_data() {
        QTest::addColumn<bool>("presenter");
        QTest::addColumn<QSize>("size");
        QTest::newRow("desk 1600x1000") << false << QSize(1600, 1000);
        QTest::newRow("presenter 1920x1080") << true << QSize(1920, 1080);
    }
    void everyCompareStepFits() {
        QFETCH(bool, presenter);
        QFETCH(QSize, size);
        cli::GuiOptions options;
        MainWindow w(options);
        w.show();
        if (presenter) w.setPresenterMode(true);
        w.showNormal();
        w.setGeometry(QRect(QPoint(0, 0), size));
        auto* classroom = w.findChild<classroom::ClassroomController*>(QStringLiteral("classroom"));
        QVERIFY(classroom);
        QStringList faults;
        int steps = 0;
        const QList<lessons::Lesson>& lessons = w.navigatorModel()->lessons();
        for (int l = 0; l < lessons.size(); ++l)
            for (int s = 0; s < lessons[l].steps.size(); ++s) {
                if (!lessons[l].steps[s].has_experiment) continue;
                QVERIFY(w.openStep(l, s));
                const QStringList engines = w.lab()->compareEngines();
                if (engines.isEmpty()) continue;
                const QString where = QStringLiteral("lesson %1 step %2").arg(lessons[l].number).arg(s + 1);
                for (const QString& engine : engines) {
                    ExperimentSpec spec = test::shortened(w.lab()->runSpec());
                    spec.engine = *parse_engine(engine.toStdString());
                    auto trace = std::make_shared<Trace>();
                    const Summary summary = Runner::run(spec, trace.get());
                    QVERIFY2(summary.completed,
                             qPrintable(where + QStringLiteral(" on ") + engine + QStringLiteral(": ") +
                                        QString::fromStdString(summary.error)));
                    classroom->onRunFinished(summary, std::shared_ptr<const Trace>(trace));
                }
                classroom::CompareWindow* compare = classroom->compareLatest(int(engines.size()));
                QVERIFY(compare);
                compare->showNormal();
                compare->setGeometry(QRect(QPoint(0, 0), size));
                QCoreApplication::processEvents();
                QCOMPARE(compare->timelines().size(), engines.size());
                for (int pass = 0; pass < 2; ++pass) { // the stack lays out again for its scrollbar
                    for (QWidget* t : compare->timelines())
                        qobject_cast<plots::TimelineView*>(t)->replot_now();
                    QCoreApplication::processEvents();
                }
                for (int run = 0; run < compare->timelines().size(); ++run) {
                    auto* view = qobject_cast<plots::TimelineView*>(compare->timelines()[run]);
                    QVERIFY(view);
                    QCOMPARE(view->presenter(), presenter);
                    for (const QString& fault : test::timeline_faults(view->plot()))
                        faults << QStringLiteral("%1, run %2 (%3): %4")
                                      .arg(where)
                                      .arg(run + 1)
                                      .arg(engines[run], fault);
                }
                for (const QString& fault : test::clipped_texts(compare))
                    faults << QStringLiteral("%1: %2").arg(where, fault);
                ++steps;
            }
        QVERIFY2(steps >= 4, qPrintable(QString::number(steps))); // lesson 16's and 18's
        for (const QString& fault : faults)
            qWarning("%s", qPrintable(fault));
        QVERIFY2(
            faults.isEmpty(),
            qPrintable(QStringLiteral("%1 faults, the first: %2").arg(faults.size()).arg(faults.value(0))));
    }
};

QTEST_MAIN(TestCompareLayout)
#include "tst_compare_layout.moc"
