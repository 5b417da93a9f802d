// Toolbars take a row of their own when they do not fit side by side: no button of the window may
// end up behind Qt's » overflow menu (presenter mode at 1600 px hid "Slow motion" there).
#include "cli/gui_options.h"
#include "gui/main_window.h"
#include "gui/toolbar_rows.h"
#include "test_settings.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QMainWindow>
#include <QScreen>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>

using namespace clab;

namespace {
// A toolbar narrower than its buttons hides the last ones (they move into its » menu).
bool overflows(const QToolBar* bar) {
    for (QAction* action : bar->actions()) {
        const QWidget* button = bar->widgetForAction(action);
        if (action->isVisible() && !action->isSeparator() && button != nullptr && !button->isVisible())
            return true;
    }
    return false;
}

QToolBar* bar_with_buttons(QMainWindow& window, const QString& name, int buttons) {
    auto* bar = window.addToolBar(name);
    bar->setObjectName(name);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    for (int i = 0; i < buttons; ++i)
        bar->addAction(QStringLiteral("%1 button %2").arg(name).arg(i));
    return bar;
}

// Layout and the rows' own rearrangement happen after the event that asked for them.
void settle() {
    for (int i = 0; i < 4; ++i)
        QTest::qWait(20);
}
} // namespace

class TestToolBarRows : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }

    void aBarThatDoesNotFitGetsItsOwnRowAndGivesItBackWhenThereIsRoom() {
        QMainWindow window;
        QToolBar* first = bar_with_buttons(window, QStringLiteral("first"), 4);
        QToolBar* second = bar_with_buttons(window, QStringLiteral("second"), 4);
        new gui::ToolBarRows(&window);
        const int both = first->sizeHint().width() + second->sizeHint().width();
        window.resize(both + 60, 300);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        settle();
        QVERIFY(!window.toolBarBreak(second));
        QCOMPARE(first->y(), second->y());

        window.resize(both * 3 / 4, 300); // room for either, not for both
        settle();
        QVERIFY(window.toolBarBreak(second));
        QVERIFY(second->y() > first->y());
        QVERIFY(!overflows(first));
        QVERIFY(!overflows(second));

        window.resize(both + 60, 300);
        settle();
        QVERIFY(!window.toolBarBreak(second));
        QCOMPARE(first->y(), second->y());

        // Buttons added later count too: two more make both too wide for one row.
        for (int i = 0; i < 2; ++i)
            second->addAction(QStringLiteral("late %1").arg(i));
        settle();
        QVERIFY(window.toolBarBreak(second));
        QVERIFY(!overflows(second));
    }

    // The real window, with its font as large as presenter mode makes it, at 1600 px.
    void noButtonOfTheWindowOverflowsWithTheLargeFont() {
        cli::GuiOptions options;
        options.lesson = QStringLiteral("4");
        MainWindow w(options);
        w.setWindowState(Qt::WindowNoState);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.screen()->availableGeometry().width(), 1920);
        for (const int width : {1920, 1600, 1280}) {
            QFont big = QApplication::font();
            big.setPointSizeF(big.pointSizeF() * 1.45); // MainWindow::presenterFont's scale
            w.setFont(big);
            w.resize(width, 1000);
            settle();
            const QList<QToolBar*> bars = w.findChildren<QToolBar*>();
            QVERIFY(bars.size() >= 2);
            for (const QToolBar* bar : bars)
                QVERIFY2(!overflows(bar),
                         qPrintable(QStringLiteral("%1 at %2 px").arg(bar->objectName()).arg(width)));
        }
    }
};

// A 1920×1080 screen instead of the offscreen platform's 800 px one (narrower than the window's
// own minimum, where the window is clipped and the rows leave the toolbars alone).
int main(int argc, char** argv) {
    QTemporaryDir dir;
    const QString config = dir.filePath(QStringLiteral("screen.json"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly)) return 1;
    file.write(R"({"screens": [{"name": "wide", "x": 0, "y": 0, "width": 1920, "height": 1080,
                   "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})");
    file.close();
    qputenv("QT_QPA_PLATFORM", QStringLiteral("offscreen:configfile=%1").arg(config).toLocal8Bit());
    QApplication app(argc, argv);
    TestToolBarRows test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_toolbar_rows.moc"
