// One legend entry: a colour swatch (a box for states and workers, a line for series, a marker for
// events) and its text. The timeline's legend is made of these, because one segment plottable draws
// many colours and QCustomPlot's plottable legend items would show one.
#pragma once

#include <QStaticText>
#include <qcustomplot.h>

namespace clab::plots {

class LegendSwatch : public QCPAbstractLegendItem {
    Q_OBJECT
public:
    enum class Shape { Box, Line, Marker, Heading }; // Heading: text only, bold
    LegendSwatch(QCPLegend* legend, const QColor& colour, const QString& text, Shape shape = Shape::Box,
                 QCPScatterStyle::ScatterShape marker = QCPScatterStyle::ssNone);

    QString text() const { return text_; }
    QColor colour() const { return colour_; }

protected:
    void draw(QCPPainter* painter) override;
    QSize minimumOuterSizeHint() const override;

private:
    QSize text_size() const;

    QColor colour_;
    // The text's size for the font it was measured with: every full replot asks for the size hint,
    // and shaping the text each time was a visible part of a replot's cost.
    mutable QFont measured_font_;
    mutable QSize measured_text_;
    mutable bool measured_ = false;
    QStaticText static_text_; // laid out once, drawn by every full replot
    QString text_;
    Shape shape_;
    QCPScatterStyle::ScatterShape marker_;
};

} // namespace clab::plots
