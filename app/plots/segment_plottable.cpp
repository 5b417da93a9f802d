#include "segment_plottable.h"

#include "palette.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <system_error>
#include <thread>

namespace clab::plots {

SegmentPlottable::SegmentPlottable(QCPAxis* key_axis, QCPAxis* value_axis, const SegmentStore* store)
    : QCPAbstractPlottable(key_axis, value_axis)
    , store_(store) {
    // Antialiasing sends drawRects down Qt's slow path (about 2x), and the rectangles sit on whole
    // pixels anyway.
    setAntialiased(false);
    setAntialiasedFill(false);
    setPen(Qt::NoPen);
    setSelectable(QCP::stNone);
    for (int key = 0; key < kMaxKeys; ++key) {
        brushes_[size_t(key)] = QBrush(key_colour(uint8_t(key)));
        premultiplied_[size_t(key)] = qPremultiply(key_colour(uint8_t(key)).rgba());
    }
}

SegmentPlottable::RowPixels SegmentPlottable::row_pixels(int row) const {
    QCPAxis* value = mValueAxis.data();
    const double centre = value->coordToPixel(row);
    const double half = std::abs(value->coordToPixel(row + lane_fill_ / 2.0) - centre);
    const int top = int(std::lround(centre - half));
    const int bottom = int(std::lround(centre + half));
    return {top, std::max(1, bottom - top)};
}

void SegmentPlottable::draw(QCPPainter* painter) {
    // Nothing here may throw: a paint event that throws takes the whole GUI down.
    if (!store_ || !mKeyAxis || !mValueAxis || store_->lane_count() == 0) return;
    QCPAxis* key = mKeyAxis.data();
    if (key->orientation() != Qt::Horizontal || key->rangeReversed()) return;
    const QRect area = clipRect();
    const double left_px = key->coordToPixel(key->range().lower);
    const double right_px = key->coordToPixel(key->range().upper);
    const int left = int(std::lround(left_px));
    const int width = int(std::lround(right_px - left_px));
    const TimeMapping map = TimeMapping::make(key->range().lower, key->range().upper, width);
    if (!map.valid()) return;

    if (zebra_.isValid()) draw_zebra(painter, area);
    const bool highlighted = highlighted_row_ >= 0 && highlighted_row_ < int(store_->lane_count());
    QRect highlight_rect;
    if (highlighted) { // behind the segments, so their colours stay true; outlined on top
        const RowPixels row = row_pixels(highlighted_row_);
        const int pad = std::max(3, row.height / 5);
        highlight_rect = QRect(area.left(), row.top - pad, area.width() - 1, row.height + 2 * pad);
        painter->setPen(Qt::NoPen);
        painter->setBrush(highlight_);
        painter->drawRect(highlight_rect);
    }
    lines_wanted_ = paints_lines(painter);
    collect_rects(map, left, area);
    if (lines_wanted_)
        draw_lines(painter);
    else
        draw_rects(painter);
    if (highlighted) {
        painter->setBrush(Qt::NoBrush);
        QColor outline = highlight_;
        outline.setAlpha(255);
        painter->setPen(QPen(outline.darker(115), 2));
        painter->drawRect(highlight_rect);
    }
}

void SegmentPlottable::draw_zebra(QCPPainter* painter, const QRect& area) const {
    painter->setPen(Qt::NoPen);
    painter->setBrush(zebra_);
    QCPAxis* value = mValueAxis.data();
    for (int row = 1; row < int(store_->lane_count()); row += 2) {
        const double a = value->coordToPixel(row - 0.5);
        const double b = value->coordToPixel(row + 0.5);
        const int top = int(std::lround(std::min(a, b)));
        const int bottom = int(std::lround(std::max(a, b)));
        if (bottom < area.top() || top > area.bottom()) continue;
        painter->drawRect(QRect(area.left(), top, area.width(), bottom - top));
    }
}

namespace {
// Below this many segments still to merge, a second thread costs more than it saves.
constexpr size_t kParallelMergeFrom = 400'000;
} // namespace

void SegmentPlottable::plan_rows(const TimeMapping& map, const QRect& area) {
    const size_t n = store_->lane_count();
    summaries_.resize(n);
    plans_.assign(n, RowPlan{});
    std::vector<size_t> to_merge; // rows whose level must be built or extended first
    size_t pending = 0;
    for (size_t row = 0; row < n; ++row) {
        const RowPixels px = row_pixels(int(row));
        if (px.top + px.height < area.top() || px.top > area.bottom()) continue; // row scrolled away
        RowPlan& plan = plans_[row];
        plan.shown = true;
        plan.visible = store_->lane(row).segments.visible(map.t0, map.t1);
        if (!summaries_enabled_) continue;
        const size_t p = summaries_[row].pending(store_->lane(row).segments, map.seconds_per_px(),
                                                 plan.visible.size(), map.width);
        if (p > 0) to_merge.push_back(row);
        pending += p;
    }
    auto level_of = [&](size_t row) {
        RowPlan& plan = plans_[row];
        plan.level = summaries_[row].level_for(store_->lane(row).segments, map.seconds_per_px(),
                                               plan.visible.size(), map.width);
    };
    // The first draw at a zoom of a run of millions of segments (one just loaded) merges them all:
    // share that between two threads, rows split so each has about half the segments. Each thread
    // touches only its own rows' summaries; the store is only read.
    std::vector<bool> merged(n, false);
    if (pending >= kParallelMergeFrom && to_merge.size() > 1) {
        std::sort(to_merge.begin(), to_merge.end(), [this](size_t a, size_t b) {
            return store_->lane(a).segments.size() > store_->lane(b).segments.size();
        });
        std::vector<size_t> mine, theirs;
        size_t mine_n = 0, theirs_n = 0;
        for (size_t row : to_merge) { // largest first, each to the lighter side
            const size_t size = store_->lane(row).segments.size();
            if (mine_n <= theirs_n) {
                mine.push_back(row);
                mine_n += size;
            } else {
                theirs.push_back(row);
                theirs_n += size;
            }
        }
        try {
            std::thread helper([&] {
                for (size_t row : theirs)
                    level_of(row);
            });
            for (size_t row : mine)
                level_of(row);
            helper.join();
            for (size_t row : to_merge)
                merged[row] = true;
        } catch (const std::system_error&) {
            // No thread to be had: merge on this one below (nothing may escape a paint).
        }
    }
    for (size_t row = 0; row < n; ++row)
        if (plans_[row].shown && summaries_enabled_ && !merged[row]) level_of(row);
}

void SegmentPlottable::collect_rects(const TimeMapping& map, int left, const QRect& area) {
    plan_rows(map, area);
    last_fed_ = 0;
    last_rect_count_ = 0;
    line_targets_.clear();
    if (lines_wanted_) {
        const int rows = int(store_->lane_count());
        if (lines_.width() < map.width || lines_.height() < rows)
            lines_ = QImage(std::max(map.width, lines_.width()), std::max(rows, lines_.height()),
                            QImage::Format_ARGB32_Premultiplied);
        line_targets_.assign(size_t(rows), QRect());
    }
    for (size_t row = 0; row < store_->lane_count(); ++row) {
        const RowPlan& plan = plans_[row];
        if (!plan.shown) continue;
        const RowPixels px = row_pixels(int(row));
        const SegmentStore::Lane& lane = store_->lane(row);
        const LaneSegments& segs = lane.segments;
        raster_.begin(map.width);
        const IndexRange visible = plan.visible;
        if (const SummaryLevel* level = plan.level) {
            // Zoomed out on a dense lane: its merged level, then the lane's unmerged end.
            feed(*level, level->visible(map.t0, map.t1), map);
            const size_t from = summaries_[row].raw_from();
            feed(segs, {std::max(visible.begin, from), std::max(visible.end, from)}, map);
        } else {
            feed(segs, visible, map);
        }
        if (lane.open && lane.open->end > map.t0 && lane.open->start < map.t1)
            raster_.add(map.to_px(lane.open->start), map.to_px(lane.open->end), lane.open->key);
        runs_.clear();
        raster_.finish(runs_);
        last_rect_count_ += runs_.size();
        if (lines_wanted_) {
            if (runs_.empty()) continue;
            auto* line = reinterpret_cast<QRgb*>(lines_.scanLine(int(row)));
            std::fill(line, line + map.width, QRgb(0)); // transparent where no segment is
            for (const PixelRun& run : runs_)
                std::fill(line + run.x0, line + run.x1, premultiplied_[run.key]);
            line_targets_[row] = QRect(left, px.top, map.width, px.height);
            continue;
        }
        for (const PixelRun& run : runs_)
            rects_[run.key].push_back(QRect(left + run.x0, px.top, run.x1 - run.x0, px.height));
    }
}

bool SegmentPlottable::paints_lines(const QCPPainter* painter) {
    // The raster engine copies a stretched line row by row; a vector device (PDF, SVG) would get a
    // bitmap, and antialiasing would blur its edges: those keep the rectangles.
    const QPaintEngine* engine = painter->paintEngine();
    return engine && engine->type() == QPaintEngine::Raster && !painter->antialiasing() &&
           !painter->modes().testFlag(QCPPainter::pmVectorized) &&
           painter->transform().type() <= QTransform::TxScale;
}

void SegmentPlottable::draw_lines(QCPPainter* painter) {
    for (size_t row = 0; row < line_targets_.size(); ++row) {
        const QRect& target = line_targets_[row];
        if (target.isValid()) painter->drawImage(target, lines_, QRect(0, int(row), target.width(), 1));
    }
}

void SegmentPlottable::feed(const LaneSegments& segs, IndexRange range, const TimeMapping& map) {
    raster_.add_segments(segs.starts(), segs.ends(), segs.keys(), range.begin, range.end, map);
    last_fed_ += range.size();
}

void SegmentPlottable::feed(const SummaryLevel& level, IndexRange range, const TimeMapping& map) {
    for (size_t i = range.begin; i < range.end; ++i) {
        const double xs = map.to_px(level.start(i));
        const double xe = map.to_px(level.end(i));
        if (const size_t n = level.share_count(i))
            raster_.add_shares(xs, xe, level.share_keys(i), level.shares(i), int(n));
        else
            raster_.add(xs, xe, level.key(i));
    }
    last_fed_ += level.work(range);
}

size_t SegmentPlottable::summary_bytes() const {
    size_t n = 0;
    for (const LaneSummary& s : summaries_)
        n += s.bytes_used();
    return n;
}

void SegmentPlottable::draw_rects(QCPPainter* painter) {
    painter->setPen(Qt::NoPen);
    for (size_t key = 0; key < rects_.size(); ++key) {
        std::vector<QRect>& rects = rects_[key];
        if (rects.empty()) continue;
        painter->setBrush(brushes_[key]);
        painter->drawRects(rects.data(), int(rects.size()));
        rects.clear();
    }
}

void SegmentPlottable::drawLegendIcon(QCPPainter* painter, const QRectF& rect) const {
    painter->setPen(Qt::NoPen);
    painter->setBrush(brushes_[state_key(SegState::Running)]);
    painter->drawRect(rect);
}

std::optional<SegmentPlottable::Hit> SegmentPlottable::hit_test(const QPointF& pos) const {
    if (!store_ || !mKeyAxis || !mValueAxis || store_->lane_count() == 0) return std::nullopt;
    QCPAxis* key = mKeyAxis.data();
    QCPAxis* value = mValueAxis.data();
    if (!key->axisRect()->rect().contains(pos.toPoint())) return std::nullopt;
    const int row = int(std::lround(value->pixelToCoord(pos.y())));
    if (row < 0 || row >= int(store_->lane_count())) return std::nullopt;
    const RowPixels px = row_pixels(row);
    if (pos.y() < px.top - 2 || pos.y() > px.top + px.height + 2) return std::nullopt;
    const double t = key->pixelToCoord(pos.x());
    const double tolerance = 3.0 * std::abs(key->pixelToCoord(pos.x() + 1.0) - t);
    const SegmentStore::Lane& lane = store_->lane(size_t(row));
    if (lane.open && t >= lane.open->start - tolerance && t <= lane.open->end + tolerance)
        return Hit{row, *lane.open, true};
    if (const auto index = lane.segments.find(t, tolerance)) return Hit{row, lane.segments.at(*index), false};
    return std::nullopt;
}

double SegmentPlottable::selectTest(const QPointF& pos, bool onlySelectable, QVariant* details) const {
    Q_UNUSED(details)
    if (onlySelectable && !selectable()) return -1;
    if (!store_ || !mKeyAxis || !mValueAxis) return -1;
    return hit_test(pos) ? 0.0 : -1.0;
}

QCPRange SegmentPlottable::getKeyRange(bool& foundRange, QCP::SignDomain inSignDomain) const {
    double lo = 0.0;
    double hi = 0.0;
    foundRange = store_ && store_->time_span(lo, hi);
    if (!foundRange) return QCPRange();
    // Times are seconds from the run's start, so the negative domain is normally empty.
    if (inSignDomain == QCP::sdPositive) {
        if (hi <= 0.0) {
            foundRange = false;
            return QCPRange();
        }
        if (lo <= 0.0) lo = std::min(hi, 1e-9);
    } else if (inSignDomain == QCP::sdNegative) {
        if (lo >= 0.0) {
            foundRange = false;
            return QCPRange();
        }
        if (hi >= 0.0) hi = std::max(lo, -1e-9);
    }
    return QCPRange(lo, hi);
}

QCPRange SegmentPlottable::getValueRange(bool& foundRange, QCP::SignDomain inSignDomain,
                                         const QCPRange& inKeyRange) const {
    Q_UNUSED(inKeyRange)
    const int rows = store_ ? int(store_->lane_count()) : 0;
    foundRange = rows > 0;
    if (!foundRange) return QCPRange();
    QCPRange range(-0.5, rows - 0.5);
    if (inSignDomain == QCP::sdPositive) range.lower = std::min(0.5, range.upper);
    if (inSignDomain == QCP::sdNegative) {
        foundRange = false;
        return QCPRange();
    }
    return range;
}

} // namespace clab::plots
