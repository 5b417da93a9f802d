// The whole main window is usable from the keyboard: Tab goes through every control a mouse could
// use, each once, panel by panel from left to right (lessons, then the step, then the lab), and the
// focused control is on screen (a scroll area brings it into view). The code editor keeps Tab for
// indenting; Esc leaves it.
#include "editor/code_editor.h"
#include "gui/lab_panel.h"
#include "gui/main_window.h"
#include "gui/step_view.h"
#include "gui/tab_order.h"
#include "test_settings.h"

#include <QAbstractScrollArea>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QScrollBar>
#include <QTest>
#include <QTreeView>

using namespace clab;

namespace {
QString describe(const QWidget* w) {
    return QStringLiteral("%1 '%2' (%3)")
        .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName(), w->accessibleName());
}

// The part of `w` not clipped away by its ancestors (scrolled out of a viewport, say), in window
// coordinates.
QRect on_screen(const QWidget* w, const QWidget* window) {
    QRect shown(w->mapTo(window, QPoint()), w->size());
    for (const QWidget* p = w->parentWidget(); p && p != window; p = p->parentWidget())
        shown &= QRect(p->mapTo(window, QPoint()), p->size());
    return shown & window->rect();
}

// Which of the window's three panels holds `w`: 0 lessons, 1 step, 2 lab, -1 elsewhere.
int panel_of(const QWidget* w, MainWindow& window) {
    const QWidget* panels[] = {window.navigator(), window.stepView(), window.lab()};
    for (int i = 0; i < 3; ++i)
        if (w == panels[i] || panels[i]->isAncestorOf(w)) return i;
    return -1;
}
} // namespace

class TestTabOrder : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }

    void tabReachesEveryControlPanelByPanel() {
        cli::GuiOptions options; // lesson 4 step 2: a prediction, sliders, the code editor, a timeline
        options.lesson = QStringLiteral("4");
        options.step = 2;
        MainWindow w(options);
        w.resize(1600, 1000);
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        w.navigator()->setFocus(Qt::TabFocusReason);
        QTRY_COMPARE(QApplication::focusWidget(), w.navigator());

        // Tab until the focus comes back to where it started.
        QList<QWidget*> order{w.navigator()};
        for (int presses = 0; presses < 400; ++presses) {
            QWidget* from = QApplication::focusWidget();
            QVERIFY(from);
            // The code editor takes Tab to indent; Esc is its way out (as its description says).
            QTest::keyClick(from, qobject_cast<editor::CodeEditor*>(from) ? Qt::Key_Escape : Qt::Key_Tab);
            QWidget* now = QApplication::focusWidget();
            QVERIFY2(now && now != from, qPrintable(QStringLiteral("Tab stayed on %1").arg(describe(from))));
            if (now == order.front()) break;
            QVERIFY2(!order.contains(now), qPrintable(QStringLiteral("%1 reached twice").arg(describe(now))));
            order.append(now);
            // The focused control is on screen: shown, and not scrolled out of its viewport.
            // (a scroll area brings it into view once its layout has caught up, as between two presses)
            QTRY_VERIFY2_WITH_TIMEOUT(
                now->isVisible() && on_screen(now, &w).width() >= 8 && on_screen(now, &w).height() >= 8,
                qPrintable(QStringLiteral("%1 has the focus out of sight").arg(describe(now))), 2000);
        }
        QVERIFY(order.size() > 10);

        // Every operable control of the three panels is in the cycle.
        for (QWidget* panel : {static_cast<QWidget*>(w.navigator()), static_cast<QWidget*>(w.stepView()),
                               static_cast<QWidget*>(w.lab())})
            for (QWidget* control : panel->findChildren<QWidget*>())
                if (gui::takes_tab_focus(control, &w))
                    QVERIFY2(order.contains(control) || order.contains(control->focusProxy()),
                             qPrintable(QStringLiteral("Tab never reaches %1").arg(describe(control))));

        // Panel by panel, left to right: once the focus has left a panel it does not come back
        // before the cycle ends (the window's own bars may come anywhere).
        int last = 0;
        for (QWidget* focused : order) {
            const int panel = panel_of(focused, w);
            if (panel < 0) continue;
            QVERIFY2(panel >= last, qPrintable(QStringLiteral("%1 (panel %2) comes after panel %3")
                                                   .arg(describe(focused))
                                                   .arg(panel)
                                                   .arg(last)));
            last = panel;
        }
        QCOMPARE(last, 2); // the lab is reached
    }
};

QTEST_MAIN(TestTabOrder)
#include "tst_tab_order.moc"
