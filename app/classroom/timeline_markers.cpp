#include "timeline_markers.h"

#include "plots/timeline_view.h"

#include <QPointer>
#include <qcustomplot.h>

namespace clab::classroom {

namespace {

const char* const kTag = "clab_classroom_marker"; // property on the items we add, to find them again

QList<QCustomPlot*> plots_of(QWidget* w) {
    if (w == nullptr) return {};
    if (auto* p = qobject_cast<QCustomPlot*>(w)) return {p};
    return w->findChildren<QCustomPlot*>();
}

// The real timeline (app/plots), the widget itself or inside it (a pane wrapping it).
plots::TimelineView* timeline_view(QWidget* w) {
    if (w == nullptr) return nullptr;
    if (auto* view = qobject_cast<plots::TimelineView*>(w)) return view;
    return w->findChild<plots::TimelineView*>();
}

void remove_items(QCustomPlot* plot, const QString& kind) {
    for (int i = plot->itemCount() - 1; i >= 0; --i) {
        QCPAbstractItem* item = plot->item(i);
        if (item->property(kTag).toString() == kind) plot->removeItem(item);
    }
}

QCPItemStraightLine* vertical_line(QCustomPlot* plot, double t, const QPen& pen, const QString& kind) {
    auto* line = new QCPItemStraightLine(plot);
    line->setProperty(kTag, kind);
    line->setLayer(QStringLiteral("overlay"));
    line->setClipToAxisRect(true);
    line->point1->setType(QCPItemPosition::ptPlotCoords);
    line->point2->setType(QCPItemPosition::ptPlotCoords);
    line->point1->setCoords(t, 0);
    line->point2->setCoords(t, 1);
    line->setPen(pen);
    line->setSelectable(false);
    return line;
}

} // namespace

void show_cursor(QWidget* timeline, double t_s) {
    if (timeline == nullptr) return;
    if (plots::TimelineView* view = timeline_view(timeline)) {
        if (t_s >= 0)
            view->set_time_cursor(t_s);
        else
            view->clear_time_cursor();
        return;
    }
    for (QCustomPlot* plot : plots_of(timeline)) {
        remove_items(plot, QStringLiteral("cursor"));
        if (t_s >= 0) {
            QPen pen(QColor(220, 20, 60), 2);
            vertical_line(plot, t_s, pen, QStringLiteral("cursor"));
        }
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void show_bookmarks(QWidget* timeline, const QList<Bookmark>& bookmarks) {
    if (timeline == nullptr) return;
    if (plots::TimelineView* view = timeline_view(timeline)) {
        view->clear_bookmarks();
        for (const Bookmark& b : bookmarks) {
            // The view draws instants; a range gets its span written into the label.
            // A lesson's notice: its whole text would cover the top lanes and be cut off, so the
            // label only says what it is; hovering it shows the text.
            const QString name = b.from_lesson ? QObject::tr("notice") : b.label;
            const QString label =
                b.to_s > b.t_s ? QStringLiteral("%1 (to %2 s)").arg(name).arg(b.to_s, 0, 'g', 4) : name;
            view->add_bookmark(b.t_s, label, b.from_lesson ? b.label : QString());
        }
        return;
    }
    for (QCustomPlot* plot : plots_of(timeline)) {
        remove_items(plot, QStringLiteral("bookmark"));
        for (const Bookmark& b : bookmarks) {
            const QColor colour = b.from_lesson ? QColor(0, 114, 178) : QColor(230, 159, 0); // Okabe-Ito
            QPen pen(colour, 2, Qt::DashLine);
            vertical_line(plot, b.t_s, pen, QStringLiteral("bookmark"));
            if (b.to_s > b.t_s) vertical_line(plot, b.to_s, pen, QStringLiteral("bookmark"));
            auto* text = new QCPItemText(plot);
            text->setProperty(kTag, QStringLiteral("bookmark"));
            text->setLayer(QStringLiteral("overlay"));
            text->setClipToAxisRect(true);
            text->position->setTypeX(QCPItemPosition::ptPlotCoords);
            text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
            text->position->setCoords(b.t_s, 0.0);
            text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
            text->setText(b.label);
            text->setColor(Qt::black);
            text->setBrush(QBrush(colour.lighter(160)));
            text->setPadding(QMargins(3, 1, 3, 1));
            text->setSelectable(false);
        }
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void link_time_axes(const QList<QWidget*>& timelines) {
    QList<QPointer<plots::TimelineView>> views;
    for (QWidget* w : timelines)
        if (plots::TimelineView* v = timeline_view(w)) views.append(v);
    for (plots::TimelineView* source : views) {
        QObject::connect(
            source, &plots::TimelineView::time_range_changed, source, [source, views](double t0, double t1) {
                for (const QPointer<plots::TimelineView>& other : views) {
                    if (!other || other == source) continue;
                    const QCPRange now = other->time_range();
                    if (qFuzzyCompare(now.lower + 1.0, t0 + 1.0) && qFuzzyCompare(now.upper + 1.0, t1 + 1.0))
                        continue;
                    other->set_time_range(t0, t1); // equal ranges stop the echo
                }
            });
    }
    if (!views.isEmpty()) return;
    QList<QPointer<QCustomPlot>> plots;
    for (QWidget* w : timelines)
        for (QCustomPlot* p : plots_of(w))
            plots.append(p);
    for (QCustomPlot* source : plots) {
        QObject::connect(source->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), source,
                         [source, plots](const QCPRange& range) {
                             for (const QPointer<QCustomPlot>& other : plots) {
                                 if (!other || other == source || other->xAxis->range() == range) continue;
                                 other->xAxis->setRange(range); // equal ranges stop the echo
                                 other->replot(QCustomPlot::rpQueuedReplot);
                             }
                         });
    }
}

void set_time_range(QWidget* timeline, double t0_s, double t1_s) {
    if (plots::TimelineView* view = timeline_view(timeline)) {
        view->set_time_range(t0_s, t1_s);
        return;
    }
    for (QCustomPlot* plot : plots_of(timeline)) {
        plot->xAxis->setRange(t0_s, t1_s);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

QString share_one_legend(const QList<QWidget*>& timelines) {
    uint64_t keys = 0;
    bool any = false;
    for (QWidget* w : timelines) {
        plots::TimelineView* view = timeline_view(w);
        if (!view) continue;
        any = true;
        view->set_legend_shown(false);
        view->replot_now();
        w->setMinimumHeight(view->preferred_height(plots::TimelineView::kLabelledLanes));
        keys |= view->state_keys_shown();
    }
    if (!any) return {};
    QStringList items;
    for (int s = 0; s < int(SegState::Count); ++s)
        if (keys & (uint64_t(1) << s))
            items << QStringLiteral("<span style='color:%1'>■</span>&nbsp;%2")
                         .arg(plots::state_colour(SegState(s)).name(),
                              // an item wraps as a whole, never "loop runs a" / "callback"
                              plots::state_label(SegState(s))
                                  .toHtmlEscaped()
                                  .replace(QLatin1Char(' '), QStringLiteral("&nbsp;")));
    return items.join(QStringLiteral("&nbsp;&nbsp; "));
}

void align_time_axes(const QList<QWidget*>& timelines) {
    QList<QPointer<QCustomPlot>> plots;
    for (QWidget* w : timelines)
        for (QCustomPlot* p : plots_of(w))
            plots.append(p);
    // Margins settle only once each plot is laid out at its real size (a lane title may wrap and
    // widen one), so this runs after every layout. It only ever widens, so it comes to rest.
    const auto align = [plots] {
        int left = 0;
        for (const QPointer<QCustomPlot>& plot : plots)
            if (plot)
                for (QCPAxisRect* rect : plot->axisRects())
                    left = std::max(left, rect->margins().left());
        for (const QPointer<QCustomPlot>& plot : plots) {
            if (!plot) continue;
            bool changed = false;
            for (QCPAxisRect* rect : plot->axisRects()) {
                QMargins margins = rect->minimumMargins();
                if (margins.left() >= left) continue;
                margins.setLeft(left);
                rect->setMinimumMargins(margins);
                changed = true;
            }
            if (changed) plot->replot(QCustomPlot::rpQueuedReplot);
        }
    };
    for (const QPointer<QCustomPlot>& plot : plots)
        QObject::connect(plot, &QCustomPlot::afterLayout, plot, align);
    align();
}

double time_at(QWidget* timeline, const QPoint& pos) {
    if (plots::TimelineView* view = timeline_view(timeline)) {
        QCustomPlot* plot = view->plot();
        const QPoint local = plot->mapFrom(timeline, pos);
        QCPAxisRect* rect = plot->axisRectCount() > 0 ? plot->axisRect(0) : nullptr;
        return rect ? rect->axis(QCPAxis::atBottom)->pixelToCoord(local.x()) : -1;
    }
    const QList<QCustomPlot*> plots = plots_of(timeline);
    if (plots.isEmpty()) return -1;
    QCustomPlot* plot = plots.front();
    const QPoint local = plot->mapFrom(timeline, pos);
    return plot->xAxis->pixelToCoord(local.x());
}

} // namespace clab::classroom
