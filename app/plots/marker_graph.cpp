#include "marker_graph.h"

#include <QPainter>
#include <climits>
#include <cmath>

namespace clab::plots {

MarkerGraph::MarkerGraph(QCPAxis* key_axis, QCPAxis* value_axis)
    : QCPGraph(key_axis, value_axis) {}

const QPixmap& MarkerGraph::picture(const QCPScatterStyle& style, qreal ratio) const {
    const QString key = QStringLiteral("%1/%2/%3/%4/%5/%6")
                            .arg(int(style.shape()))
                            .arg(style.size())
                            .arg(style.pen().color().rgba())
                            .arg(style.pen().widthF())
                            .arg(style.brush().color().rgba())
                            .arg(ratio);
    if (key == picture_key_) return picture_;
    // Room for the shape and its outline on every side.
    const int side = int(std::ceil(style.size() + 2.0 * style.pen().widthF())) + 3;
    QPixmap pixmap(QSize(side, side) * ratio);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QCPPainter painter(&pixmap);
    painter.setAntialiasing(true);
    style.applyTo(&painter, mPen);
    style.drawShape(&painter, side / 2.0, side / 2.0);
    painter.end();
    picture_ = pixmap;
    picture_key_ = key;
    return picture_;
}

void MarkerGraph::drawScatterPlot(QCPPainter* painter, const QVector<QPointF>& scatters,
                                  const QCPScatterStyle& style) const {
    if (painter->modes().testFlag(QCPPainter::pmVectorized) || style.shape() == QCPScatterStyle::ssPixmap ||
        style.shape() == QCPScatterStyle::ssCustom) {
        QCPGraph::drawScatterPlot(painter, scatters, style);
        return;
    }
    const QPixmap& shape = picture(style, painter->device() ? painter->device()->devicePixelRatioF() : 1.0);
    const QSizeF size = shape.deviceIndependentSize();
    // Aliased: no half-pixel shift on top of the one the picture was drawn with (QCPPainter shifts
    // antialiased drawing by half a pixel), so the shape lands where QCPGraph would draw it.
    painter->setAntialiasing(false);
    QPoint last(INT_MIN, INT_MIN);
    for (const QPointF& p : scatters) {
        const QPoint px(int(std::lround(p.x())), int(std::lround(p.y())));
        if (px == last) continue; // the same pixel: the same picture
        last = px;
        painter->drawPixmap(QPointF(px.x() - size.width() / 2.0, px.y() - size.height() / 2.0), shape);
    }
}

} // namespace clab::plots
