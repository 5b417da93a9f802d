#include "step_graph.h"

#include <algorithm>
#include <cmath>

namespace clab::plots {

namespace {
// Pixel positions far outside the plot (the points just beyond the visible range, deep zoom) are
// clamped before rounding, so the integer casts stay small.
int clamp_px(double v, int lo, int hi) {
    return int(std::lround(std::clamp(v, double(lo), double(hi))));
}
} // namespace

StepGraph::StepGraph(QCPAxis* key_axis, QCPAxis* value_axis)
    : QCPGraph(key_axis, value_axis) {}

bool StepGraph::drawable_as_rects(const QCPPainter* painter) const {
    // Rectangles reproduce aliased drawing of a left-step line on a horizontal time axis; anything
    // else (antialiased, vector export, other styles) takes QCPGraph's path.
    return lineStyle() == lsStepLeft && !channelFillGraph() && keyAxis() && valueAxis() &&
           keyAxis()->orientation() == Qt::Horizontal && !painter->antialiasing() &&
           !painter->modes().testFlag(QCPPainter::pmVectorized);
}

void StepGraph::drawFill(QCPPainter* painter, QVector<QPointF>* lines) const {
    if (painter->brush().style() == Qt::NoBrush || painter->brush().color().alpha() == 0) return;
    applyFillAntialiasingHint(painter);
    if (!drawable_as_rects(painter)) {
        QCPGraph::drawFill(painter, lines);
        return;
    }
    const QRect area = clipRect();
    const int lo_x = area.left() - 2;
    const int hi_x = area.right() + 2;
    const int lo_y = area.top() - 2;
    const int hi_y = area.bottom() + 2;
    const int base = clamp_px(valueAxis()->coordToPixel(0.0), lo_y, hi_y);
    rects_.clear();
    // A step line is (x0,y0) (x1,y0) (x1,y1) (x2,y1) ...: each horizontal piece fills down to the base.
    // Rounding both ends gives each pixel column to the piece covering its centre, as scan conversion
    // of the polygon does, and keeps neighbouring rectangles from overlapping (the brush is translucent).
    for (qsizetype i = 0; i + 1 < lines->size(); ++i) {
        const QPointF& a = (*lines)[i];
        const QPointF& b = (*lines)[i + 1];
        if (!(a.y() == b.y())) continue; // a vertical piece, or NaN (a gap in the data)
        const int x0 = clamp_px(std::min(a.x(), b.x()), lo_x, hi_x);
        const int x1 = clamp_px(std::max(a.x(), b.x()), lo_x, hi_x);
        const int y = clamp_px(a.y(), lo_y, hi_y);
        if (x1 <= x0 || y == base) continue;
        rects_.push_back(QRect(x0, std::min(y, base), x1 - x0, std::abs(base - y)));
    }
    painter->setPen(Qt::NoPen);
    painter->drawRects(rects_.constData(), int(rects_.size()));
}

void StepGraph::drawLinePlot(QCPPainter* painter, const QVector<QPointF>& lines) const {
    if (painter->pen().style() == Qt::NoPen || painter->pen().color().alpha() == 0) return;
    applyDefaultAntialiasingHint(painter);
    const QPen pen = painter->pen();
    // Even widths only: a line of odd width sits between pixel rows in Qt's aliased rule, which the
    // rectangles would shift by a pixel (the themes use 2 and 4).
    const int w = int(std::lround(pen.widthF()));
    if (!drawable_as_rects(painter) || pen.style() != Qt::SolidLine || pen.capStyle() != Qt::SquareCap ||
        w < 2 || w % 2 != 0 || double(w) != pen.widthF()) {
        QCPGraph::drawLinePlot(painter, lines);
        return;
    }
    const QRect area = clipRect();
    const int lo_x = area.left() - 8;
    const int hi_x = area.right() + 8;
    const int lo_y = area.top() - 8;
    const int hi_y = area.bottom() + 8;
    // A square-capped pen of width w covers w/2 beyond each end of each piece and w/2 to each side.
    const int half = w / 2;
    rects_.clear();
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        const QPointF& a = lines[i];
        const QPointF& b = lines[i + 1];
        if (std::isnan(a.x()) || std::isnan(a.y()) || std::isnan(b.x()) || std::isnan(b.y())) continue;
        const int x0 = clamp_px(std::min(a.x(), b.x()), lo_x, hi_x);
        const int x1 = clamp_px(std::max(a.x(), b.x()), lo_x, hi_x);
        const int y0 = clamp_px(std::min(a.y(), b.y()), lo_y, hi_y);
        const int y1 = clamp_px(std::max(a.y(), b.y()), lo_y, hi_y);
        if (x0 == x1 && y0 == y1) continue;
        rects_.push_back(QRect(x0 - half, y0 - half, x1 - x0 + w, y1 - y0 + w));
    }
    painter->setBrush(pen.color());
    painter->setPen(Qt::NoPen);
    painter->drawRects(rects_.constData(), int(rects_.size()));
    painter->setBrush(Qt::NoBrush);
    painter->setPen(pen);
}

} // namespace clab::plots
