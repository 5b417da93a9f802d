// The timeline widget: one QCustomPlot with stacked axis rects that share one time axis (seconds
// from the run's start): Workers, Cores, GIL, Event loop, CPU utilisation. Views that do not apply
// to the run are hidden. Zoom and pan with the mouse (time only), hover for what a segment is,
// double-click to see the whole run again. A legend explains every colour on screen.
//
// Feeding: the GUI polls the run and calls ingest()/set_now() 30-60 times a second; the view coalesces
// the changes into frames, redraws only the data layer while the layout stays put, and spaces frames
// to a drawing budget (timeline_view_refresh.cpp).
#pragma once

#include "palette.h"
#include "timeline_model.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QScrollBar>
#include <QTimer>
#include <QWidget>
#include <climits>
#include <qcustomplot.h>
#include <vector>

namespace clab::plots {

class SegmentPlottable;

class TimelineView : public QWidget {
    Q_OBJECT
public:
    enum class View { Workers, Cores, Gil, Loop, Utilisation };

    explicit TimelineView(QWidget* parent = nullptr);
    ~TimelineView() override;

    // --- feeding (each schedules a replot) ------------------------------------------------------
    void reset();
    void ingest(const std::vector<Event>& new_events, const std::vector<LaneInfo>& lanes, int64_t origin_ns);
    void set_now(int64_t now_ns);
    void finish(int64_t end_ns);
    void load_trace(const Trace& trace);
    void load_trace(std::shared_ptr<const Trace> trace); // shared, not copied
    // A live run's events as its controller keeps them: the model reads them there, no copy
    // (TimelineModel::share_source). After reset(), before the first ingest().
    void share_source(std::shared_ptr<const Trace> source) { model_->share_source(std::move(source)); }
    // A finished run's model is shared with every other view of that run (shared_timelines.h):
    // edit it only after reset(), which gives the view a model of its own again.
    TimelineModel& model() { return *model_; }
    const TimelineModel& model() const { return *model_; }
    void model_changed(); // after editing model() directly

    // --- pausing the live view (timeline_view_pause.cpp) -----------------------------------------
    // Paused, the picture stays as it is (zoom, pan and tooltips work on it) while feeds are kept, not
    // applied; resuming applies everything kept at once, so the view catches up with the run. reset()
    // and load_trace() resume (a new run is shown live).
    void set_live_paused(bool on);
    bool live_paused() const { return paused_; }

    // --- what is shown ---------------------------------------------------------------------------
    bool is_view_shown(View view) const;
    void set_presenter(bool on);
    bool presenter() const { return theme_.presenter; }
    // The look (light, dark, high contrast) follows application_look(), also when it changes while
    // the view is shown.
    const Theme& theme() const { return theme_; }
    // What an empty view says (default: run the experiment to see its timeline).
    void set_empty_text(const QString& text);

    // --- time range: setting one stops following the live edge; zoom_to_fit follows it again ----
    void set_time_range(double t0, double t1);
    void zoom_to_fit();
    QCPRange time_range() const;

    // --- pointing at things (lessons: "look at the GIL lane between 0 and 0.2 s") -----------------
    // A lane by name ("GIL", "Thread-2", "CPU 1", the loop's name), case-insensitive; false if none.
    bool highlight_lane(const QString& name);
    void highlight_time_range(double t0, double t1);
    void clear_highlights();
    // `full_text`: what the tooltip says when the label is short (a lesson's notice: its label is
    // "notice", its text would cover the lanes). Labels of notices are left out of exports.
    void add_bookmark(double t, const QString& label, const QString& full_text = QString());
    void clear_bookmarks();
    void set_time_cursor(double t); // replay position
    void clear_time_cursor();

    // --- several timelines in one window (Compare) -------------------------------------------------
    // The height at which every lane is at least 12 px and every view has its title room: a window
    // stacking timelines scrolls rather than squeeze them below it. `max_lanes_per_view`: count no
    // more lanes than that in a view (thousands of tasks share a capped height instead).
    int preferred_height(int max_lanes_per_view = INT_MAX) const;
    // A view is never shorter than this many lanes at a label's height each (more lanes scroll).
    static constexpr int kLabelledLanes = 16;
    // Off: no legend of its own (the window shows one shared legend instead). Takes effect with the
    // next refresh or replot_now().
    void set_legend_shown(bool on);
    // The lane states drawn (bit i: SegState i), for a shared legend.
    uint64_t state_keys_shown() const;

    // What a tooltip says at a position of plot() (empty if nothing there).
    QString describe_at(const QPoint& pos) const;
    // A python run's details the events do not carry: the kernel sampler's rate (0: unknown yet)
    // and the objects its recorded waits point at (LockWaitBegin's arg).
    void set_python_details(double sample_hz, std::vector<std::string> waited_objects);
    // "inferred from kernel thread states sampled at 1 kHz": what the legend and tooltips say of a
    // state the python engine inferred instead of recorded.
    QString sampled_note() const;
    // Applies pending model changes and repaints now (tests, screenshots).
    void replot_now();
    // Frames drawn by the live refresh since construction: full replots, data-layer-only frames, and
    // their CPU time (bench_plot_live, tests).
    struct FrameStats {
        int full = 0;
        int data_only = 0;
        double cpu_ms = 0.0;
    };
    const FrameStats& frame_stats() const { return frame_stats_; }
    QCustomPlot* plot() const { return plot_; }
    // The plottable drawing a view's lanes (nullptr if the view is hidden).
    SegmentPlottable* segment_plottable(View view) const;
    // The axis rect of a view (its first one), or nullptr.
    QCPAxisRect* axis_rect(View view) const;

signals:
    void time_range_changed(double t0, double t1);
    // Views, lanes, legend or width changed what preferred_height() says (the lab's pane scrolls).
    void preferred_height_changed();
    void live_paused_changed(bool paused);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    struct Rect {
        View view;
        QCPAxisRect* rect = nullptr;
        SegmentPlottable* plottable = nullptr; // when the rect draws lanes of segments
        const SegmentStore* store = nullptr;
        int layout_row = -1; // in plot()->plotLayout()
        QString title;       // the left axis shows it whole, on two lines, or elided: what fits
        // More lanes than fit at a label's height each: a window of them shows, from first_lane,
        // scrolled by lane_bar (or the wheel over their names) rather than squeezed.
        int first_lane = 0;
        QScrollBar* lane_bar = nullptr;
    };
    struct SeriesFeed { // a graph fed incrementally from a model series
        QCPGraph* graph = nullptr;
        const std::vector<double>* t = nullptr;
        const std::vector<double>* v = nullptr; // nullptr: markers at a fixed value
        double fixed_value = 0.0;
        size_t fed = 0;
        double top = 0.0; // largest value fed so far (count axes grow to fit without a rescan)
    };
    // What the last replot showed, so a refresh that would draw the same pixels is skipped.
    struct Drawn {
        uint64_t content = ~uint64_t(0); // segments + series points + slow callbacks
        long edge_px = -1;               // the live edge's pixel column
        bool finished = false;
    };
    struct Bookmark {
        double t;
        QString label;
        QString full_text; // the tooltip; empty: the label
    };
    // What a full replot lays out; while it stays the same, a frame redraws only the data layer.
    struct LayoutKey {
        QSize size;
        uint64_t rebuilds = 0;
        uint64_t legend = 0;
        std::vector<double> ranges; // time and value range of every axis rect
        friend bool operator==(const LayoutKey&, const LayoutKey&) = default;
    };

    // What arrived while paused: the events in arrival order, the newest lanes, now and end.
    struct Held {
        std::vector<Event> events;
        std::vector<LaneInfo> lanes;
        int64_t origin_ns = 0;
        int64_t now_ns = -1;
        int64_t end_ns = -1;
        bool fed = false;
        bool finished = false;
    };
    void release_held();
    // Shows `model` from the next frame on; the one shown so far stays alive until then if anything
    // drawn points into it.
    void use_model(std::shared_ptr<TimelineModel> model);
    void apply_theme(bool presenter, Look look);
    void place_paused_label();

    void schedule_refresh();
    void refresh();
    void earn_drawing_time();
    LayoutKey layout_key() const;
    bool apply_model(); // true if what is on screen changed
    bool visible_change();
    uint64_t content_size() const;
    std::vector<int> structure_signature() const;
    std::vector<size_t> lane_counts() const;
    void size_lane_rect(const Rect& r);
    void resize_lane_rects();
    void make_legend(); // the legend, at the top of the layout (only while it is shown)
    void rebuild();
    QCPAxisRect* add_rect(View view, const QString& title, double stretch);
    void add_segment_rect(View view, const QString& title, const SegmentStore& store);
    void add_series_rect(View view, const QString& title);
    SeriesFeed& add_feed(QCPAxisRect* rect, const TimeSeries* series, const QColor& colour, bool fill);
    SeriesFeed& add_markers(QCPAxisRect* rect, const std::vector<double>* times, double value,
                            const QColor& colour, QCPScatterStyle::ScatterShape shape);
    void feed_series();
    void feed_slow_callbacks();
    QString shown_empty_text() const;
    void style_axis_rect(QCPAxisRect* rect);
    bool update_lane_labels();
    bool fit_axis_titles(); // true if a title changed (the margins change: lay out again)
    // The height a view needs so its title stands whole (on one line or two): no rect is made
    // shorter, so a title is never elided.
    int title_room_px(const QString& title) const;
    // The height of a lane with its own label: no lane in view is thinner.
    int lane_label_px() const;
    // Shows the window of lanes that fits the rect's height (all, when they fit), every one
    // labelled, with a scroll bar when some are out of view. True if the range changed.
    bool apply_lane_window(size_t index);
    bool eventFilter(QObject* watched, QEvent* event) override; // the wheel over lane names scrolls them
    void rebuild_legend();
    uint64_t legend_signature() const;
    void update_legend_wrap();
    void rebuild_decorations();
    void fit_bookmark_labels();
    QString describe_bookmark(const QPoint& pos) const;
    bool follow_live_edge(); // true if the time range changed
    void note_preferred_height();
    void on_x_range_changed(const QCPRange& range);
    void on_mouse_move(QMouseEvent* event);
    QString describe_segment(const Rect& rect, const QPoint& pos) const;
    QString describe_series(const Rect& rect, const QPoint& pos) const;

    std::shared_ptr<TimelineModel> model_ = std::make_shared<TimelineModel>(); // never null
    std::shared_ptr<const TimelineModel> retired_; // the one shown until the next rebuild()
    Theme theme_ = Theme::make(false, application_look(), application_zoom());
    QCustomPlot* plot_ = nullptr;
    QCPLegend* legend_ = nullptr;
    bool legend_shown_ = true;
    double sample_hz_ = 0;
    std::vector<std::string> waited_objects_;
    QCPMarginGroup* margins_ = nullptr;
    QCPTextElement* placeholder_ = nullptr;
    QString empty_text_; // set_empty_text's; empty: the default
    std::vector<Rect> rects_;
    std::vector<SeriesFeed> feeds_;
    size_t slow_fed_ = 0;
    QCPAxisRect* loop_rect_ = nullptr;
    std::vector<int> signature_;
    std::vector<size_t> lane_counts_; // of the segment rects, as last sized
    uint64_t legend_signature_ = ~uint64_t(0);
    uint64_t applied_revision_ = ~uint64_t(0);
    std::vector<int> labelled_lanes_; // per rect: the lanes its ticker names (0: make it again)
    QTimer refresh_timer_;
    QCPLayer* data_layer_ = nullptr; // buffered on its own
    LayoutKey laid_out_;             // by the last full replot
    uint64_t rebuilds_ = 0;
    QElapsedTimer last_frame_;
    QElapsedTimer budget_clock_;
    double drawing_credit_ms_ = 0.0; // CPU time the view may still spend on drawing
    FrameStats frame_stats_;
    bool following_ = true;
    bool paused_ = false;
    Held held_;
    QLabel* paused_label_ = nullptr;
    bool setting_range_ = false;
    bool structure_dirty_ = true;
    bool stale_while_hidden_ = false;
    Drawn drawn_;
    int noted_preferred_height_ = -1;

    // Decorations, kept as values so they survive a rebuild of the axis rects.
    QString highlighted_lane_;
    double highlight_t0_ = 0.0;
    double highlight_t1_ = 0.0;
    bool has_time_highlight_ = false;
    std::vector<Bookmark> bookmarks_;
    double cursor_t_ = 0.0;
    bool has_cursor_ = false;
    std::vector<QCPAbstractItem*> decoration_items_;
    std::vector<QCPItemText*> bookmark_labels_; // one per bookmark, in the order of bookmarks_
};

} // namespace clab::plots
