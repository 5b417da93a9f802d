#include "timeline_view.h"

#include "marker_graph.h"
#include "memory_release.h"
#include "segment_plottable.h"
#include "shared_timelines.h"
#include "step_graph.h"

#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace clab::plots {

namespace {
// While following a live run the time axis grows in steps (the visible range becomes 1/kLiveGrowth
// longer than the run so far, and at least kMinLiveRoomS), so tick labels and layout stay put
// between steps instead of being recomputed on every frame, and a young run's axis does not rescale
// under the student's eyes 40 times a second; a finished run is fitted exactly.
constexpr double kLiveGrowth = 1.25;
constexpr double kMinLiveRoomS = 0.2;
constexpr double kFitMargin = 1.02;
// New events reach the stores at most this long after they happened (the model's 30 ms holdback,
// plus a margin): a visible range ending earlier than that before the live edge sees no new data.
constexpr double kNewDataWindowS = 0.05;
constexpr double kSeriesRectPx = 70.0;
constexpr int kMaxLanePxForStretch = 28;
constexpr int kMinReadableLanePx = 12; // a lane thinner than this is a line, not a bar
constexpr int kAlwaysLabelledLanes = TimelineView::kLabelledLanes; // room for this many, then scroll
// Dropping a model this large gives the freed memory back to the system (memory_release.h).
constexpr size_t kTrimAfterBytes = size_t(4) << 20;

QString view_title(TimelineView::View view) {
    switch (view) {
    case TimelineView::View::Workers:
        return TimelineView::tr("Workers");
    case TimelineView::View::Cores:
        return TimelineView::tr("Cores");
    case TimelineView::View::Gil:
        return TimelineView::tr("GIL");
    case TimelineView::View::Loop:
        return TimelineView::tr("Event loop");
    case TimelineView::View::Utilisation:
        return TimelineView::tr("CPU busy %");
    }
    return {};
}
} // namespace

TimelineView::TimelineView(QWidget* parent)
    : QWidget(parent)
    , plot_(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    plot_->setAccessibleName(tr("Timeline"));
    plot_->setAccessibleDescription(tr("What each thread, process, task, core, the GIL and the event loop "
                                       "did over time; drag to pan, wheel to zoom"));
    layout->addWidget(plot_);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->setMouseTracking(true);
    plot_->setNoAntialiasingOnDrag(true);
    plot_->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
    // Two paint buffers: the data on top ("main": plottables and items), everything else below it
    // (background, grid, axes, legend, and the unused overlay). While a run streams in, most frames
    // change only the data, and refresh() repaints only its buffer (timeline_view_refresh.cpp); each
    // more buffer would cost a full-size blend per frame. Axes under the data is how they were drawn
    // when they shared its layer: lanes and fills cover the inward ticks.
    data_layer_ = plot_->layer(QStringLiteral("main"));
    for (const char* name : {"axes", "legend", "overlay"})
        if (QCPLayer* layer = plot_->layer(QString::fromLatin1(name))) {
            layer->setMode(QCPLayer::lmLogical);
            plot_->moveLayer(layer, data_layer_, QCustomPlot::limBelow);
        }
    if (data_layer_) data_layer_->setMode(QCPLayer::lmBuffered);
    refresh_timer_.setSingleShot(true);
    connect(&refresh_timer_, &QTimer::timeout, this, &TimelineView::refresh);
    connect(plot_, &QCustomPlot::mouseMove, this, &TimelineView::on_mouse_move);
    plot_->installEventFilter(this);
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { zoom_to_fit(); });
    connect(plot_, &QCustomPlot::afterLayout, this, [this] {
        // Lane labels and titles follow the heights just laid out; if they changed, the margins did,
        // so the layout runs again before this replot draws (heights stay, so twice settles it).
        bool again = update_lane_labels();
        for (int pass = 0; pass < 2 && (fit_axis_titles() || again); ++pass) {
            plot_->plotLayout()->update(QCPLayoutElement::upPreparation);
            plot_->plotLayout()->update(QCPLayoutElement::upMargins);
            plot_->plotLayout()->update(QCPLayoutElement::upLayout);
            again = false;
        }
        fit_bookmark_labels();
        laid_out_ = layout_key();
    });
    rebuild();
    plot_->replot();
}

TimelineView::~TimelineView() {
    // Whatever its model: a view going (a replay or compare window closed, the compare rows
    // rebuilt, a lesson's panes replaced) frees its plot's paint buffers and thousands of small
    // plottables and items, scattered through the GUI heap; glibc kept those pages (10 MB after a
    // random session's windows were closed, issue 19).
    release_freed_memory_soon();
}

// --- feeding ------------------------------------------------------------------------------------

void TimelineView::reset() {
    held_ = Held(); // the run they belonged to is gone
    set_live_paused(false);
    if (model_.use_count() > 1)
        use_model(std::make_shared<TimelineModel>()); // other views still show the finished run
    else
        model_->reset();
    following_ = true;
    schedule_refresh();
}

void TimelineView::ingest(const std::vector<Event>& new_events, const std::vector<LaneInfo>& lanes,
                          int64_t origin_ns) {
    if (paused_) {
        held_.events.insert(held_.events.end(), new_events.begin(), new_events.end());
        held_.lanes = lanes;
        held_.origin_ns = origin_ns;
        held_.fed = true;
        return;
    }
    model_->ingest(new_events, lanes, origin_ns);
    schedule_refresh();
}

void TimelineView::set_now(int64_t now_ns) {
    if (paused_) {
        held_.now_ns = now_ns;
        return;
    }
    model_->set_now(now_ns);
    schedule_refresh();
}

void TimelineView::finish(int64_t end_ns) {
    if (paused_) {
        held_.end_ns = end_ns;
        held_.finished = true;
        return;
    }
    model_->finish(end_ns);
    use_model(offer_shared_timeline(model_)); // a replay of this run shows this model, not a copy
    schedule_refresh();
}

void TimelineView::load_trace(const Trace& trace) {
    load_trace(std::make_shared<const Trace>(trace));
}

void TimelineView::load_trace(std::shared_ptr<const Trace> trace) {
    held_ = Held();
    set_live_paused(false);
    use_model(shared_timeline(trace));
    following_ = true;
    schedule_refresh();
}

void TimelineView::use_model(std::shared_ptr<TimelineModel> model) {
    if (model == model_) return;
    // Plottables and series feeds point into the shown model's stores until the next rebuild().
    if (model_.use_count() == 1 && model_->bytes_used() > kTrimAfterBytes) release_freed_memory_soon();
    if (!rects_.empty()) retired_ = std::move(model_);
    model_ = std::move(model);
    structure_dirty_ = true;
    applied_revision_ = ~uint64_t(0);
}

void TimelineView::model_changed() {
    schedule_refresh();
}

// --- structure ------------------------------------------------------------------------------------

bool TimelineView::is_view_shown(View view) const {
    return std::any_of(rects_.begin(), rects_.end(), [view](const Rect& r) { return r.view == view; });
}

SegmentPlottable* TimelineView::segment_plottable(View view) const {
    for (const Rect& r : rects_)
        if (r.view == view && r.plottable) return r.plottable;
    return nullptr;
}

QCPAxisRect* TimelineView::axis_rect(View view) const {
    for (const Rect& r : rects_)
        if (r.view == view) return r.rect;
    return nullptr;
}

// Which views there are: a change rebuilds every rect. Lanes appearing in a view only resize it.
std::vector<int> TimelineView::structure_signature() const {
    return {model_->has_workers() ? 1 : -1,
            model_->has_cores() ? 1 : -1,
            model_->has_gil() ? 1 : -1,
            model_->has_loop() ? 1 : -1,
            model_->has_utilisation() ? int(model_->utilisation().size()) : -1,
            theme_.presenter ? 1 : 0};
}

std::vector<size_t> TimelineView::lane_counts() const {
    std::vector<size_t> counts;
    for (const Rect& r : rects_)
        if (r.store) counts.push_back(r.store->lane_count());
    return counts;
}

bool TimelineView::apply_model() {
    bool changed = false;
    const std::vector<int> signature = structure_signature();
    if (structure_dirty_ || signature != signature_) {
        signature_ = signature;
        rebuild();
        changed = true;
    } else if (lane_counts() != lane_counts_) {
        resize_lane_rects();
        changed = true;
    }
    if (applied_revision_ != model_->revision()) {
        applied_revision_ = model_->revision();
        feed_series();
        feed_slow_callbacks();
        if (legend_signature() != legend_signature_) {
            rebuild_legend();
            changed = true;
        }
        if (following_ && follow_live_edge()) changed = true;
        if (visible_change()) changed = true;
    }
    if (changed) {
        note_preferred_height();
        drawn_.content = content_size();
        drawn_.finished = model_->finished();
        if (!rects_.empty())
            drawn_.edge_px = std::lround(
                rects_.front().rect->axis(QCPAxis::atBottom)->coordToPixel(model_->end_seconds()));
    }
    return changed;
}

uint64_t TimelineView::content_size() const {
    uint64_t n = slow_fed_;
    for (const Rect& r : rects_)
        if (r.store) n += r.store->segment_count();
    for (const SeriesFeed& feed : feeds_)
        n += feed.fed;
    return n;
}

// Would a replot show anything new? Only if the live edge moved at least a pixel, or new data
// arrived while the newest part of the run is in view, or the run just finished (which may replay
// it, see TimelineModel).
bool TimelineView::visible_change() {
    if (rects_.empty()) return false;
    if (model_->finished() != drawn_.finished) return true;
    const QCPAxis* x = rects_.front().rect->axis(QCPAxis::atBottom);
    const QCPRange range = x->range();
    const double end = model_->end_seconds();
    if (range.upper < end - kNewDataWindowS) return false; // looking at the past: nothing changes
    if (std::lround(x->coordToPixel(end)) != drawn_.edge_px && range.contains(end)) return true;
    return content_size() != drawn_.content;
}

QCPAxisRect* TimelineView::add_rect(View view, const QString& title, double stretch) {
    auto* rect = new QCPAxisRect(plot_);
    const int row = plot_->plotLayout()->rowCount();
    plot_->plotLayout()->addElement(row, 0, rect);
    plot_->plotLayout()->setRowStretchFactor(row, stretch);
    rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins_);
    rect->axis(QCPAxis::atLeft)->setLabel(title);
    rect->setRangeDrag(Qt::Horizontal);
    rect->setRangeZoom(Qt::Horizontal);
    rect->setRangeDragAxes(rect->axis(QCPAxis::atBottom), nullptr);
    rect->setRangeZoomAxes(rect->axis(QCPAxis::atBottom), nullptr);
    style_axis_rect(rect);
    connect(rect->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            &TimelineView::on_x_range_changed);
    Q_UNUSED(view)
    return rect;
}

void TimelineView::add_segment_rect(View view, const QString& title, const SegmentStore& store) {
    QCPAxisRect* rect = add_rect(view, title, 1.0);
    QCPAxis* y = rect->axis(QCPAxis::atLeft);
    y->setRangeReversed(true);
    y->grid()->setVisible(false);
    y->setTickLength(0, 0);
    y->setSubTicks(false);
    auto* plottable = new SegmentPlottable(rect->axis(QCPAxis::atBottom), y, &store);
    plottable->set_lane_fill(theme_.lane_fill);
    plottable->set_zebra(theme_.lane_background);
    rects_.push_back({view, rect, plottable, &store, plot_->plotLayout()->rowCount() - 1, title});
    labelled_lanes_.push_back(0);
    size_lane_rect(rects_.back());
}

// Height and rows of a rect of lanes, from its lane count (again whenever lanes appear).
void TimelineView::size_lane_rect(const Rect& r) {
    const int rows = int(r.store->lane_count());
    const double lane_px = std::clamp(double(theme_.min_lane_px), 8.0, double(kMaxLanePxForStretch) * 2);
    // Many lanes (thousands of tasks) share a capped height rather than push the other views away.
    // Lanes ask for their comfortable thickness, so a tall window grows them (up to max_lane_px)
    // before the series rects below: the lanes are what a lesson points at.
    const double stretch = std::min(rows * std::max(lane_px, double(theme_.max_lane_px)) + 8.0,
                                    420.0 * (theme_.presenter ? 1.6 : 1.0));
    plot_->plotLayout()->setRowStretchFactor(r.layout_row, stretch);
    // Never shorter than its title, nor than a label per lane for the first lanes (more lanes than
    // that scroll: apply_lane_window).
    const int label_px = lane_label_px();
    const int least = std::max(title_room_px(r.title), std::min(rows, kAlwaysLabelledLanes) * label_px);
    r.rect->setMinimumSize(0, least);
    // Lanes stop growing at a comfortable thickness; the series rects take the rest of the height.
    r.rect->setMaximumSize(QWIDGETSIZE_MAX, std::max(least, rows * theme_.max_lane_px + 12));
    apply_lane_window(size_t(&r - rects_.data()));
}

int TimelineView::lane_label_px() const {
    return std::max(kMinReadableLanePx, int(std::ceil(QFontMetrics(theme_.font).height() * 1.05)));
}

bool TimelineView::apply_lane_window(size_t index) {
    Rect& r = rects_[index];
    const int rows = int(r.store->lane_count());
    const int height = r.rect->height();
    const int shown =
        height <= 0 ? std::max(rows, 1) : std::clamp(height / lane_label_px(), 1, std::max(rows, 1));
    r.first_lane = std::clamp(r.first_lane, 0, std::max(0, rows - shown));
    QCPAxis* y = r.rect->axis(QCPAxis::atLeft);
    const QCPRange want(r.first_lane - 0.5, r.first_lane + shown - 0.5);
    const bool changed = y->range() != want;
    if (changed) y->setRange(want);
    if (rows <= shown) {
        if (r.lane_bar) r.lane_bar->hide();
        return changed;
    }
    if (!r.lane_bar) {
        r.lane_bar = new QScrollBar(Qt::Vertical, plot_);
        r.lane_bar->setAccessibleName(tr("%1: scroll the lanes").arg(r.title));
        r.lane_bar->setToolTip(
            tr("More lanes than fit: scroll them here, or with the wheel over their names"));
        QScrollBar* bar = r.lane_bar;
        connect(bar, &QScrollBar::valueChanged, this, [this, index, bar](int value) {
            if (index >= rects_.size() || rects_[index].lane_bar != bar) return;
            rects_[index].first_lane = value;
            apply_lane_window(index);
            plot_->replot(QCustomPlot::rpQueuedReplot);
        });
    }
    {
        const QSignalBlocker quiet(r.lane_bar);
        r.lane_bar->setRange(0, rows - shown);
        r.lane_bar->setPageStep(shown);
        r.lane_bar->setValue(r.first_lane);
    }
    // In the rect's right margin, beside its lanes.
    const QRect area = r.rect->rect();
    const int room = std::max(8, r.rect->margins().right() - 4);
    r.lane_bar->setGeometry(area.right() + 3, area.top(), room, area.height());
    r.lane_bar->show();
    return changed;
}

bool TimelineView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == plot_ && event->type() == QEvent::Wheel) {
        const QPointF pos = static_cast<QWheelEvent*>(event)->position();
        for (const Rect& r : rects_) {
            if (!r.lane_bar || !r.lane_bar->isVisible()) continue;
            const QRect area = r.rect->rect();
            if (pos.x() < area.left() && pos.y() >= area.top() && pos.y() <= area.bottom()) {
                QCoreApplication::sendEvent(r.lane_bar, event);
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

void TimelineView::resize_lane_rects() {
    lane_counts_ = lane_counts();
    for (size_t i = 0; i < rects_.size(); ++i) {
        if (!rects_[i].store) continue;
        size_lane_rect(rects_[i]);
        labelled_lanes_[i] = 0; // new lane labels at the next layout
    }
    rebuild_decorations(); // a highlighted lane may have appeared
}

void TimelineView::add_series_rect(View view, const QString& title) {
    QCPAxisRect* rect = add_rect(view, title, kSeriesRectPx * (theme_.presenter ? 1.5 : 1.0));
    // A count or a percentage reads as well at twice its share: more height goes to the lanes. No
    // shorter than its title.
    const int least = title_room_px(title);
    rect->setMinimumSize(0, least);
    rect->setMaximumSize(QWIDGETSIZE_MAX,
                         std::max(least, int(kSeriesRectPx * (theme_.presenter ? 3.0 : 2.0))));
    QCPAxis* y = rect->axis(QCPAxis::atLeft);
    y->ticker()->setTickCount(3);
    y->setSubTicks(false);
    y->setRange(0, 1);
    rects_.push_back({view, rect, nullptr, nullptr, plot_->plotLayout()->rowCount() - 1, title});
    labelled_lanes_.push_back(0);
}

TimelineView::SeriesFeed& TimelineView::add_feed(QCPAxisRect* rect, const TimeSeries* series,
                                                 const QColor& colour, bool fill) {
    // Step series are drawn as rectangles (StepGraph): the polygon fill QCPGraph would use costs
    // milliseconds per replot for a few hundred steps.
    QCPGraph* graph = new StepGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    graph->setName(QString::fromStdString(series->name));
    graph->setLineStyle(QCPGraph::lsStepLeft);
    graph->setPen(QPen(colour, theme_.line_width));
    if (fill) {
        QColor f = colour;
        f.setAlpha(60);
        graph->setBrush(f);
    }
    graph->setAdaptiveSampling(true);
    // Steps are axis-aligned: antialiasing would only make the (large) filled area slow to paint.
    graph->setAntialiased(false);
    graph->setAntialiasedFill(false);
    feeds_.push_back({graph, &series->t, &series->v, 0.0, 0});
    return feeds_.back();
}

TimelineView::SeriesFeed& TimelineView::add_markers(QCPAxisRect* rect, const std::vector<double>* times,
                                                    double value, const QColor& colour,
                                                    QCPScatterStyle::ScatterShape shape) {
    QCPGraph* graph = new MarkerGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setScatterStyle(QCPScatterStyle(shape, colour, colour, theme_.presenter ? 11 : 7));
    graph->setAdaptiveSampling(true);
    feeds_.push_back({graph, times, nullptr, value, 0});
    return feeds_.back();
}

void TimelineView::rebuild() {
    structure_dirty_ = false;
    ++rebuilds_;
    const QCPRange keep = time_range();
    plot_->clearItems();
    decoration_items_.clear();
    bookmark_labels_.clear();
    plot_->clearPlottables();
    plot_->plotLayout()->clear();
    plot_->plotLayout()->simplify();
    delete margins_;
    margins_ = new QCPMarginGroup(plot_);
    for (const Rect& r : rects_)
        delete r.lane_bar;
    rects_.clear();
    feeds_.clear();
    labelled_lanes_.clear();
    retired_.reset(); // nothing points into the model shown before any more
    loop_rect_ = nullptr;
    slow_fed_ = 0;
    placeholder_ = nullptr;

    plot_->setBackground(theme_.background);
    plot_->plotLayout()->setRowSpacing(theme_.presenter ? 10 : 6);
    // A hidden legend is not made at all: QCustomPlot lays out invisible elements too, and an empty
    // legend caps its column at the width of its margins, which left the axis rects below it no
    // width (the compare window's timelines, which share one legend, drew nothing).
    legend_ = nullptr;
    if (legend_shown_) make_legend();

    legend_signature_ = ~uint64_t(0);

    if (model_->has_workers()) add_segment_rect(View::Workers, view_title(View::Workers), model_->workers());
    if (model_->has_cores()) add_segment_rect(View::Cores, view_title(View::Cores), model_->cores());
    if (model_->has_gil()) {
        add_segment_rect(View::Gil, view_title(View::Gil), model_->gil());
        QCPAxisRect* holder = rects_.back().rect;
        // Markers ride on the holder lane: drop requests at its top edge, forced switches at its bottom.
        add_markers(holder, &model_->drop_requests(), -0.42, theme_.drop_marker,
                    QCPScatterStyle::ssTriangleInverted);
        add_markers(holder, &model_->forced_switches(), 0.42, theme_.forced_marker,
                    QCPScatterStyle::ssTriangle);
        add_series_rect(View::Gil, tr("GIL waiters"));
        QCPAxisRect* waiting = rects_.back().rect;
        add_feed(waiting, &model_->gil_waiting(), state_colour(SegState::GilWait), true);
        add_feed(waiting, &model_->gil_forced_waiting(), state_colour(SegState::ForcedWait), false);
    }
    if (model_->has_loop()) {
        add_segment_rect(View::Loop, view_title(View::Loop), model_->loop());
        loop_rect_ = rects_.back().rect;
        add_series_rect(View::Loop, tr("ready tasks"));
        add_feed(rects_.back().rect, &model_->ready_length(), theme_.ready_line, true);
    }
    if (model_->has_utilisation()) {
        add_series_rect(View::Utilisation, view_title(View::Utilisation));
        QCPAxisRect* rect = rects_.back().rect;
        rect->axis(QCPAxis::atLeft)->setRange(0, 105);
        plot_->plotLayout()->setRowStretchFactor(plot_->plotLayout()->rowCount() - 1,
                                                 kSeriesRectPx * (theme_.presenter ? 2.0 : 1.4));
        for (size_t i = 0; i < model_->utilisation().size(); ++i) {
            SeriesFeed& feed =
                add_feed(rect, &model_->utilisation()[i], utilisation_colour(i, theme_.look), false);
            feed.graph->setLineStyle(QCPGraph::lsLine);
        }
    }

    if (rects_.empty()) {
        placeholder_ = new QCPTextElement(plot_, shown_empty_text(), theme_.title_font);
        placeholder_->setTextColor(theme_.axis);
        plot_->plotLayout()->addElement(1, 0, placeholder_);
        plot_->plotLayout()->setRowStretchFactor(1, 1.0);
    } else {
        // Only the bottom rect prints time labels; the others keep the grid.
        for (size_t i = 0; i < rects_.size(); ++i) {
            QCPAxis* x = rects_[i].rect->axis(QCPAxis::atBottom);
            const bool last = i + 1 == rects_.size();
            x->setTickLabels(last);
            x->setLabel(last ? tr("seconds since the start of the run") : QString());
        }
    }
    applied_revision_ = ~uint64_t(0);
    lane_counts_ = lane_counts();
    rebuild_decorations();
    if (!following_ && keep.size() > 0) {
        set_time_range(keep.lower, keep.upper);
    }
}

QString TimelineView::shown_empty_text() const {
    return empty_text_.isEmpty() ? tr("Run the experiment to see its timeline here.") : empty_text_;
}

void TimelineView::set_empty_text(const QString& text) {
    empty_text_ = text;
    if (placeholder_ == nullptr) return;
    placeholder_->setText(shown_empty_text());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::style_axis_rect(QCPAxisRect* rect) {
    rect->setBackground(Qt::NoBrush); // the plot's background is already there: no second full fill
    for (QCPAxis* axis : rect->axes()) {
        axis->setBasePen(QPen(theme_.axis, theme_.axis_pen_width));
        axis->setTickPen(QPen(theme_.axis, theme_.axis_pen_width));
        axis->setSubTickPen(QPen(theme_.axis, 1));
        axis->setTickLabelColor(theme_.text);
        axis->setLabelColor(theme_.text);
        axis->setTickLabelFont(theme_.font);
        axis->setLabelFont(theme_.title_font);
        axis->grid()->setPen(QPen(theme_.grid, 1, Qt::SolidLine));
        axis->grid()->setSubGridVisible(false);
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
    // The layers QCustomPlot gives its own default axis rect: axes and grids out of the data layer,
    // so a data-only frame (timeline_view_refresh.cpp) leaves them in their buffers.
    rect->setLayer(QStringLiteral("background"));
    for (QCPAxis* axis : rect->axes()) {
        axis->setLayer(QStringLiteral("axes"));
        axis->grid()->setLayer(QStringLiteral("grid"));
    }
    rect->setMinimumMargins(QMargins(6, 2, theme_.presenter ? 24 : 16, 2));
}

int TimelineView::preferred_height(int max_lanes_per_view) const {
    const int lane_px = std::max(theme_.min_lane_px, lane_label_px());
    const int gap = plot_->plotLayout()->rowSpacing();
    int height = legend_ && legend_->visible() ? legend_->minimumOuterSizeHint().height() : 0;
    for (const Rect& r : rects_) {
        const QMargins m = r.rect->minimumMargins();
        const int inner = r.store ? std::min(int(r.store->lane_count()), max_lanes_per_view) * lane_px
                                  : int(kSeriesRectPx * (theme_.presenter ? 1.5 : 1.0));
        height += std::max(inner, r.rect->minimumSize().height()) + m.top() + m.bottom() + gap;
    }
    // The time axis's tick labels and its title under the last rect.
    return height + 3 * QFontMetrics(theme_.font).height() + 12;
}

void TimelineView::make_legend() {
    legend_ = new QCPLegend;
    plot_->plotLayout()->addElement(0, 0, legend_);
    plot_->plotLayout()->setRowStretchFactor(0, 0.001);
    legend_->setLayer(QStringLiteral("legend"));
    legend_->setBorderPen(Qt::NoPen);
    legend_->setBrush(theme_.background);
    legend_->setMargins(QMargins(10, 6, 10, 4));
    legend_->setFont(theme_.legend_font);
    legend_->setTextColor(theme_.text);
    legend_->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend_->setRowSpacing(theme_.presenter ? 4 : 1);
    legend_->setColumnSpacing(theme_.presenter ? 18 : 12);
    const int icon = QFontMetrics(theme_.legend_font).height();
    legend_->setIconSize(icon * 3 / 2, icon);
}

void TimelineView::set_legend_shown(bool on) {
    if (legend_shown_ == on) return;
    legend_shown_ = on;
    structure_dirty_ = true; // the legend is made, or dropped, with the axis rects (see rebuild())
    // Drawn with the next refresh, not at once: a window that stacks many timelines hides every
    // legend and then draws each view once (share_one_legend), and drawing it twice made opening
    // Compare with many big pinned runs take seconds.
    schedule_refresh();
}

uint64_t TimelineView::state_keys_shown() const {
    uint64_t keys = 0;
    for (const Rect& r : rects_)
        if (r.store) keys |= r.store->keys_present() & ((uint64_t(1) << int(SegState::Count)) - 1);
    return keys;
}

// Lane names on the left axis, one per lane in view (more lanes than fit scroll). True if a ticker
// or a window of lanes changed.
bool TimelineView::update_lane_labels() {
    bool changed = false;
    for (size_t i = 0; i < rects_.size(); ++i) {
        if (!rects_[i].store) continue;
        changed = apply_lane_window(i) || changed; // the height just laid out decides the window
        const Rect& r = rects_[i];
        const int rows = int(r.store->lane_count());
        if (labelled_lanes_[i] == rows &&
            r.rect->axis(QCPAxis::atLeft)->ticker().dynamicCast<QCPAxisTickerText>())
            continue;
        labelled_lanes_[i] = rows;
        // Every lane its name: the axis draws those in the window.
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int row = 0; row < rows; ++row)
            ticker->addTick(row, QString::fromStdString(r.store->lane(size_t(row)).name));
        r.rect->axis(QCPAxis::atLeft)->setTicker(ticker);
        changed = true;
    }
    return changed;
}

void TimelineView::feed_series() {
    for (SeriesFeed& feed : feeds_) {
        const size_t n = feed.t->size();
        if (n < feed.fed) feed.fed = 0; // the model was reset under us
        if (n == feed.fed) continue;
        QVector<double> keys(feed.t->begin() + long(feed.fed), feed.t->end());
        QVector<double> values = feed.v ? QVector<double>(feed.v->begin() + long(feed.fed), feed.v->end())
                                        : QVector<double>(int(n - feed.fed), feed.fixed_value);
        if (feed.v) feed.top = std::max(feed.top, *std::max_element(values.cbegin(), values.cend()));
        feed.graph->addData(keys, values, false);
        feed.fed = n;
    }
    // The count axes grow to fit (only when the largest value grows: no rescan, no new ticks).
    for (const Rect& r : rects_) {
        if (r.store || r.view == View::Utilisation) continue;
        double top = 1.0;
        for (const SeriesFeed& feed : feeds_)
            if (feed.v && feed.graph->valueAxis() == r.rect->axis(QCPAxis::atLeft))
                top = std::max(top, feed.top);
        QCPAxis* y = r.rect->axis(QCPAxis::atLeft);
        if (y->range().upper != top * 1.15) y->setRange(0, top * 1.15);
    }
}

void TimelineView::feed_slow_callbacks() {
    if (!loop_rect_) return;
    const auto& slow = model_->slow_callbacks();
    for (; slow_fed_ < slow.size(); ++slow_fed_) {
        auto* item = new QCPItemRect(plot_);
        item->setClipAxisRect(loop_rect_);
        for (QCPItemPosition* p : {item->topLeft, item->bottomRight}) {
            p->setAxisRect(loop_rect_);
            p->setAxes(loop_rect_->axis(QCPAxis::atBottom), loop_rect_->axis(QCPAxis::atLeft));
            p->setTypeX(QCPItemPosition::ptPlotCoords);
            p->setTypeY(QCPItemPosition::ptAxisRectRatio);
        }
        item->topLeft->setCoords(slow[slow_fed_].start, 0.0);
        item->bottomRight->setCoords(slow[slow_fed_].end, 1.0);
        QColor fill = theme_.slow;
        fill.setAlpha(40);
        item->setBrush(fill);
        item->setPen(QPen(theme_.slow, theme_.presenter ? 3 : 2));
    }
}

// --- time range ------------------------------------------------------------------------------------

QCPRange TimelineView::time_range() const {
    if (rects_.empty()) return QCPRange(0, 0);
    return rects_.front().rect->axis(QCPAxis::atBottom)->range();
}

void TimelineView::set_time_range(double t0, double t1) {
    if (!(t1 > t0)) return;
    following_ = false;
    setting_range_ = true;
    for (const Rect& r : rects_)
        r.rect->axis(QCPAxis::atBottom)->setRange(t0, t1);
    setting_range_ = false;
    emit time_range_changed(t0, t1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::zoom_to_fit() {
    following_ = true;
    follow_live_edge();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool TimelineView::follow_live_edge() {
    if (rects_.empty()) return false;
    // The whole run so far, with a little room on the right so the live edge is visible. Live, the
    // range grows in steps of kLiveGrowth and stays put while the run fits in it.
    const double end = std::max(model_->end_seconds(), 1e-3);
    const QCPRange shown = time_range();
    double upper = end * kFitMargin;
    if (!model_->finished()) {
        const double step = std::max(end * kLiveGrowth, end + kMinLiveRoomS);
        const bool fits =
            shown.lower == 0.0 && shown.upper >= end * kFitMargin && shown.upper <= step * kLiveGrowth;
        upper = fits ? shown.upper : step;
    }
    if (shown.lower == 0.0 && shown.upper == upper) return false;
    setting_range_ = true;
    for (const Rect& r : rects_)
        r.rect->axis(QCPAxis::atBottom)->setRange(0.0, upper);
    setting_range_ = false;
    return true;
}

void TimelineView::on_x_range_changed(const QCPRange& range) {
    if (setting_range_) return;
    // The user dragged or zoomed one rect: the others follow, and we stop following the live edge.
    following_ = false;
    setting_range_ = true;
    for (const Rect& r : rects_)
        if (r.rect->axis(QCPAxis::atBottom)->range() != range)
            r.rect->axis(QCPAxis::atBottom)->setRange(range);
    setting_range_ = false;
    emit time_range_changed(range.lower, range.upper);
}

void TimelineView::set_presenter(bool on) {
    apply_theme(on, theme_.look);
}

void TimelineView::apply_theme(bool presenter, Look look) {
    const double zoom = application_zoom();
    if (presenter == theme_.presenter && look == theme_.look && zoom == theme_.zoom) return;
    theme_ = Theme::make(presenter, look, zoom);
    structure_dirty_ = true;
    replot_now();
}

void TimelineView::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    // The desktop switched between light and dark, or the window to high contrast: either hands the
    // application a new palette.
    // View → Zoom changes the application's font (and the zoom property the theme reads).
    if (event->type() == QEvent::ApplicationPaletteChange || event->type() == QEvent::PaletteChange ||
        event->type() == QEvent::FontChange || event->type() == QEvent::ApplicationFontChange)
        apply_theme(theme_.presenter, application_look());
}

void TimelineView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    update_legend_wrap();
    note_preferred_height(); // the legend may wrap to another number of rows
    place_paused_label();
}

void TimelineView::note_preferred_height() {
    const int now = preferred_height(kAlwaysLabelledLanes);
    if (now == noted_preferred_height_) return;
    noted_preferred_height_ = now;
    emit preferred_height_changed();
}

void TimelineView::on_mouse_move(QMouseEvent* event) {
    if (event->buttons() != Qt::NoButton) return; // dragging: no tooltips
    const QPoint pos = event->pos();
    const QString text = describe_at(pos);
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(plot_->mapToGlobal(pos), text, plot_);
}

} // namespace clab::plots
