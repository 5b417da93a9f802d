// The one QCustomPlot plottable that draws a group of lanes of segments (see ARCHITECTURE.md,
// "Timeline rendering"). draw(): visible range per lane (two binary searches) -> the pixel rule
// (LaneRasterizer) -> merged pixel runs -> on screen one line of pixels per lane, stretched to its
// height (one drawImage per lane); for vector export one rectangle list per colour (one drawRects
// per colour, no pen, no antialiasing). Cost is bounded by what is visible plus lanes x width,
// whatever the data size.
#pragma once

#include "lane_summary.h"
#include "segment_store.h"
#include "timeline_geometry.h"

#include <array>
#include <optional>
#include <qcustomplot.h>
#include <vector>

namespace clab::plots {

class SegmentPlottable : public QCPAbstractPlottable {
    Q_OBJECT
public:
    // The store is not owned and must outlive the plottable (the TimelineModel owns stores, the view
    // owns both). The value axis shows rows 0..n-1; the view reverses it so row 0 is on top.
    SegmentPlottable(QCPAxis* key_axis, QCPAxis* value_axis, const SegmentStore* store);

    void set_store(const SegmentStore* store) { store_ = store; }
    const SegmentStore* store() const { return store_; }
    void set_lane_fill(double fraction) { lane_fill_ = fraction; }
    void set_zebra(const QColor& colour) { zebra_ = colour; }
    void set_highlighted_row(int row, const QColor& colour) {
        highlighted_row_ = row;
        highlight_ = colour;
    }
    int highlighted_row() const { return highlighted_row_; }

    struct Hit {
        int row = -1;
        SegmentRecord segment;
        bool open = false; // the live, still-running segment
    };
    // The segment under a widget pixel, with a few pixels of tolerance so a 1-ns event can be hovered.
    std::optional<Hit> hit_test(const QPointF& pos) const;
    // Pixel runs (rectangles) drawn by the last draw() (after merging), for benchmarks and tests.
    size_t last_rect_count() const { return last_rect_count_; }
    // Segments the last draw() fed to the pixel rule (fewer than are visible when a lane was drawn
    // from a summary level), and the memory the summary levels hold.
    size_t last_segments_fed() const { return last_fed_; }
    size_t summary_bytes() const;
    // Off: every lane is drawn from its segments at any zoom (tests compare both).
    void set_summaries_enabled(bool on) { summaries_enabled_ = on; }

    // QCPAbstractPlottable
    double selectTest(const QPointF& pos, bool onlySelectable, QVariant* details = nullptr) const override;
    QCPRange getKeyRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth) const override;
    QCPRange getValueRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth,
                           const QCPRange& inKeyRange = QCPRange()) const override;

protected:
    void draw(QCPPainter* painter) override;
    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override;

private:
    struct RowPixels {
        int top = 0;
        int height = 0;
    };
    RowPixels row_pixels(int row) const;
    void draw_zebra(QCPPainter* painter, const QRect& area) const;
    // What each row draws from: its visible segments and, zoomed out on a dense lane, a summary level.
    struct RowPlan {
        bool shown = false;
        IndexRange visible;
        const SummaryLevel* level = nullptr;
    };
    void plan_rows(const TimeMapping& map, const QRect& area);
    void collect_rects(const TimeMapping& map, int left, const QRect& area);
    void feed(const LaneSegments& segs, IndexRange range, const TimeMapping& map);
    void feed(const SummaryLevel& level, IndexRange range, const TimeMapping& map);
    // Raster painting (the screen): each row's runs become one line of `lines_`, drawn stretched to
    // the row's height, one drawImage per row instead of thousands of thin rectangles (the same
    // pixels: whole-pixel rectangles, no antialiasing). Vector export keeps the rectangles.
    static bool paints_lines(const QCPPainter* painter);
    void draw_rects(QCPPainter* painter);
    void draw_lines(QCPPainter* painter);

    const SegmentStore* store_ = nullptr;
    double lane_fill_ = 0.76;
    QColor zebra_;
    int highlighted_row_ = -1;
    QColor highlight_;
    LaneRasterizer raster_;
    std::vector<LaneSummary> summaries_; // per row
    std::vector<RowPlan> plans_;         // per row, for the draw under way
    bool summaries_enabled_ = true;
    size_t last_fed_ = 0;
    std::vector<PixelRun> runs_;
    std::array<std::vector<QRect>, kMaxKeys> rects_; // reused between draws
    std::array<QBrush, kMaxKeys> brushes_;
    std::array<QRgb, kMaxKeys> premultiplied_{}; // brushes_' colours, for lines_
    bool lines_wanted_ = false;                  // the draw under way paints lines_
    QImage lines_;                               // one line of pixels per row, reused between draws
    std::vector<QRect> line_targets_;            // per row shown: where its line goes
    size_t last_rect_count_ = 0;
};

} // namespace clab::plots
