// How the timeline keeps up with a live run without eating the GUI thread.
//
// The GUI feeds the view 40 times a second (ingest + set_now per poll). Each feed schedules one
// refresh, which applies the model and, if the picture changed, draws a frame at once (no fixed
// delay: the newest data is on screen as soon as it arrived). Two things keep frames cheap:
//   - While the layout is what the last full replot laid out (same time range, same value ranges,
//     same legend, same size), only the data layer is redrawn: axes, tick labels, grid and legend
//     stay in their buffer. Following a live run, the time axis grows in steps (kLiveGrowth), so
//     most frames are data-only frames.
//   - A drawing budget: drawing may take kDrawBudget of one core. The view earns that much CPU time
//     per wall-clock millisecond (up to a small reserve) and pays each frame's measured CPU time; a
//     feed that finds the account empty waits until it is even again. Cheap frames come at the rate
//     of the feeds; expensive ones (a slow machine, a huge run) come less often instead of freezing
//     the GUI, but never more than kMaxFrameMs apart.
// When the run ends, finish() schedules a refresh like any other change, and the run's last frame
// is a full replot (the time range is fitted to the end, so the layout changed).
#include "timeline_view.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace clab::plots {

namespace {
constexpr double kDrawBudget = 0.035; // of one core
constexpr double kReserveMs = 4.0;    // CPU time a view may save up for a burst of frames
constexpr int kMinFrameMs = 16;       // at most ~60 frames a second
constexpr int kMaxFrameMs = 250;      // and at least 4 while something changes
// A one-off expensive frame (the first one after start-up, a rebuild) is forgiven beyond what one
// longest wait earns back, so it does not hold the frame rate down for seconds afterwards.
constexpr double kMaxDebtMs = kDrawBudget * kMaxFrameMs;

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
}
} // namespace

void TimelineView::earn_drawing_time() {
    if (!budget_clock_.isValid()) {
        budget_clock_.start();
        drawing_credit_ms_ = kReserveMs;
        return;
    }
    drawing_credit_ms_ =
        std::min(kReserveMs, drawing_credit_ms_ + kDrawBudget * double(budget_clock_.restart()));
}

void TimelineView::schedule_refresh() {
    if (refresh_timer_.isActive()) return;
    earn_drawing_time();
    // A zero wait still runs after the events already queued, so the ingest and set_now of one poll
    // share a frame.
    double wait = last_frame_.isValid() ? double(kMinFrameMs - last_frame_.elapsed()) : 0.0;
    if (drawing_credit_ms_ < 0.0) wait = std::max(wait, -drawing_credit_ms_ / kDrawBudget);
    refresh_timer_.start(int(std::ceil(std::clamp(wait, 0.0, double(kMaxFrameMs)))));
}

void TimelineView::refresh() {
    const double cpu0 = thread_cpu_ms();
    // The model is applied even when hidden (cheap, and keeps the range right); drawing waits.
    if (!apply_model()) return;
    if (!isVisible()) {
        stale_while_hidden_ = true;
        return;
    }
    if (data_layer_ && data_layer_->mode() == QCPLayer::lmBuffered && layout_key() == laid_out_) {
        data_layer_->replot(); // a full replot instead if the paint buffers were invalidated meanwhile
        plot_->repaint();      // now, so the frame's cost is measured and the data shows without delay
        ++frame_stats_.data_only;
    } else {
        plot_->replot(QCustomPlot::rpImmediateRefresh);
        ++frame_stats_.full;
    }
    const double cost = thread_cpu_ms() - cpu0;
    frame_stats_.cpu_ms += cost;
    earn_drawing_time();
    drawing_credit_ms_ = std::max(-kMaxDebtMs, drawing_credit_ms_ - cost);
    last_frame_.start();
}

TimelineView::LayoutKey TimelineView::layout_key() const {
    LayoutKey key;
    key.size = plot_->size();
    key.rebuilds = rebuilds_;
    key.legend = legend_signature_;
    for (const Rect& r : rects_)
        for (QCPAxis* axis : {r.rect->axis(QCPAxis::atBottom), r.rect->axis(QCPAxis::atLeft)}) {
            key.ranges.push_back(axis->range().lower);
            key.ranges.push_back(axis->range().upper);
        }
    return key;
}

void TimelineView::replot_now() {
    refresh_timer_.stop();
    apply_model();
    plot_->replot(QCustomPlot::rpImmediateRefresh);
}

void TimelineView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_while_hidden_) {
        stale_while_hidden_ = false;
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
}

} // namespace clab::plots
