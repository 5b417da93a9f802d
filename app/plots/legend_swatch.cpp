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

QSize LegendSwatch::text_size() const {
    if (!measured_ || !(measured_font_ == mFont)) {
        const QFontMetrics metrics(mFont);
        measured_text_ = QSize(metrics.horizontalAdvance(text_), metrics.height());
        measured_font_ = mFont;
        measured_ = true;
    }
    return measured_text_;
}

QSize LegendSwatch::minimumOuterSizeHint() const {
    const QSize text = text_size();
    const QSize icon =
        shape_ == Shape::Heading ? QSize(0, mParentLegend->iconSize().height()) : mParentLegend->iconSize();
    return QSize(icon.width() + mParentLegend->iconTextPadding() + text.width(),
                 std::max(icon.height(), text.height()) + 4) + // room for descenders

           QSize(mMargins.left() + mMargins.right(), mMargins.top() + mMargins.bottom());
}

void LegendSwatch::draw(QCPPainter* painter) {
    const QSize icon =
        shape_ == Shape::Heading ? QSize(0, mParentLegend->iconSize().height()) : mParentLegend->iconSize();
    const int height = std::max(mRect.height(), std::max(icon.height(), text_size().height()));
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
    if (static_text_.text() != text_) {
        static_text_.setText(text_);
        static_text_.setTextFormat(Qt::PlainText);
        static_text_.setPerformanceHint(QStaticText::AggressiveCaching);
    }
    // Vertically centred, as drawText(rect, Qt::AlignVCenter) places one line.
    painter->drawStaticText(QPointF(text_x, mRect.y() + (height - text_size().height()) / 2), static_text_);
}

} // namespace clab::plots
