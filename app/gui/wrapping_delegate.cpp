#include "wrapping_delegate.h"

#include <QApplication>
#include <QEvent>
#include <QTimer>
#include <QTreeView>
#include <functional>

namespace clab::gui {

WrappingDelegate::WrappingDelegate(QTreeView* view)
    : QStyledItemDelegate(view)
    , view_(view) {
    view->setItemDelegate(this);
    view->setWordWrap(true);
    view->setTextElideMode(Qt::ElideNone);
    view->setUniformRowHeights(false); // a wrapped title takes two or three lines
    view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view->viewport()->installEventFilter(this);
    view->installEventFilter(this); // font changes (presenter mode)
    base_minimum_width_ = view->minimumWidth();
}

void WrappingDelegate::relayout() {
    // A word cannot wrap ("ProcessPoolExecutor"): the view is at least as wide as its widest word.
    const QAbstractItemModel* model = view_->model();
    const QStyle* style = view_->style();
    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view_) + 1;
    const int chrome = view_->iconSize().width() + 4 * margin + view_->frameWidth() * 2 +
                       style->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, view_) + 4;
    int widest = 0;
    std::function<void(const QModelIndex&, int)> walk = [&](const QModelIndex& parent, int depth) {
        for (int row = 0; model && row < model->rowCount(parent); ++row) {
            const QModelIndex index = model->index(row, 0, parent);
            QFont font = view_->font();
            if (const QVariant f = index.data(Qt::FontRole); f.isValid()) font = f.value<QFont>();
            const QFontMetrics fm(font);
            const int indent = view_->indentation() * (depth + (view_->rootIsDecorated() ? 1 : 0));
            for (const QString& word : index.data(Qt::DisplayRole).toString().split(QLatin1Char(' ')))
                widest = std::max(widest, indent + fm.horizontalAdvance(word));
            walk(index, depth + 1);
        }
    };
    walk(QModelIndex(), 0);
    view_->setMinimumWidth(std::max(base_minimum_width_, widest + chrome));
    view_->doItemsLayout(); // row heights depend on the width and the font
}

void WrappingDelegate::scheduleRelayout() {
    if (relayout_pending_) return;
    relayout_pending_ = true;
    QTimer::singleShot(0, this, [this] {
        relayout_pending_ = false;
        relayout();
    });
}

QSize WrappingDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    int depth = 0;
    for (QModelIndex p = index.parent(); p.isValid(); p = p.parent())
        ++depth;
    const int indent = view_->indentation() * (depth + (view_->rootIsDecorated() ? 1 : 0));
    opt.rect = QRect(0, 0, std::max(40, view_->viewport()->width() - indent), 1);
    opt.features |= QStyleOptionViewItem::WrapText;
    const QWidget* widget = opt.widget ? opt.widget : view_;
    QStyle* style = widget->style();
    return style->sizeFromContents(QStyle::CT_ItemViewItem, &opt, QSize(), widget);
}

bool WrappingDelegate::eventFilter(QObject* watched, QEvent* event) {
    // The event's type first: while the view is destroyed its children still send events through
    // this filter, and view_ is no longer a QAbstractScrollArea to ask for its viewport (UBSan, the
    // random session, seed 192026).
    if (event->type() == QEvent::Resize && watched == view_->viewport() &&
        view_->viewport()->width() != laid_width_) {
        laid_width_ = view_->viewport()->width();
        scheduleRelayout(); // after this resize is done
    }
    if (watched == view_ && event->type() == QEvent::FontChange) scheduleRelayout();
    return false; // not QStyledItemDelegate::eventFilter: it would take the view for an editor
}

} // namespace clab::gui
