// Pausing the live view: the student freezes the picture to look at it while the run goes on. The
// run keeps recording (the GUI still drains it into its trace and feeds the view); the view keeps
// what it is fed instead of applying it, so nothing on screen moves, whatever is redrawn (zoom, pan,
// hover, resize). Resuming hands the model everything kept, in the order it came, which is exactly
// what the model would have been fed live, and the next frame shows the run as it is now.
#include "shared_timelines.h"
#include "timeline_view.h"

namespace clab::plots {

void TimelineView::set_live_paused(bool on) {
    if (on == paused_) return;
    paused_ = on;
    if (on) {
        refresh_timer_.stop(); // a frame already asked for would move the picture
        if (!paused_label_) {
            paused_label_ = new QLabel(plot_);
            paused_label_->setObjectName(QStringLiteral("livePausedLabel"));
            paused_label_->setAttribute(Qt::WA_TransparentForMouseEvents);
            paused_label_->setMargin(4);
        }
        paused_label_->setText(tr("Live view paused: the run is still recorded"));
        QPalette palette = paused_label_->palette();
        palette.setColor(QPalette::Window, theme_.background);
        palette.setColor(QPalette::WindowText, theme_.text);
        paused_label_->setPalette(palette);
        paused_label_->setAutoFillBackground(true);
        paused_label_->setFont(theme_.legend_font);
        paused_label_->adjustSize();
        place_paused_label();
        paused_label_->show();
        paused_label_->raise();
    } else {
        if (paused_label_) paused_label_->hide();
        release_held();
    }
    emit live_paused_changed(on);
}

void TimelineView::release_held() {
    Held held = std::move(held_);
    held_ = Held();
    if (held.fed) model_->ingest(held.events, held.lanes, held.origin_ns);
    if (held.now_ns >= 0) model_->set_now(held.now_ns);
    if (held.finished) {
        model_->finish(held.end_ns);
        use_model(offer_shared_timeline(model_));
    }
    schedule_refresh();
}

void TimelineView::place_paused_label() {
    if (!paused_label_) return;
    paused_label_->adjustSize();
    paused_label_->move(std::max(0, plot_->width() - paused_label_->width() - 8), 4);
}

} // namespace clab::plots
