// Help → Keyboard shortcuts lists what the window's actions really do: every action with a shortcut,
// its keys as Qt spells them and the menu that holds it, and nothing without a shortcut.
#include "core/builtin_engines.h"
#include "gui/main_window.h"
#include "gui/shortcuts_dialog.h"
#include "test_settings.h"

#include <QAction>
#include <QMenu>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace clab;
using namespace clab::gui;

class TestShortcutsDialog : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;

private slots:
    void initTestCase() {
        register_builtin_engines();
        QVERIFY(settings_dir_.isValid());
        use_private_settings(settings_dir_.path(), QStringLiteral("tst_shortcuts_dialog"));
    }

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
        QCOMPARE(table->rowCount(), with_keys);
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
};

QTEST_MAIN(TestShortcutsDialog)
#include "tst_shortcuts_dialog.moc"
