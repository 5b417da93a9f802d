// "Export ▸ Plots as PNG / SVG / PDF". The format follows the file's suffix. PDF and SVG are
// vector output: every QCustomPlot inside the exported widget is painted again through
// QCustomPlot::toPainter in vectorised mode (its on-screen buffer is a pixmap), and the rest of
// the widget (titles, legends) is rendered around it.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

class QWidget;

namespace clab::classroom {

enum class PlotFormat { Png, Svg, Pdf, Unknown };

PlotFormat plot_format_of(const QString& path);
// For file dialogs: "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)".
QString plot_file_filter();

struct PlotExportOptions {
    QSize size;       // empty: the widget's current size
    double scale = 2; // PNG: device pixels per widget pixel, so slides stay sharp
    QString title;    // SVG/PDF document title
};

// Exports `widget` (a QCustomPlot, or any widget holding some, such as the stacked timeline) to
// `path`. Returns false with a readable `error`.
bool export_plots(QWidget* widget, const QString& path, QString& error,
                  const PlotExportOptions& options = {});

} // namespace clab::classroom
