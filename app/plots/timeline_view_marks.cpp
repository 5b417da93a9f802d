// Pointing at things on the timeline: a highlighted lane, a highlighted time range, bookmarks and
// the replay cursor. Kept as values and redrawn as QCustomPlot items whenever the rects are rebuilt.
#include "segment_plottable.h"
#include "timeline_view.h"

namespace clab::plots {

namespace {
void place_x(QCPItemPosition* p, QCPAxisRect* rect, double t, double y_ratio) {
    p->setAxisRect(rect);
    p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    p->setTypeX(QCPItemPosition::ptPlotCoords);
    p->setTypeY(QCPItemPosition::ptAxisRectRatio);
    p->setCoords(t, y_ratio);
}
} // namespace

bool TimelineView::highlight_lane(const QString& name) {
    highlighted_lane_ = name;
    rebuild_decorations();
    plot_->replot(QCustomPlot::rpQueuedReplot);
    if (name.isEmpty()) return true;
    for (size_t i = 0; i < rects_.size(); ++i) {
        Rect& r = rects_[i];
        const int row = r.plottable ? r.plottable->highlighted_row() : -1;
        if (row < 0) continue;
        // Scrolled into view, if its view has more lanes than fit.
        const QCPRange shown = r.rect->axis(QCPAxis::atLeft)->range();
        if (row < shown.lower || row > shown.upper) {
            r.first_lane = row - int(shown.size()) / 2;
            apply_lane_window(i);
        }
        return true;
    }
    return false;
}

void TimelineView::highlight_time_range(double t0, double t1) {
    highlight_t0_ = std::min(t0, t1);
    highlight_t1_ = std::max(t0, t1);
    has_time_highlight_ = true;
    rebuild_decorations();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::clear_highlights() {
    highlighted_lane_.clear();
    has_time_highlight_ = false;
    rebuild_decorations();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::add_bookmark(double t, const QString& label, const QString& full_text) {
    bookmarks_.push_back({t, label, full_text});
    rebuild_decorations();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::clear_bookmarks() {
    bookmarks_.clear();
    rebuild_decorations();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::set_time_cursor(double t) {
    cursor_t_ = t;
    has_cursor_ = true;
    rebuild_decorations();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::clear_time_cursor() {
    has_cursor_ = false;
    rebuild_decorations();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::rebuild_decorations() {
    for (QCPAbstractItem* item : decoration_items_)
        plot_->removeItem(item);
    decoration_items_.clear();
    bookmark_labels_.clear();

    // The lane: matched by name in every view that draws lanes ("GIL" finds the GIL holder lane).
    for (const Rect& r : rects_) {
        if (!r.plottable) continue;
        int row = -1;
        if (!highlighted_lane_.isEmpty()) {
            for (size_t i = 0; i < r.store->lane_count() && row < 0; ++i) {
                const QString name = QString::fromStdString(r.store->lane(i).name);
                if (name.compare(highlighted_lane_, Qt::CaseInsensitive) == 0) row = int(i);
            }
            for (size_t i = 0; i < r.store->lane_count() && row < 0; ++i) {
                const QString name = QString::fromStdString(r.store->lane(i).name);
                if (name.startsWith(highlighted_lane_, Qt::CaseInsensitive)) row = int(i);
            }
            for (size_t i = 0; i < r.store->lane_count() && row < 0; ++i) { // "loop" finds "event loop"
                const QString name = QString::fromStdString(r.store->lane(i).name);
                if (name.contains(highlighted_lane_, Qt::CaseInsensitive)) row = int(i);
            }
        }
        r.plottable->set_highlighted_row(row, theme_.highlight);
    }

    for (const Rect& r : rects_) {
        if (has_time_highlight_) {
            auto* band = new QCPItemRect(plot_);
            band->setClipAxisRect(r.rect);
            place_x(band->topLeft, r.rect, highlight_t0_, 0.0);
            place_x(band->bottomRight, r.rect, highlight_t1_, 1.0);
            // Outlined, not tinted: the lanes inside keep the colours the legend gives them.
            band->setBrush(Qt::NoBrush);
            QColor edge = theme_.highlight;
            edge.setAlpha(255);
            band->setPen(QPen(edge.darker(170), theme_.presenter ? 3 : 2, Qt::DashLine));
            decoration_items_.push_back(band);
        }
        auto vertical_line = [&](double t, const QColor& colour, int width, Qt::PenStyle style) {
            auto* line = new QCPItemLine(plot_);
            line->setClipAxisRect(r.rect);
            place_x(line->start, r.rect, t, 0.0);
            place_x(line->end, r.rect, t, 1.0);
            line->setPen(QPen(colour, width, style));
            decoration_items_.push_back(line);
        };
        for (const Bookmark& b : bookmarks_)
            vertical_line(b.t, theme_.bookmark, theme_.presenter ? 2 : 1, Qt::DashLine);
        if (has_cursor_) vertical_line(cursor_t_, theme_.cursor, theme_.presenter ? 3 : 2, Qt::SolidLine);
    }
    // Bookmark labels once, in a strip above the first rect, so they never cover a lane; each is
    // shortened to the room it has in fit_bookmark_labels() (the tooltip has the full text).
    if (rects_.empty()) return;
    QCPAxisRect* top = rects_.front().rect;
    const int label_px = QFontMetrics(theme_.font).height() + 4;
    QMargins margins = top->minimumMargins();
    margins.setTop(bookmarks_.empty() ? 2 : label_px + 2);
    top->setMinimumMargins(margins);
    for (const Bookmark& b : bookmarks_) {
        auto* text = new QCPItemText(plot_);
        text->setClipToAxisRect(false);
        place_x(text->position, top, b.t, 0.0);
        text->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        text->setText(b.label);
        text->setFont(theme_.font);
        text->setColor(theme_.text);
        QColor label_background = theme_.background;
        label_background.setAlpha(220);
        text->setBrush(label_background);
        text->setPen(QPen(theme_.bookmark));
        text->setPadding(QMargins(3, 1, 3, 1));
        // A lesson's notice is explained beside the lab already; an exported picture leaves it out.
        if (!b.full_text.isEmpty()) text->setProperty("clab_leave_out_of_export", true);
        decoration_items_.push_back(text);
        bookmark_labels_.push_back(text);
    }
}

// Runs after every layout (so with the current axis range and rect): each label gets the room from
// its bookmark to the next one (or the rect's right edge), elided with "…" if it needs more; a
// bookmark near the right edge puts its label on the left of the line instead when that is roomier.
void TimelineView::fit_bookmark_labels() {
    if (rects_.empty() || bookmark_labels_.size() != bookmarks_.size()) return;
    const QCPAxisRect* top = rects_.front().rect;
    const QCPAxis* x = top->axis(QCPAxis::atBottom);
    const QFontMetrics metrics(theme_.font);
    constexpr int kPaddingPx = 8; // the label's padding and frame
    std::vector<double> lines;
    for (const Bookmark& b : bookmarks_)
        lines.push_back(x->coordToPixel(b.t));
    for (size_t i = 0; i < bookmarks_.size(); ++i) {
        QCPItemText* text = bookmark_labels_[i];
        const double px = lines[i];
        const bool shown = x->range().contains(bookmarks_[i].t);
        text->setVisible(shown);
        if (!shown) continue;
        double right = top->right();
        double left = top->left();
        for (size_t j = 0; j < lines.size(); ++j) {
            if (j == i) continue;
            if (lines[j] > px) right = std::min(right, lines[j]);
            if (lines[j] < px) left = std::max(left, lines[j]);
        }
        const int needed = metrics.horizontalAdvance(bookmarks_[i].label) + kPaddingPx;
        const bool on_left = needed > right - px && px - left > right - px;
        const int room = int(on_left ? px - left : right - px) - kPaddingPx;
        text->setPositionAlignment((on_left ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignBottom);
        const QString shortened = metrics.elidedText(bookmarks_[i].label, Qt::ElideRight, std::max(room, 0));
        text->setText(shortened);
        text->setVisible(!shortened.isEmpty()); // no room at all: the line alone marks it
    }
}

// The full text of a bookmark label under `pos` (labels may be elided), or empty.
QString TimelineView::describe_bookmark(const QPoint& pos) const {
    for (size_t i = 0; i < bookmark_labels_.size() && i < bookmarks_.size(); ++i) {
        const QCPItemText* text = bookmark_labels_[i];
        if (!text->visible()) continue;
        const QRectF box(text->topLeft->pixelPosition(), text->bottomRight->pixelPosition());
        if (box.normalized().contains(pos))
            return (bookmarks_[i].full_text.isEmpty() ? bookmarks_[i].label : bookmarks_[i].full_text)
                .toHtmlEscaped();
    }
    return {};
}

} // namespace clab::plots
