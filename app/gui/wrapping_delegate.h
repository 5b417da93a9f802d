// Item rows of a tree view that wrap their text onto more lines instead of eliding it ("Two
// threads, o…"): the lesson navigator shows every title whole at any width and font size.
// QTreeView asks a delegate for row heights without telling it the column's width, so this one
// measures against the view's viewport itself, and lays the rows out again when that width changes.
#pragma once

#include <QStyledItemDelegate>

class QTreeView;

namespace clab::gui {

class WrappingDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit WrappingDelegate(QTreeView* view); // installs itself on `view`, and word wrap

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

public slots:
    // Lays the rows out again, and widens the view to its widest word (after the model changed).
    void scheduleRelayout();

private:
    void relayout();

    QTreeView* view_;
    int laid_width_ = -1;
    int base_minimum_width_ = 0;
    bool relayout_pending_ = false;
};

} // namespace clab::gui
