// Geometry checks of a laid-out window, shared by the layout tests: every text a person should read
// is whole (not cut by its own size nor by an ancestor, not elided), every toolbar action is on its
// bar (not in the overflow menu), and every lesson in the navigator is shown whole. Each returns
// the faults it found, in words (empty: none).
#pragma once

#include "core/experiment/spec.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractScrollArea>
#include <QAction>
#include <QGroupBox>
#include <QLabel>
#include <QMainWindow>
#include <QStringList>
#include <QStyle>
#include <QStyleOptionViewItem>
#include <QToolBar>
#include <QTreeView>
#include <algorithm>
#include <cmath>
#include <functional>
#include <qcustomplot.h>

namespace clab::test {

// A step's own experiment (its lanes and views) with less work, fewer and shorter waits and
// smaller payloads, so a layout test can run every step: this measures room, not speed.
inline ExperimentSpec shortened(ExperimentSpec s) {
    s.iterations = std::min<int64_t>(s.iterations, 20'000);
    s.io_ms = std::min(s.io_ms, 2.0);
    s.io_count = std::min(s.io_count, 2);
    s.tasks = std::min(s.tasks, 40); // more lanes than a view's first height: they scroll
    s.payload_bytes = std::min<int64_t>(s.payload_bytes, 64 * 1024);
    s.time_scale = 1.0;
    s.timeout_s = 10; // a safety net: these runs take milliseconds
    return s;
}

inline QString describe_widget(const QWidget* w) {
    const auto* label = qobject_cast<const QLabel*>(w);
    const auto* button = qobject_cast<const QAbstractButton*>(w);
    QString text = label ? label->text() : button ? button->text() : QString();
    if (text.size() > 50) text = text.left(47) + QStringLiteral("...");
    return QStringLiteral("%1 '%2' (%3)")
        .arg(QString::fromLatin1(w->metaObject()->className()), text,
             w->objectName().isEmpty() ? QStringLiteral("no name") : w->objectName());
}

// Is `w` shown whole within every ancestor up to its window? Inside a scroll area it may be scrolled
// away vertically (that is what the area is for), never cut sideways.
inline bool cut_by_ancestor(const QWidget* w, QString* by) {
    QRect r = w->rect();
    const QWidget* child = w;
    for (const QWidget* a = w->parentWidget(); a; child = a, a = a->parentWidget()) {
        r.translate(child->pos());
        const auto* area =
            a->parentWidget() ? qobject_cast<const QAbstractScrollArea*>(a->parentWidget()) : nullptr;
        const bool viewport = area && area->viewport() == a;
        const QRect inside = a->rect();
        const bool fits =
            viewport ? r.left() >= inside.left() && r.right() <= inside.right() : inside.contains(r);
        if (!fits) {
            *by = describe_widget(a);
            return true;
        }
        if (viewport) {
            r = r.intersected(inside);     // what is scrolled into view must fit further up
            if (r.isEmpty()) return false; // scrolled out of view
        }
        if (a->isWindow()) break;
    }
    return false;
}

// The texts of labels, buttons and group boxes inside `root`: each as large as its text needs, and
// not cut by an ancestor.
inline QStringList clipped_texts(const QWidget* root) {
    QStringList faults;
    for (const QWidget* w : root->findChildren<QWidget*>()) {
        if (!w->isVisible() || w->width() <= 0) continue;
        const auto* label = qobject_cast<const QLabel*>(w);
        const auto* button = qobject_cast<const QAbstractButton*>(w);
        const auto* group = qobject_cast<const QGroupBox*>(w);
        if (label && label->text().isEmpty() && !label->pixmap().isNull()) continue;
        if (label && label->text().trimmed().isEmpty()) continue;
        if (button && button->text().isEmpty()) continue;
        if (button && button->parentWidget() && qobject_cast<const QToolBar*>(button->parentWidget()))
            continue; // toolbar buttons: toolbar_overflow() checks their bar
        if (!label && !button && !group) continue;
        QSize need;
        if (label && label->wordWrap())
            need = QSize(label->minimumSizeHint().width(), label->heightForWidth(label->width()));
        else if (button && button->hasHeightForWidth()) // a button whose text wraps
            need = QSize(button->minimumSizeHint().width(), button->heightForWidth(button->width()));
        else if (group)
            need = QSize(group->minimumSizeHint().width(), 0);
        else
            need = w->sizeHint();
        if (w->width() + 1 < need.width() || w->height() + 1 < need.height())
            faults << QStringLiteral("%1 is %2x%3 px, its text needs %4x%5")
                          .arg(describe_widget(w))
                          .arg(w->width())
                          .arg(w->height())
                          .arg(need.width())
                          .arg(need.height());
        QString by;
        if (cut_by_ancestor(w, &by)) faults << QStringLiteral("%1 is cut by %2").arg(describe_widget(w), by);
    }
    return faults;
}

// Toolbar actions that did not fit and went into the bar's "»" menu.
inline QStringList toolbar_overflow(const QMainWindow* window) {
    QStringList faults;
    for (const QToolBar* bar : window->findChildren<QToolBar*>()) {
        if (!bar->isVisible()) continue;
        for (QAction* a : bar->actions()) {
            if (!a->isVisible() || a->isSeparator()) continue;
            const QWidget* w = bar->widgetForAction(a);
            if (w && !w->isVisible())
                faults << QStringLiteral("toolbar '%1': '%2' is in the overflow menu")
                              .arg(bar->windowTitle(), a->iconText());
        }
    }
    return faults;
}

// Every row of a tree view whole: its text, in the text rectangle the view's style gives the row,
// fits (wrapped onto more lines if the view wraps) and nothing is elided.
inline QStringList cut_tree_rows(const QTreeView* view) {
    QStringList faults;
    const QAbstractItemModel* model = view->model();
    const QStyle* style = view->style();
    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1;
    std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
        for (int row = 0; row < model->rowCount(parent); ++row) {
            const QModelIndex index = model->index(row, 0, parent);
            const QRect rect = view->visualRect(index);
            if (rect.isValid()) {
                QStyleOptionViewItem opt;
                opt.initFrom(view);
                opt.rect = rect;
                opt.text = index.data(Qt::DisplayRole).toString();
                opt.font = view->font();
                if (const QVariant f = index.data(Qt::FontRole); f.isValid()) opt.font = f.value<QFont>();
                opt.fontMetrics = QFontMetrics(opt.font);
                opt.features = QStyleOptionViewItem::HasDisplay;
                if (view->wordWrap()) opt.features |= QStyleOptionViewItem::WrapText;
                if (index.data(Qt::DecorationRole).isValid()) {
                    opt.features |= QStyleOptionViewItem::HasDecoration;
                    opt.decorationSize = view->iconSize();
                }
                const QRect text_rect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, view);
                const int width = std::min(text_rect.right(), view->viewport()->width() - 1) -
                                  text_rect.left() + 1 - 2 * margin;
                const QRect needed = opt.fontMetrics.boundingRect(
                    QRect(0, 0, std::max(1, width), 100000),
                    view->wordWrap() ? int(Qt::TextWordWrap) : int(Qt::TextSingleLine), opt.text);
                if (needed.width() > width || needed.height() > text_rect.height())
                    faults << QStringLiteral("navigator row '%1' needs %2x%3 px, has %4x%5")
                                  .arg(opt.text)
                                  .arg(needed.width())
                                  .arg(needed.height())
                                  .arg(width)
                                  .arg(text_rect.height());
            }
            if (view->isExpanded(index)) walk(index);
        }
    };
    walk(QModelIndex());
    return faults;
}

// A timeline's plot (plots::TimelineView::plot()): every view title whole (not elided to "W…"),
// and every lane in view labelled and at least `min_lane_px` thick. A view with more lanes than
// fit scrolls them (its y range is a window of lanes): the lanes in that window count.
inline QStringList timeline_faults(const QCustomPlot* plot, int min_lane_px = 12) {
    QStringList faults;
    for (int i = 0; i < plot->axisRectCount(); ++i) {
        QCPAxisRect* rect = plot->axisRect(i);
        QCPAxis* y = rect->axis(QCPAxis::atLeft);
        if (y->label().contains(QChar(0x2026)))
            faults << QStringLiteral("title elided to '%1'").arg(y->label());
        const auto text = y->ticker().dynamicCast<QCPAxisTickerText>();
        if (!text) continue; // a series rect: numbers, not lane names
        const int first = int(std::ceil(y->range().lower));
        const int last = int(std::floor(y->range().upper));
        const int lanes = last - first + 1;
        if (lanes <= 0) continue;
        const auto& ticks = text->ticks();
        const auto in_view = std::distance(ticks.lowerBound(first), ticks.upperBound(last));
        if (in_view < lanes)
            faults << QStringLiteral("%1 of %2 lane labels in view in '%3' (%4 px high)")
                          .arg(in_view)
                          .arg(lanes)
                          .arg(y->label())
                          .arg(rect->height());
        if (rect->height() < lanes * min_lane_px)
            faults << QStringLiteral("%1 lanes in %2 px in '%3': thinner than %4 px")
                          .arg(lanes)
                          .arg(rect->height())
                          .arg(y->label())
                          .arg(min_lane_px);
    }
    return faults;
}

} // namespace clab::test
