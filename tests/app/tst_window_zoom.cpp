// View → Zoom (Ctrl+= / Ctrl+- / Ctrl+0): one zoom for the whole application. The lesson text, the
// code and its output, the timeline's labels and lanes all grow together; the keys mean the window's
// zoom wherever the focus is (the code editor too); presenter mode is on top of it; the level is
// remembered.
#include "classroom/classroom_controller.h"
#include "classroom/compare_window.h"
#include "classroom/replay_window.h"
#include "editor/code_editor.h"
#include "gui/main_window.h"
#include "gui/step_view.h"
#include "gui/window_zoom.h"
#include "plots/timeline_view.h"
#include "test_settings.h"

#include <QAction>
#include <QApplication>
#include <QPointer>
#include <QSettings>
#include <QTest>

using namespace clab;

namespace {
cli::GuiOptions gil_step_1() { // lesson 4 (the GIL): a python snippet in an editor and a timeline
    cli::GuiOptions options;
    options.lesson = QStringLiteral("4");
    options.step = 1;
    return options;
}

// A finished run of one thread, enough for a Replay window.
classroom::RunPtr tiny_run(classroom::ClassroomController& classroom) {
    Trace trace;
    trace.origin_ns = 1000;
    trace.lanes.push_back(LaneInfo{0, LaneKind::Main, "MainThread", kNoLane, 1});
    trace.append({Event{1000, 0, EventKind::Running, 0, 0}, Event{5000, 0, EventKind::WorkerExit, 0, 0}});
    Summary summary;
    summary.completed = true;
    summary.wall_s = 4e-6;
    summary.events = 2;
    return classroom.addRun(summary, trace);
}

struct Sizes {
    double window_pt = 0;
    double text_pt = 0; // the lesson text
    double code_pt = 0; // the snippet's editor
    double plot_pt = 0; // the timeline's tick labels
    int lane_px = 0;    // the timeline's thinnest lane
};

Sizes sizes_of(MainWindow& w) {
    Sizes s;
    s.window_pt = w.font().pointSizeF();
    s.text_pt = w.stepView()->font().pointSizeF();
    if (auto* code = w.findChild<editor::CodeEditor*>()) s.code_pt = code->font().pointSizeF();
    if (auto* view = w.findChild<plots::TimelineView*>()) {
        s.plot_pt = view->theme().font.pointSizeF();
        s.lane_px = view->theme().min_lane_px;
    }
    return s;
}
} // namespace

class TestWindowZoom : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }
    void cleanup() {
        gui::set_zoom_percent(100);
        QSettings().remove(QStringLiteral("view/zoomPercent"));
    }

    void levelsStepLikeABrowser() {
        QCOMPARE(gui::next_zoom_level(100, 1), 110);
        QCOMPARE(gui::next_zoom_level(100, -1), 90);
        QCOMPARE(gui::next_zoom_level(105, 1), 110); // between two levels: to the next one
        QCOMPARE(gui::next_zoom_level(105, -1), 100);
        QCOMPARE(gui::next_zoom_level(gui::zoom_levels().back(), 1), gui::zoom_levels().back());
        QCOMPARE(gui::next_zoom_level(gui::zoom_levels().front(), -1), gui::zoom_levels().front());
        QCOMPARE(gui::set_zoom_percent(1000), gui::zoom_levels().back());
        QCOMPARE(gui::set_zoom_percent(1), gui::zoom_levels().front());
    }

    void everythingScalesTogetherAndIsRemembered() {
        double desk_pt = 0;
        {
            MainWindow w(gil_step_1());
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            const Sizes before = sizes_of(w);
            desk_pt = before.window_pt;
            QVERIFY(before.code_pt > 0 && before.plot_pt > 0 && before.lane_px > 0);
            QCOMPARE(gui::zoom_percent(), 100);

            // Two steps in, from the window: 100 -> 110 -> 125.
            QTest::keyClick(&w, Qt::Key_Equal, Qt::ControlModifier);
            QTest::keyClick(&w, Qt::Key_Equal, Qt::ControlModifier);
            QCOMPARE(gui::zoom_percent(), 125);
            const Sizes zoomed = sizes_of(w);
            QCOMPARE(zoomed.window_pt, before.window_pt * 1.25);
            QCOMPARE(zoomed.text_pt, before.text_pt * 1.25);
            QCOMPARE(zoomed.plot_pt, before.plot_pt * 1.25);
            QVERIFY2(zoomed.code_pt > before.code_pt,
                     qPrintable(QStringLiteral("%1 -> %2").arg(before.code_pt).arg(zoomed.code_pt)));
            QCOMPARE(zoomed.lane_px, int(std::lround(before.lane_px * 1.25)));
            QCOMPARE(QSettings().value(QStringLiteral("view/zoomPercent")).toInt(), 125);

            // Ctrl+= in the code editor is the window's zoom too: one meaning per key.
            auto* code = w.findChild<editor::CodeEditor*>();
            QVERIFY(code);
            code->setFocus();
            const QString text = code->toPlainText();
            QTest::keyClick(code, Qt::Key_Equal, Qt::ControlModifier);
            QCOMPARE(gui::zoom_percent(), 150);
            QCOMPARE(code->toPlainText(), text); // no '=' typed
            QVERIFY(sizes_of(w).code_pt > zoomed.code_pt);
            QTest::keyClick(code, Qt::Key_Minus, Qt::ControlModifier);
            QCOMPARE(gui::zoom_percent(), 125);
            QCOMPARE(code->toPlainText(), text);
        }
        // A new session starts at the remembered zoom.
        gui::set_zoom_percent(100);
        {
            MainWindow w(gil_step_1());
            QCOMPARE(gui::zoom_percent(), 125);
            w.show(); // a window's shortcuts work while it is shown
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QCOMPARE(w.font().pointSizeF(), desk_pt * 1.25);
            QTest::keyClick(&w, Qt::Key_0, Qt::ControlModifier);
            QCOMPARE(gui::zoom_percent(), 100);
            QCOMPARE(w.font().pointSizeF(), desk_pt);
            QCOMPARE(QSettings().value(QStringLiteral("view/zoomPercent")).toInt(), 100);
            QTest::keyClick(&w, Qt::Key_Minus, Qt::ControlModifier);
            QCOMPARE(gui::zoom_percent(), 90);
        }
    }

    void presenterModeIsOnTopOfTheZoom() {
        MainWindow w(gil_step_1());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const double desk_pt = w.font().pointSizeF();
        w.setPresenterMode(true);
        const double presenter_pt = w.font().pointSizeF();
        QVERIFY(presenter_pt > desk_pt * 1.3);
        const double presenter_plot_pt = w.findChild<plots::TimelineView*>()->theme().font.pointSizeF();
        w.action(QStringLiteral("zoomIn"))->trigger(); // 110 %, while presenting
        QCOMPARE(w.font().pointSizeF(), presenter_pt * 1.1);
        QCOMPARE(w.findChild<plots::TimelineView*>()->theme().font.pointSizeF(), presenter_plot_pt * 1.1);
        w.setPresenterMode(false); // back at the desk, at the zoom chosen meanwhile
        QCOMPARE(w.font().pointSizeF(), desk_pt * 1.1);
        QCOMPARE(w.findChild<plots::TimelineView*>()->theme().presenter, false);
    }

    void compareAndReplayWindowsOpenedBeforeAZoomFollowIt() {
        MainWindow w(gil_step_1());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* classroom = w.findChild<classroom::ClassroomController*>(QStringLiteral("classroom"));
        QVERIFY(classroom);
        const double desk_pt = w.font().pointSizeF();
        QWidget* compare = classroom->openCompare();
        QWidget* replay = classroom->openReplay(tiny_run(*classroom));
        QVERIFY(compare && replay);
        auto* replay_view = replay->findChild<plots::TimelineView*>();
        QVERIFY(replay_view);
        const double replay_plot_pt = replay_view->theme().font.pointSizeF();
        QCOMPARE(compare->font().pointSizeF(), desk_pt);
        QCOMPARE(replay->font().pointSizeF(), desk_pt);

        w.action(QStringLiteral("zoomIn"))->trigger(); // 110 %
        w.action(QStringLiteral("zoomIn"))->trigger(); // 125 %
        QCOMPARE(compare->font().pointSizeF(), desk_pt * 1.25);
        QCOMPARE(replay->font().pointSizeF(), desk_pt * 1.25);
        QCOMPARE(replay_view->theme().font.pointSizeF(), replay_plot_pt * 1.25);

        // Presenter mode gives them the window's larger font, zoomed too; afterwards the desk's again.
        w.setPresenterMode(true);
        QVERIFY(compare->font().pointSizeF() > desk_pt * 1.25 * 1.3);
        w.action(QStringLiteral("zoomIn"))->trigger(); // 150 %, while presenting
        QCOMPARE(compare->font().pointSizeF(), w.font().pointSizeF());
        QCOMPARE(replay->font().pointSizeF(), w.font().pointSizeF());
        QVERIFY(w.font().pointSizeF() > desk_pt * 1.5 * 1.3);
        w.setPresenterMode(false);
        w.action(QStringLiteral("zoomReset"))->trigger();
        QCOMPARE(compare->font().pointSizeF(), desk_pt);
        QCOMPARE(replay->font().pointSizeF(), desk_pt);
        QCOMPARE(replay_view->theme().font.pointSizeF(), replay_plot_pt);
    }

    // A widget that deletes others when the font changes (a view rebuilt for its new size): the
    // walk over every widget must skip the deleted ones. A random session crashed here (issue 19;
    // ASan names the use of the freed widget).
    void aWidgetDeletedDuringTheZoomIsSkipped() {
        struct Rebuilder : QObject {
            QList<QPointer<QWidget>> victims;
            bool eventFilter(QObject* watched, QEvent* event) override {
                if (event->type() == QEvent::ApplicationFontChange)
                    for (const QPointer<QWidget>& v : victims)
                        delete v.data();
                return QObject::eventFilter(watched, event);
            }
        } rebuilder;
        auto* killer = new QWidget;
        killer->installEventFilter(&rebuilder);
        for (int i = 0; i < 64; ++i) // some come after the killer in the walk, whatever its order
            rebuilder.victims.append(new QWidget);
        gui::set_zoom_percent(110);
        for (const QPointer<QWidget>& v : rebuilder.victims)
            QVERIFY(v.isNull());
        delete killer;
    }

    void theViewMenuOffersIt() {
        MainWindow w(cli::GuiOptions{});
        for (const char* name : {"zoomIn", "zoomOut", "zoomReset"}) {
            QAction* a = w.action(QString::fromLatin1(name));
            QVERIFY2(a, name);
            QVERIFY2(!a->shortcuts().isEmpty(), name);
        }
        QCOMPARE(w.action(QStringLiteral("zoomIn"))->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Equal));
        QCOMPARE(w.action(QStringLiteral("zoomOut"))->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Minus));
        QCOMPARE(w.action(QStringLiteral("zoomReset"))->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_0));
        gui::set_zoom_percent(300);
        w.setZoom(300);
        QVERIFY(!w.action(QStringLiteral("zoomIn"))->isEnabled()); // nothing further to go
        QVERIFY(w.action(QStringLiteral("zoomOut"))->isEnabled());
    }
};

QTEST_MAIN(TestWindowZoom)
#include "tst_window_zoom.moc"
