// Presenter mode, classroom half: the high-contrast theme comes and goes with presenter mode, the
// lab-only layout hides the lesson text (presenting or not), open replay/compare windows
// follow the theme, and the classroom keys work from the keyboard.
#include "classroom/classroom_controller.h"
#include "classroom/compare_window.h"
#include "classroom/presenter_mode.h"
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "gui/python_highlighter.h"
#include "plots/timeline_view.h"

#include <QAction>
#include <QDockWidget>
#include <QFontDatabase>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QScrollArea>
#include <QScrollBar>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <qcustomplot.h>

using namespace clab;
using namespace clab::classroom;

namespace {
void fake_finished_run(Trace& trace, Summary& summary) {
    trace.origin_ns = 1000;
    trace.lanes.push_back(LaneInfo{0, LaneKind::Main, "MainThread", kNoLane, 1});
    trace.append({Event{1000, 0, EventKind::Running, 0, 0}, Event{5000, 0, EventKind::WorkerExit, 0, 0}});
    summary.completed = true;
    summary.wall_s = 4e-6;
    summary.events = 2;
}
} // namespace

class TestPresenter : public QObject {
    Q_OBJECT
private slots:
    // Code in the lesson text, inline and in blocks, as large as the prose around it: on the
    // projector `sys.getswitchinterval()` was printed at half the body's size.
    void codeIsAsLargeAsTheProse() {
        // Opened at the desk's size, then presenter mode makes the body 20 pt.
        QTextDocument doc;
        QFont body = doc.defaultFont();
        body.setPointSizeF(10);
        doc.setDefaultFont(body);
        doc.setMarkdown(QStringLiteral("Call `sys.getswitchinterval()` now.\n\n```python\nx = 1\n```\n"));
        clab::gui::style_code_blocks(&doc, Qt::white);
        body.setPointSizeF(20);
        doc.setDefaultFont(body);
        clab::gui::style_code_blocks(&doc, Qt::white);
        int code = 0;
        for (QTextBlock block = doc.begin(); block.isValid(); block = block.next())
            for (auto it = block.begin(); !it.atEnd(); ++it) {
                const QTextCharFormat f = it.fragment().charFormat();
                const double pt = f.hasProperty(QTextFormat::FontPointSize) ? f.fontPointSize() : 20.0;
                QVERIFY2(pt >= 19.9,
                         qPrintable(QStringLiteral("'%1' at %2 pt").arg(it.fragment().text()).arg(pt)));
                if (f.fontFixedPitch() || f.fontFamilies().toStringList().contains(
                                              QFontDatabase::systemFont(QFontDatabase::FixedFont).family()))
                    ++code;
            }
        QVERIFY(code >= 2); // the inline span and the block were both found
    }

    void themeAndLayoutFollowPresenterMode() {
        QMainWindow window;
        auto* lesson = new QLabel(QStringLiteral("lesson"), &window);
        window.setCentralWidget(lesson);
        const QColor desk = window.palette().color(QPalette::Window);
        ClassroomHost host;
        host.window = &window;
        host.lesson_widgets = {lesson};
        ClassroomController classroom(host);
        classroom.install();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Lab only works at the desk too.
        QVERIFY(classroom.action("labOnly")->isEnabled());
        classroom.setLabOnly(true);
        QVERIFY(lesson->isHidden());
        classroom.setLabOnly(false);
        QVERIFY(!lesson->isHidden());

        classroom.setPresenterMode(true);
        QCOMPARE(window.palette().color(QPalette::Window), QColor(Qt::black));
        QCOMPARE(window.palette().color(QPalette::WindowText), QColor(Qt::white));
        QVERIFY(window.styleSheet().contains("QSlider::handle"));
        QVERIFY(classroom.action("labOnly")->isEnabled());
        classroom.setLabOnly(true);
        QVERIFY(lesson->isHidden());
        QVERIFY(classroom.action("labOnly")->isChecked());

        // Windows opened while presenting get the theme too.
        CompareWindow* compare = classroom.openCompare();
        QCOMPARE(compare->palette().color(QPalette::Window), QColor(Qt::black));

        classroom.setPresenterMode(false);
        QVERIFY(lesson->isHidden()); // lab only is a layout of its own: presenter mode leaves it
        QVERIFY(classroom.action("labOnly")->isChecked());
        classroom.setLabOnly(false);
        QVERIFY(!lesson->isHidden());
        QCOMPARE(window.palette().color(QPalette::Window), desk);
        QVERIFY(window.styleSheet().isEmpty());
        QVERIFY(compare->styleSheet().isEmpty());
    }

    // The presenter theme blackens what a scroll area shows, never its scroll bars: a bar that any
    // style-sheet rule reaches is drawn by the style sheet, and the lesson pane's bars became empty
    // boxes without arrows or a visible handle on the projector.
    void scrollBarsKeepTheirArrowsOnTheProjector() {
        QMainWindow window;
        auto* scroll = new QScrollArea(&window);
        auto* content = new QLabel(QStringLiteral("a long lesson\n").repeated(80));
        scroll->setWidget(content);
        scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
        window.setCentralWidget(scroll);
        window.resize(400, 300);
        ClassroomHost host;
        host.window = &window;
        host.lesson_widgets = {scroll};
        ClassroomController classroom(host);
        classroom.install();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        classroom.setPresenterMode(true);
        QApplication::processEvents();
        const auto bars = window.findChildren<QScrollBar*>();
        QVERIFY(!bars.isEmpty());
        for (QScrollBar* bar : bars)
            QVERIFY2(!bar->testAttribute(Qt::WA_StyleSheetTarget),
                     qPrintable(bar->parentWidget()->objectName() + " has a style-sheet look"));
        QVERIFY2(content->testAttribute(Qt::WA_StyleSheetTarget), "the content is on black");
        classroom.setPresenterMode(false);
    }

    void legendStaysBodySizeOnTheProjector() {
        // Many workers and every GIL state make a long legend; a short timeline used to shrink it to
        // 10 pt. From the back of the room it must stay as large as the plots' own text.
        register_builtin_engines();
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.workload = WorkloadKind::Cpu;
        spec.tasks = 8;
        spec.iterations = 20'000;
        Trace trace;
        Runner::run(spec, &trace);
        plots::TimelineView view;
        view.set_presenter(true);
        view.resize(1200, 420);
        view.show();
        view.load_trace(trace);
        QCoreApplication::processEvents();
        view.replot_now();
        QCPLegend* legend = nullptr;
        for (int i = 0; i < view.plot()->plotLayout()->elementCount() && !legend; ++i)
            legend = qobject_cast<QCPLegend*>(view.plot()->plotLayout()->elementAt(i));
        QVERIFY(legend);
        QVERIFY(legend->itemCount() >= 8);
        const double body = view.theme().font.pointSizeF();
        QVERIFY(body >= 14);
        for (int i = 0; i < legend->itemCount(); ++i)
            if (QCPAbstractLegendItem* item = legend->item(i))
                QVERIFY2(item->font().pointSizeF() >= body - 0.01,
                         qPrintable(QStringLiteral("legend item %1 at %2 pt, body %3 pt")
                                        .arg(i)
                                        .arg(item->font().pointSizeF())
                                        .arg(body)));
    }

    void contrastIsHigh() {
        // WCAG contrast ratio of text on background: >= 7 is "AAA"; black on white is 21.
        auto luminance = [](QColor c) {
            auto channel = [](double v) {
                return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
            };
            return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
        };
        const QPalette p = high_contrast_palette();
        auto ratio = [&](QPalette::ColorRole fg, QPalette::ColorRole bg) {
            const double a = luminance(p.color(fg)), b = luminance(p.color(bg));
            return (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05);
        };
        QVERIFY(ratio(QPalette::WindowText, QPalette::Window) >= 7);
        QVERIFY(ratio(QPalette::Text, QPalette::Base) >= 7);
        QVERIFY(ratio(QPalette::HighlightedText, QPalette::Highlight) >= 7);
        QVERIFY(ratio(QPalette::ButtonText, QPalette::Button) >= 7);
    }

    void keyboardDrivesTheClassroom() {
        QMainWindow window;
        window.menuBar()->addMenu(QStringLiteral("&File"));
        auto* lesson = new QLabel(QStringLiteral("lesson"), &window);
        window.setCentralWidget(lesson);
        ClassroomHost host;
        host.window = &window;
        host.lesson_widgets = {lesson};
        ClassroomController classroom(host);
        classroom.install();
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));

        Trace trace;
        Summary summary;
        fake_finished_run(trace, summary);
        classroom.onRunFinished(summary, trace);
        QCOMPARE(classroom.history()->rowCount(), 1);

        QTest::keyClick(&window, Qt::Key_P); // pin
        QCOMPARE(classroom.pinned()->rowCount(), 1);
        classroom.setPresenterMode(true);
        QTest::keyClick(&window, Qt::Key_L); // lab only
        QVERIFY(lesson->isHidden());
        QTest::keyClick(&window, Qt::Key_L);
        QVERIFY(!lesson->isHidden());
        QTest::keyClick(&window, Qt::Key_F9); // history dock
        QVERIFY(classroom.historyDock()->isVisible());
        classroom.setPresenterMode(false);
    }
};

QTEST_MAIN(TestPresenter)
#include "tst_presenter.moc"
