#include "segment_plottable.h"

#include "palette.h"

#include <algorithm>
#include <cmath>
#include <limits>

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
    for (int key = 0; key < kMaxKeys; ++key)
        brushes_[size_t(key)] = QBrush(key_colour(uint8_t(key)));
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
    collect_rects(map, left, area);
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

void SegmentPlottable::collect_rects(const TimeMapping& map, int left, const QRect& area) {
    summaries_.resize(store_->lane_count());
    last_fed_ = 0;
    for (size_t row = 0; row < store_->lane_count(); ++row) {
        const RowPixels px = row_pixels(int(row));
        if (px.top + px.height < area.top() || px.top > area.bottom()) continue; // row scrolled away
        const SegmentStore::Lane& lane = store_->lane(row);
        const LaneSegments& segs = lane.segments;
        raster_.begin(map.width);
        const IndexRange visible = segs.visible(map.t0, map.t1);
        const SummaryLevel* level = summaries_enabled_ ? summaries_[row].level_for(segs, map.seconds_per_px(),
                                                                                   visible.size(), map.width)
                                                       : nullptr;
        if (level) { // zoomed out on a dense lane: its merged level, then the lane's unmerged end
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
        for (const PixelRun& run : runs_)
            rects_[run.key].push_back(QRect(left + run.x0, px.top, run.x1 - run.x0, px.height));
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
    last_rect_count_ = 0;
    for (size_t key = 0; key < rects_.size(); ++key) {
        std::vector<QRect>& rects = rects_[key];
        if (rects.empty()) continue;
        painter->setBrush(brushes_[key]);
        painter->drawRects(rects.data(), int(rects.size()));
        last_rect_count_ += rects.size();
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
