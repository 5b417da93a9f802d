// Event markers (drop requests, forced switches) drawn from one cached, antialiased picture.
//
// QCPGraph draws every scatter point as its own antialiased polygon; with hundreds of GIL events that
// was a tenth of a live frame. The shape looks the same every time, so it is rendered once (per
// style and pixel ratio) and copied; a marker landing on the pixel of the one before it is skipped.
// Vector exports (PDF, SVG) still get QCPGraph's shapes.
#pragma once

#include <QPixmap>
#include <qcustomplot.h>

namespace clab::plots {

class MarkerGraph : public QCPGraph {
    Q_OBJECT
public:
    MarkerGraph(QCPAxis* key_axis, QCPAxis* value_axis);

protected:
    void drawScatterPlot(QCPPainter* painter, const QVector<QPointF>& scatters,
                         const QCPScatterStyle& style) const override;

private:
    const QPixmap& picture(const QCPScatterStyle& style, qreal ratio) const;

    mutable QPixmap picture_;
    mutable QString picture_key_;
};

} // namespace clab::plots
