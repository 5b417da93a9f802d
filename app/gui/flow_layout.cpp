#include "flow_layout.h"

#include <QWidget>
#include <algorithm>

namespace clab::gui {

FlowLayout::FlowLayout(QWidget* parent, int spacing)
    : QLayout(parent)
    , spacing_(spacing) {
    setContentsMargins(0, 0, 0, 0);
}

FlowLayout::~FlowLayout() {
    while (QLayoutItem* item = takeAt(0))
        delete item;
}

void FlowLayout::addItem(QLayoutItem* item) {
    items_.append(item);
}

QLayoutItem* FlowLayout::takeAt(int index) {
    return index >= 0 && index < items_.size() ? items_.takeAt(index) : nullptr;
}

int FlowLayout::gap() const {
    return spacing_ >= 0 ? spacing_ : 6;
}

QSize FlowLayout::minimumSize() const {
    QSize size;
    for (const QLayoutItem* item : items_)
        if (!item->isEmpty()) size = size.expandedTo(item->minimumSize());
    const QMargins m = contentsMargins();
    return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const {
    int width = 0, height = 0, shown = 0;
    for (const QLayoutItem* item : items_) {
        if (item->isEmpty()) continue;
        width += item->sizeHint().width() + (shown++ > 0 ? gap() : 0);
        height = std::max(height, item->sizeHint().height());
    }
    const QMargins m = contentsMargins();
    return {width + m.left() + m.right(), height + m.top() + m.bottom()};
}

void FlowLayout::setGeometry(const QRect& rect) {
    QLayout::setGeometry(rect);
    arrange(rect, true);
}

int FlowLayout::arrange(const QRect& rect, bool place) const {
    const QRect area = rect.marginsRemoved(contentsMargins());
    int x = area.x(), y = area.y(), line_height = 0;
    // Items of one line, placed once the line's height is known (each is centred in it).
    QList<QPair<QLayoutItem*, QRect>> line;
    auto close_line = [&] {
        if (place)
            for (const auto& [item, at] : line)
                item->setGeometry(at.translated(0, (line_height - at.height()) / 2));
        line.clear();
    };
    for (QLayoutItem* item : items_) {
        if (item->isEmpty()) continue;
        const QSize size = item->sizeHint().boundedTo(QSize(area.width(), QWIDGETSIZE_MAX));
        if (x > area.x() && x + size.width() > area.right() + 1) { // does not fit: the next line
            close_line();
            x = area.x();
            y += line_height + gap();
            line_height = 0;
        }
        line.append({item, QRect(QPoint(x, y), size)});
        x += size.width() + gap();
        line_height = std::max(line_height, size.height());
    }
    close_line();
    return y + line_height - rect.y() + contentsMargins().bottom();
}

} // namespace clab::gui
