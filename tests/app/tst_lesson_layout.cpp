// Every lesson step, laid out as a student and as a class sees it: the main window offscreen at
// 1600×1000, and in presenter mode at 1920×1080, with the timeline of a short run of the step's
// own experiment (its lanes and views; less work, so the test stays quick). No lane in view may
// lose its label or be thinner than 12 px (a view with more lanes than fit scrolls them) and no
// view title is elided. The timeline is never squeezed below its preferred height: where the pane
// is shorter, it scrolls.
// Around it, at 1280×720 too: every label and button of the window shows its whole text (the
// lesson text's activities with their long prediction choices and check questions, the controls
// and their values, the summary's last row), the toolbars keep every action on the bar, and the
// navigator shows every lesson and step title whole.
#include "core/experiment/runner.h"
#include "gui/lab_panel.h"
#include "gui/lesson_navigator_model.h"
#include "gui/main_window.h"
#include "gui/summary_panel.h"
#include "gui/timeline_pane.h"
#include "layout_checks.h"
#include "plots/timeline_view.h"
#include "test_settings.h"

#include <QSettings>
#include <QStatusBar>
#include <QTest>
#include <cmath>

using namespace clab;

class TestLessonLayout : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }

    void statusMessagesShowWhole() {
        // The status bar used to cut a long message at the window's edge, mid-sentence.
        cli::GuiOptions options;
        MainWindow w(options);
        w.show();
        w.showNormal();
        w.setGeometry(QRect(0, 0, 1280, 720));
        const QString message = QStringLiteral(
            "Finished in 3.21 s. Other programs kept 1.6 of this machine's 2 cores busy during the run, so "
            "these figures may be off: run it again when the machine is quieter. Speedup against one task "
            "after another: 1.06×.");
        w.statusBar()->showMessage(message);
        QCoreApplication::processEvents();
        QTest::qWait(20);
        auto* shown = w.statusBar()->findChild<QLabel*>(QStringLiteral("statusMessage"));
        QVERIFY(shown);
        QCOMPARE(shown->text(), message);
        QVERIFY(shown->isVisible());
        const QStringList faults = test::clipped_texts(w.statusBar());
        QVERIFY2(faults.isEmpty(), qPrintable(faults.join(QLatin1Char('\n'))));
        QVERIFY(w.statusBar()->geometry().bottom() <= w.rect().bottom()); // inside the window
    }

    void everyStepFits_data() {
        QTest::addColumn<bool>("presenter");
        QTest::addColumn<QSize>("size");
        QTest::newRow("desk 1280x720") << false << QSize(1280, 720);
        QTest::newRow("desk 1600x1000") << false << QSize(1600, 1000);
        QTest::newRow("presenter 1280x720") << true << QSize(1280, 720);
        QTest::newRow("presenter 1920x1080") << true << QSize(1920, 1080);
    }
    void everyStepFits() {
        QFETCH(bool, presenter);
        QFETCH(QSize, size);
        cli::GuiOptions options;
        MainWindow w(options);
        w.show();
        if (presenter) {
            w.setPresenterMode(true);
            w.showNormal(); // the presenter look, at a projector's size whatever the offscreen screen
        }
        w.showNormal();
        w.setGeometry(QRect(QPoint(0, 0), size));
        QTest::qWait(50);
        auto* view = w.lab()->timeline()->findChild<plots::TimelineView*>();
        QVERIFY(view);
        QStringList faults, squeezed;
        int checked = 0;
        const QList<lessons::Lesson>& lessons = w.navigatorModel()->lessons();
        QVERIFY(lessons.size() >= 10);
        for (int l = 0; l < lessons.size(); ++l)
            for (int s = 0; s < lessons[l].steps.size(); ++s) {
                QVERIFY(w.openStep(l, s));
                const QString where = QStringLiteral("lesson %1 step %2: ").arg(lessons[l].number).arg(s + 1);
                auto add_faults = [&](const QStringList& found) {
                    for (const QString& fault : found)
                        if (!faults.contains(where + fault)) faults << where + fault;
                };
                if (!lessons[l].steps[s].has_experiment) {
                    // Twice: a scroll area whose content turns out taller than it lays out again
                    // once its scrollbar shows (as a person only ever sees the settled layout).
                    QCoreApplication::processEvents();
                    QCoreApplication::processEvents();
                    add_faults(test::clipped_texts(&w));
                    continue;
                }
                Trace trace;
                Summary summary = Runner::run(test::shortened(w.lab()->runSpec()), &trace);
                // Every row the summary can have (the baseline's are placeholders: this test measures
                // room, not speed).
                summary.baseline_wall_s = summary.wall_s * 2;
                summary.speedup = 2;
                w.lab()->summary()->showSummary(summary);
                view->load_trace(trace);
                QCoreApplication::processEvents();
                view->replot_now();
                QCoreApplication::processEvents(); // the pane's scroll area lays out the taller view
                view->replot_now();
                // A timeline whose views need more height than the pane has scrolls: never squeezed.
                const int wanted = view->preferred_height(plots::TimelineView::kLabelledLanes);
                if (wanted > view->height())
                    squeezed << QStringLiteral("%1.%2 (%3 > %4 px)")
                                    .arg(lessons[l].number)
                                    .arg(s + 1)
                                    .arg(wanted)
                                    .arg(view->height());
                add_faults(test::timeline_faults(view->plot()));
                add_faults(test::clipped_texts(&w)); // the lesson text, controls, summary, bars
                if (s == 0) add_faults(test::cut_tree_rows(w.navigator()));
                ++checked;
            }
        faults << test::toolbar_overflow(&w);
        QVERIFY2(squeezed.isEmpty(), qPrintable(QStringLiteral("squeezed instead of scrolled: ") +
                                                squeezed.join(QStringLiteral(", "))));
        QVERIFY2(checked >= 25, qPrintable(QString::number(checked)));
        for (const QString& fault : faults)
            qWarning("%s", qPrintable(fault));
        QVERIFY2(
            faults.isEmpty(),
            qPrintable(QStringLiteral("%1 faults, the first: %2").arg(faults.size()).arg(faults.value(0))));
    }
};

QTEST_MAIN(TestLessonLayout)
#include "tst_lesson_layout.moc"
