// Toolbars that do not fit side by side get a row of their own, instead of Qt hiding their last
// buttons behind a » menu. Presenter mode's large font at 1600 px hid "Slow motion" that way, and a
// teacher at the projector must see every control without hunting for it.
#pragma once

#include <QObject>

class QMainWindow;

namespace clab::gui {

class ToolBarRows : public QObject {
public:
    explicit ToolBarRows(QMainWindow* window);

    // Breaks the top toolbar area into rows so each toolbar gets its full width. Called on its
    // own after a resize, a font or style change and a toolbar's own layout change.
    void arrange();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void schedule();

    QMainWindow* window_;
    bool scheduled_ = false;
};

} // namespace clab::gui
