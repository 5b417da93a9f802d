// The lab's timeline: the plots' TimelineView behind the TimelinePane interface.
#include "timeline_pane.h"

#include "core/trace/event.h"
#include "plots/timeline_view.h"

#include <QVBoxLayout>
#include <algorithm>

namespace clab::gui {

namespace {

class PlotsTimeline : public TimelinePane {
public:
    explicit PlotsTimeline(QWidget* parent)
        : TimelinePane(parent) {
        setObjectName(QStringLiteral("timeline"));
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        view_ = new plots::TimelineView(this);
        view_->setObjectName(QStringLiteral("timelineView"));
        layout->addWidget(view_);
        setMinimumHeight(200);
        connect(view_, &plots::TimelineView::live_paused_changed, this, &TimelinePane::livePausedChanged);
    }

    void clear() override {
        view_->clear_highlights();
        view_->reset();
    }
    void beginRun(const ExperimentSpec&) override {
        view_->clear_highlights();
        view_->reset();
    }
    void updateRun(const Trace& trace, const std::vector<Event>& batch) override {
        if (!batch.empty()) view_->ingest(batch, trace.lanes, trace.origin_ns);
        view_->set_now(now_ns()); // the live edge moves even when nothing was recorded
    }
    void finishRun(const Trace& trace, const Summary&) override { view_->finish(trace.end_ns()); }

    void highlight(const lessons::Notice& notice) override {
        view_->clear_highlights();
        // Lessons name lane groups in lower case; the view knows lanes by their shown names.
        const QString lane = notice.lane.trimmed();
        if (!lane.isEmpty() && !view_->highlight_lane(lane)) {
            static const QList<QPair<QString, QString>> groups = {
                {QStringLiteral("gil"), QStringLiteral("GIL")},
                {QStringLiteral("cores"), QStringLiteral("CPU 0")},
                {QStringLiteral("loop"), QStringLiteral("loop")}};
            for (const auto& [key, name] : groups)
                if (lane.compare(key, Qt::CaseInsensitive) == 0) view_->highlight_lane(name);
        }
        if (notice.from_s >= 0 && notice.to_s > notice.from_s) {
            view_->highlight_time_range(notice.from_s, notice.to_s);
            // Bring the range into view with some context on both sides.
            const double pad = (notice.to_s - notice.from_s) * 0.25;
            const double end = view_->model().end_seconds();
            view_->set_time_range(std::max(0.0, notice.from_s - pad),
                                  end > 0 ? std::min(end, notice.to_s + pad) : notice.to_s + pad);
        }
    }
    void setPresenterMode(bool on) override { view_->set_presenter(on); }
    void setLivePaused(bool on) override { view_->set_live_paused(on); }
    bool livePaused() const override { return view_->live_paused(); }

    plots::TimelineView* view() const { return view_; }

private:
    plots::TimelineView* view_;
};

} // namespace

TimelinePane* make_timeline_pane(QWidget* parent) {
    return new PlotsTimeline(parent);
}

} // namespace clab::gui
