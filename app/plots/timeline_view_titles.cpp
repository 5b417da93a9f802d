// The view titles on the left axes ("Workers", "GIL waiters", "CPU busy %"), rotated and centred on
// their axis rects, never overlap, whatever the font size (the presenter theme nearly doubles it) and
// however short the window makes the rects:
//   - All titles stand in one column, left of the widest tick labels (each axis pads its title by
//     what its own tick labels lack), so a title can only ever meet other titles, never the tick
//     labels of a neighbouring rect (numbers at a rect's top edge stick out above it).
//   - Each title gets its own stretch of that column: its rect, plus half the gap to each neighbour
//     (the first up to the legend, the last down to the bottom of the plot). A title too long for
//     it goes on two lines (the left margin, shared by all rects, grows by a line), and one too long
//     even then is elided.
// The heights of the rects do not depend on titles or paddings, so one more layout pass (run by the
// view's afterLayout handler, before the replot draws) settles it.
#include "timeline_view.h"

#include <QFontMetrics>
#include <algorithm>

namespace clab::plots {

namespace {
constexpr int kTitleGapPx = 4; // kept free between two titles

// Rotated, a title's length is the advance of its longest line.
int length_of(const QString& title, const QFontMetrics& metrics) {
    int longest = 0;
    for (const QString& line : title.split(QLatin1Char('\n')))
        longest = std::max(longest, metrics.horizontalAdvance(line));
    return longest;
}

// The title on two lines, broken at the space that makes the longer line shortest; empty if none.
QString on_two_lines(const QString& title, const QFontMetrics& metrics) {
    QString best;
    int best_length = 0;
    for (qsizetype i = title.indexOf(QLatin1Char(' ')); i >= 0; i = title.indexOf(QLatin1Char(' '), i + 1)) {
        QString candidate = title;
        candidate[i] = QLatin1Char('\n');
        const int length = length_of(candidate, metrics);
        if (best.isEmpty() || length < best_length) {
            best = candidate;
            best_length = length;
        }
    }
    return best;
}

QString fitted_title(const QString& title, int room, const QFontMetrics& metrics) {
    if (length_of(title, metrics) <= room) return title;
    const QString two = on_two_lines(title, metrics);
    if (!two.isEmpty() && length_of(two, metrics) <= room) return two;
    return metrics.elidedText(title, Qt::ElideRight, std::max(room, 0));
}
} // namespace

int TimelineView::title_room_px(const QString& title) const {
    const QFontMetrics metrics(theme_.title_font);
    const QString two = on_two_lines(title, metrics);
    const int length = two.isEmpty() ? length_of(title, metrics)
                                     : std::min(length_of(title, metrics), length_of(two, metrics));
    return length + 2 * kTitleGapPx;
}

bool TimelineView::fit_axis_titles() {
    const QFontMetrics title_metrics(theme_.title_font);
    const QFontMetrics tick_metrics(theme_.font);
    const int padding = theme_.presenter ? 10 : 6;
    std::vector<int> tick_widths;
    for (const Rect& r : rects_) {
        int widest = 0;
        for (const QString& label : r.rect->axis(QCPAxis::atLeft)->tickVectorLabels())
            widest = std::max(widest, tick_metrics.horizontalAdvance(label));
        tick_widths.push_back(widest);
    }
    const int widest = tick_widths.empty() ? 0 : *std::max_element(tick_widths.begin(), tick_widths.end());
    bool changed = false;
    for (size_t i = 0; i < rects_.size(); ++i) {
        const Rect& r = rects_[i];
        QCPAxis* axis = r.rect->axis(QCPAxis::atLeft);
        // The title's stretch of the column, and its centre (where QCustomPlot puts it).
        const QRect inner = r.rect->rect();
        const double top =
            legend_ && legend_->visible() ? legend_->outerRect().bottom() : r.rect->outerRect().top();
        const double upper = i == 0 ? top : (rects_[i - 1].rect->rect().bottom() + inner.top()) / 2.0;
        const double lower = i + 1 == rects_.size()
                                 ? plot_->height()
                                 : (inner.bottom() + rects_[i + 1].rect->rect().top()) / 2.0;
        const double centre = inner.center().y();
        const int room = int(2.0 * std::min(centre - upper, lower - centre)) - kTitleGapPx;
        const QString title = fitted_title(r.title, room, title_metrics);
        const int pad = padding + widest - tick_widths[i];
        if (axis->label() == title && axis->labelPadding() == pad) continue;
        axis->setLabel(title);
        axis->setLabelPadding(pad);
        changed = true;
    }
    return changed;
}

} // namespace clab::plots
