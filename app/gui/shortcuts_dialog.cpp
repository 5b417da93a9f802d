#include "shortcuts_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QShortcut>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace clab::gui {

namespace {
QString plain(QString text) {
    text.remove(QLatin1Char('&'));
    if (text.endsWith(QChar(0x2026))) text.chop(1);
    if (text.endsWith(QLatin1String("..."))) text.chop(3);
    return text.trimmed();
}

// The first menu that shows the action (Qt 6 knows every widget an action was added to).
QString menu_of(const QAction* action) {
    for (const QObject* object : action->associatedObjects())
        if (const auto* menu = qobject_cast<const QMenu*>(object); menu && !menu->title().isEmpty())
            return plain(menu->title());
    return {};
}
} // namespace

QList<ShortcutRow> shortcut_rows(const QWidget* window) {
    QList<ShortcutRow> rows;
    // The window's own actions first (menu order), then those of its parts (a dock's toggle, a
    // panel's button), then keys that are QShortcuts of a part (the code editor's Ctrl+Enter).
    QList<const QAction*> actions;
    for (const QAction* action : window->actions())
        actions.append(action);
    for (const QAction* action : window->findChildren<QAction*>())
        if (!actions.contains(action)) actions.append(action);
    for (const QAction* action : actions) {
        if (action->shortcuts().isEmpty() || action->isSeparator()) continue;
        QStringList keys;
        for (const QKeySequence& key : action->shortcuts())
            keys << key.toString(QKeySequence::NativeText);
        rows.append({keys.join(ShortcutsDialog::tr(" or ")), plain(action->text()), menu_of(action)});
    }
    // Several QShortcuts of one part that do one thing (Ctrl+Return, Ctrl+Enter) make one row.
    for (const QShortcut* shortcut : window->findChildren<QShortcut*>()) {
        if (shortcut->key().isEmpty()) continue;
        const QString what =
            shortcut->whatsThis().isEmpty() ? ShortcutsDialog::tr("(undescribed)") : shortcut->whatsThis();
        const QString key = shortcut->key().toString(QKeySequence::NativeText);
        // A key of another window (Replay) says which window it works in.
        const QWidget* owner = shortcut->parentWidget() ? shortcut->parentWidget()->window() : nullptr;
        const QString where = owner && owner != window ? owner->windowTitle() : QString();
        auto same = std::find_if(rows.begin(), rows.end(),
                                 [&](const ShortcutRow& r) { return r.action == what && r.menu == where; });
        if (same != rows.end())
            same->keys += ShortcutsDialog::tr(" or ") + key;
        else
            rows.append({key, what, where});
    }
    return rows;
}

ShortcutsDialog::ShortcutsDialog(QWidget* window)
    : QDialog(window) {
    setWindowTitle(tr("Keyboard shortcuts"));
    const QList<ShortcutRow> rows = shortcut_rows(window);
    auto* table = new QTableWidget(int(rows.size()), 3, this);
    table->setObjectName(QStringLiteral("shortcutsTable"));
    table->setAccessibleName(tr("Keyboard shortcuts"));
    table->setAccessibleDescription(
        tr("Every key of the window: the keys, what they do, the menu that has it"));
    table->setHorizontalHeaderLabels({tr("Keys"), tr("Action"), tr("Menu or window")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setWordWrap(false);
    for (int i = 0; i < rows.size(); ++i) {
        table->setItem(i, 0, new QTableWidgetItem(rows[i].keys));
        table->setItem(i, 1, new QTableWidgetItem(rows[i].action));
        table->setItem(i, 2, new QTableWidgetItem(rows[i].menu));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table);
    layout->addWidget(buttons);
    resize(table->horizontalHeader()->length() + 60, 420);
}

} // namespace clab::gui
