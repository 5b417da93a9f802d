#include "legend_swatch.h"

namespace clab::plots {

LegendSwatch::LegendSwatch(QCPLegend* legend, const QColor& colour, const QString& text, Shape shape,
                           QCPScatterStyle::ScatterShape marker)
    : QCPAbstractLegendItem(legend)
    , colour_(colour)
    , text_(text)
    , shape_(shape)
    , marker_(marker) {
    setSelectable(false);
    if (shape_ == Shape::Heading) {
        mFont.setBold(true);
        mFont.setItalic(true);
    }
}

QSize LegendSwatch::minimumOuterSizeHint() const {
    const QFontMetrics metrics(mFont);
    const QSize icon =
        shape_ == Shape::Heading ? QSize(0, mParentLegend->iconSize().height()) : mParentLegend->iconSize();
    const int text_width = metrics.horizontalAdvance(text_);
    return QSize(icon.width() + mParentLegend->iconTextPadding() + text_width,
                 std::max(icon.height(), metrics.height()) + 4) + // room for descenders

           QSize(mMargins.left() + mMargins.right(), mMargins.top() + mMargins.bottom());
}

void LegendSwatch::draw(QCPPainter* painter) {
    const QSize icon =
        shape_ == Shape::Heading ? QSize(0, mParentLegend->iconSize().height()) : mParentLegend->iconSize();
    const QFontMetrics metrics(mFont);
    const int height = std::max(mRect.height(), std::max(icon.height(), metrics.height()));
    const QRect icon_rect(mRect.topLeft() + QPoint(0, (height - icon.height()) / 2), icon);
    painter->setAntialiasing(true);
    switch (shape_) {
    case Shape::Box:
        painter->setPen(QPen(colour_.darker(130), 1));
        painter->setBrush(colour_);
        painter->drawRect(icon_rect.adjusted(1, 1, -1, -1));
        break;
    case Shape::Line:
        painter->setPen(QPen(colour_, std::max(2, icon.height() / 5)));
        painter->drawLine(QLineF(icon_rect.left() + 1, icon_rect.center().y(), icon_rect.right() - 1,
                                 icon_rect.center().y()));
        break;
    case Shape::Heading:
        break;
    case Shape::Marker: {
        QCPScatterStyle style(marker_, colour_, colour_, icon.height() * 0.8);
        style.applyTo(painter, QPen(colour_));
        style.drawShape(painter, QPointF(icon_rect.center()));
        break;
    }
    }
    painter->setFont(mFont);
    painter->setPen(mTextColor);
    const int text_x =
        mRect.x() + (shape_ == Shape::Heading ? 0 : icon.width() + mParentLegend->iconTextPadding());
    painter->drawText(QRect(text_x, mRect.y(), mRect.right() - text_x + 1, height),
                      Qt::AlignLeft | Qt::AlignVCenter, text_);
}

} // namespace clab::plots
