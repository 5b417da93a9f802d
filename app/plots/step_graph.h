// A step series (value holds until the next change) drawn with rectangles instead of polygons.
//
// QCPGraph fills a step line by scan-converting one polygon with a vertex per step, and strokes the
// line as one polyline; Qt's raster engine pays several milliseconds for a few hundred steps, which is
// most of a live replot (bench_plot_live). Every piece of a step line is axis-aligned, so the same
// pixels are a list of rectangles: the fill is one rectangle per step (pixel columns split between
// steps the way the polygon's scan conversion splits them), the line one rectangle per horizontal and
// vertical piece, square-capped like the pen (even pen widths, as the themes use: an odd one sits
// between pixel rows in Qt's aliased rule). Other line styles, antialiased drawing and vector
// exports fall back to QCPGraph. tst_timeline_graphs compares both pixel by pixel.
#pragma once

#include <QVector>
#include <qcustomplot.h>

namespace clab::plots {

class StepGraph : public QCPGraph {
    Q_OBJECT
public:
    StepGraph(QCPAxis* key_axis, QCPAxis* value_axis);

protected:
    void drawFill(QCPPainter* painter, QVector<QPointF>* lines) const override;
    void drawLinePlot(QCPPainter* painter, const QVector<QPointF>& lines) const override;

private:
    bool drawable_as_rects(const QCPPainter* painter) const;
    mutable QVector<QRect> rects_; // reused between draws
};

} // namespace clab::plots
