// Help → Keyboard shortcuts: every shortcut of a window, read from its QActions, so the list always
// says what the keys really do (a new action with a shortcut shows up by itself).
#pragma once

#include <QDialog>
#include <QList>
#include <QString>

namespace clab::gui {

struct ShortcutRow {
    QString keys;   // "Space", "Alt+Left or Left": every key sequence of the action, as the desktop spells it
    QString action; // the action's text without its mnemonic '&' or a trailing ellipsis
    QString menu;   // the menu it appears in ("Run"), or the other window it works in (Replay's keys),
                    // empty when it lives only on the window
};

// One row per action with a shortcut of `window` and of its parts (window->actions() first, in the
// order they were added), then one per QShortcut of its parts, described by its whatsThis.
QList<ShortcutRow> shortcut_rows(const QWidget* window);

class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    explicit ShortcutsDialog(QWidget* window);
};

} // namespace clab::gui
