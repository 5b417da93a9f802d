// The lab's timeline: the plots' TimelineView behind the TimelinePane interface. A step whose views
// need more height than the pane has (many lanes, presenter mode's thick lanes) scrolls, as
// Compare does, rather than squeeze its lanes into lines and drop their labels.
#include "timeline_pane.h"

#include "core/trace/event.h"
#include "plots/timeline_view.h"

#include <QScrollArea>
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
        scroll_ = new QScrollArea(this);
        scroll_->setObjectName(QStringLiteral("timelineScroll"));
        scroll_->setAccessibleName(tr("Timeline (scrolls when it is taller than the pane)"));
        scroll_->setWidgetResizable(true); // the view fills the pane, and grows beyond it only to scroll
        scroll_->setFrameShape(QFrame::NoFrame);
        scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // time zooms, it never scrolls
        view_ = new plots::TimelineView;
        view_->setObjectName(QStringLiteral("timelineView"));
        scroll_->setWidget(view_);
        layout->addWidget(scroll_);
        setMinimumHeight(200);
        connect(view_, &plots::TimelineView::preferred_height_changed, this, &PlotsTimeline::fitHeight);
        connect(view_, &plots::TimelineView::live_paused_changed, this, &TimelinePane::livePausedChanged);
    }

    void clear() override {
        view_->clear_highlights();
        view_->reset();
    }
    void beginRun(const ExperimentSpec&, std::shared_ptr<const Trace> trace) override {
        view_->clear_highlights();
        view_->reset();
        view_->share_source(std::move(trace)); // the run's events are kept once, by its controller
        view_->set_python_details(0, {});
    }
    void updateRun(const Trace& trace, const std::vector<Event>& batch) override {
        if (!batch.empty()) view_->ingest(batch, trace.lanes, trace.origin_ns);
        view_->set_now(now_ns()); // the live edge moves even when nothing was recorded
    }
    void finishRun(const Trace& trace, const Summary& summary) override {
        view_->set_python_details(summary.sample_hz, summary.waited_objects);
        view_->finish(trace.end_ns());
    }

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
    void setEmptyText(const QString& text) override { view_->set_empty_text(text); }
    void setLivePaused(bool on) override { view_->set_live_paused(on); }
    bool livePaused() const override { return view_->live_paused(); }

    plots::TimelineView* view() const { return view_; }

private:
    // Lanes of at least 12 px and every view's title whole: the view is never shorter than that
    // (up to the lanes the view labels one by one; thousands of tasks share a capped height).
    void fitHeight() {
        view_->setMinimumHeight(view_->preferred_height(plots::TimelineView::kLabelledLanes));
    }

    QScrollArea* scroll_;
    plots::TimelineView* view_;
};

} // namespace

TimelinePane* make_timeline_pane(QWidget* parent) {
    return new PlotsTimeline(parent);
}

} // namespace clab::gui
