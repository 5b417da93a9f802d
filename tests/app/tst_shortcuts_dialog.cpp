// Help → Keyboard shortcuts lists what the window's actions really do: every action with a shortcut,
// its keys as Qt spells them and the menu that holds it, and nothing without a shortcut.
#include "classroom/classroom_controller.h"
#include "gui/main_window.h"
#include "gui/shortcuts_dialog.h"
#include "test_settings.h"

#include <QAction>
#include <QMenu>
#include <QSettings>
#include <QShortcut>
#include <QTableWidget>
#include <QTest>

using namespace clab;
using namespace clab::gui;

class TestShortcutsDialog : public QObject {
    Q_OBJECT
    WindowTestSetup window_test_;

private slots:
    void initTestCase() { QVERIFY(window_test_.set_up()); }

    void rowsComeFromTheActions() {
        QWidget window;
        QMenu menu(QStringLiteral("&Run"));
        auto* run = new QAction(QStringLiteral("&Run"), &window);
        run->setShortcut(Qt::Key_Space);
        window.addAction(run);
        menu.addAction(run);
        auto* back = new QAction(QStringLiteral("&Back"), &window);
        back->setShortcuts({QKeySequence(Qt::ALT | Qt::Key_Left), QKeySequence(Qt::Key_Left)});
        window.addAction(back);
        auto* open = new QAction(QStringLiteral("&Open lessons folder…"), &window);
        open->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
        window.addAction(open);
        window.addAction(new QAction(QStringLiteral("No key"), &window));

        const QList<ShortcutRow> rows = shortcut_rows(&window);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0].action, QStringLiteral("Run"));
        QCOMPARE(rows[0].keys, QKeySequence(Qt::Key_Space).toString(QKeySequence::NativeText));
        QCOMPARE(rows[0].menu, QStringLiteral("Run"));
        QVERIFY2(rows[1].keys.contains(QKeySequence(Qt::Key_Left).toString(QKeySequence::NativeText)) &&
                     rows[1].keys.contains(
                         QKeySequence(Qt::ALT | Qt::Key_Left).toString(QKeySequence::NativeText)),
                 qPrintable(rows[1].keys));
        QCOMPARE(rows[1].menu, QString());
        QCOMPARE(rows[2].action, QStringLiteral("Open lessons folder"));
    }

    void theMainWindowListsEveryShortcutItHas() {
        cli::GuiOptions options;
        MainWindow w(options);
        int with_keys = 0;
        for (const QAction* a : w.actions())
            with_keys += a->shortcuts().isEmpty() ? 0 : 1;
        QVERIFY(with_keys >= 8); // run, stop, reset, back, next, presenter, more/fewer workers, open…

        ShortcutsDialog dialog(&w);
        auto* table = dialog.findChild<QTableWidget*>(QStringLiteral("shortcutsTable"));
        QVERIFY(table);
        // The window's actions, and more: its parts' keys (everyKeyOfEveryWindowIsListed).
        QVERIFY2(table->rowCount() >= with_keys, qPrintable(QString::number(table->rowCount())));
        QStringList actions;
        for (int i = 0; i < table->rowCount(); ++i) {
            QVERIFY(!table->item(i, 0)->text().isEmpty());
            actions << table->item(i, 1)->text();
        }
        QVERIFY2(actions.contains(QStringLiteral("Run")), qPrintable(actions.join(", ")));
        // (Quit's QKeySequence::Quit is empty on the offscreen platform, so it is rightly not listed here.)
        QVERIFY2(actions.contains(QStringLiteral("Open lessons folder")), qPrintable(actions.join(", ")));
        // The Help menu's own entry lists itself with F1 (QKeySequence::HelpContents).
        QVERIFY2(actions.contains(QStringLiteral("Keyboard shortcuts")), qPrintable(actions.join(", ")));
    }

    void everyKeyOfEveryWindowIsListed() {
        // Every QAction with a shortcut and every QShortcut that exists in the main window and the
        // windows it opened (Replay: its own keys), the zoom keys and the code editor's Ctrl+Enter
        // included, has a described row with its keys.
        cli::GuiOptions options;
        options.lesson = QStringLiteral("gil"); // a step with code: the editor's keys exist
        options.step = 1;
        MainWindow w(options);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* classroom = w.findChild<classroom::ClassroomController*>();
        QVERIFY(classroom);
        Trace trace;
        trace.origin_ns = 1000;
        trace.lanes.push_back(LaneInfo{0, LaneKind::Main, "MainThread", kNoLane, 1});
        trace.append({Event{1000, 0, EventKind::Running, 0, 0}, Event{5000, 0, EventKind::WorkerExit, 0, 0}});
        Summary summary;
        summary.completed = true;
        summary.wall_s = 4e-6;
        QVERIFY(classroom->openReplay(classroom->addRun(summary, trace)));

        QList<QKeySequence> keys;
        for (const QAction* a : w.actions() + w.findChildren<QAction*>())
            keys += a->shortcuts();
        for (const QShortcut* s : w.findChildren<QShortcut*>())
            keys += s->key();
        keys.removeAll(QKeySequence());
        QVERIFY(keys.contains(QKeySequence(Qt::CTRL | Qt::Key_Equal)));  // zoom
        QVERIFY(keys.contains(QKeySequence(Qt::CTRL | Qt::Key_Return))); // the code editor's Run
        QVERIFY(keys.contains(QKeySequence(Qt::Key_Home)));              // Replay's

        ShortcutsDialog dialog(&w);
        auto* table = dialog.findChild<QTableWidget*>(QStringLiteral("shortcutsTable"));
        QVERIFY(table);
        QStringList missing;
        for (const QKeySequence& key : keys) {
            const QString text = key.toString(QKeySequence::NativeText);
            bool listed = false;
            for (int i = 0; i < table->rowCount() && !listed; ++i)
                listed = table->item(i, 0)->text().split(ShortcutsDialog::tr(" or ")).contains(text);
            if (!listed) missing << text;
        }
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral(", "))));
        for (int i = 0; i < table->rowCount(); ++i) {
            const QString what = table->item(i, 1)->text();
            QVERIFY2(!what.isEmpty() && what != ShortcutsDialog::tr("(undescribed)"),
                     qPrintable(table->item(i, 0)->text()));
        }
    }
};

QTEST_MAIN(TestShortcutsDialog)
#include "tst_shortcuts_dialog.moc"
