#include "tab_order.h"

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QScrollBar>
#include <QWidget>
#include <algorithm>

namespace clab::gui {

bool takes_tab_focus(const QWidget* w, const QWidget* window) {
    if (!w->isVisibleTo(window) || !w->isEnabled() || !(w->focusPolicy() & Qt::TabFocus)) return false;
    if (qobject_cast<const QScrollBar*>(w)) return false;
    for (const QWidget* p = w->parentWidget(); p && p != window; p = p->parentWidget())
        if (qobject_cast<const QAbstractSpinBox*>(p) || qobject_cast<const QComboBox*>(p)) return false;
    return true;
}

void order_tabs(const QList<QWidget*>& panels) {
    QWidget* previous = nullptr;
    for (QWidget* panel : panels) {
        if (!panel) continue;
        QWidget* window = panel->window();
        QList<QWidget*> stops;
        if (takes_tab_focus(panel, window)) stops.append(panel);
        for (QWidget* w : panel->findChildren<QWidget*>())
            if (takes_tab_focus(w, window)) stops.append(w);
        // Reading order by where each control is on screen (a scrolled-away control by where it
        // sits in its scroll area); ties keep Qt's order.
        std::stable_sort(stops.begin(), stops.end(), [window](const QWidget* a, const QWidget* b) {
            const QPoint pa = a->mapTo(window, QPoint(0, 0));
            const QPoint pb = b->mapTo(window, QPoint(0, 0));
            return pa.y() != pb.y() ? pa.y() < pb.y() : pa.x() < pb.x();
        });
        for (QWidget* w : stops) {
            if (previous) QWidget::setTabOrder(previous, w);
            previous = w;
        }
    }
}

} // namespace clab::gui
