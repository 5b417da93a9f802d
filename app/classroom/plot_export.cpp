#include "plot_export.h"

#include <QFileInfo>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <qcustomplot.h>

namespace clab::classroom {

namespace {

// The QCustomPlots to paint as vectors: the widget itself, or its visible descendants.
QList<QCustomPlot*> plots_in(QWidget* root) {
    if (auto* plot = qobject_cast<QCustomPlot*>(root)) return {plot};
    QList<QCustomPlot*> plots;
    for (QCustomPlot* plot : root->findChildren<QCustomPlot*>())
        if (plot->isVisibleTo(root)) plots.append(plot);
    return plots;
}

// Items marked to stay on screen only (a lesson notice's label), hidden while exporting.
class LeftOut {
public:
    explicit LeftOut(const QList<QCustomPlot*>& plots)
        : plots_(plots) {
        for (QCustomPlot* plot : plots)
            for (int i = 0; i < plot->itemCount(); ++i)
                if (QCPAbstractItem* item = plot->item(i);
                    item->visible() && item->property("clab_leave_out_of_export").toBool()) {
                    item->setVisible(false);
                    hidden_.append(item);
                }
    }
    ~LeftOut() {
        for (QCPAbstractItem* item : hidden_)
            item->setVisible(true);
        if (!hidden_.isEmpty())
            for (QCustomPlot* plot : plots_)
                plot->replot(QCustomPlot::rpQueuedReplot); // back on screen
    }

private:
    QList<QCustomPlot*> plots_;
    QList<QCPAbstractItem*> hidden_;
};

// The caption strip under an exported picture: which run it shows.
int caption_height(const QString& caption, const QFont& font) {
    return caption.isEmpty() ? 0 : QFontMetrics(font).height() + 12;
}

void paint_caption(QPainter& painter, const QString& caption, const QFont& font, const QRect& strip,
                   const QColor& text) {
    if (caption.isEmpty()) return;
    painter.save();
    painter.setFont(font);
    painter.setPen(text);
    painter.drawText(strip.adjusted(8, 0, -8, 0), Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetrics(font).elidedText(caption, Qt::ElideRight, strip.width() - 16));
    painter.restore();
}

// Paints `root` at 1:1 on `device`: everything but the plots as the widget renders itself, then
// each plot through toPainter, so plot content stays vector in SVG and PDF.
void paint_vector(QWidget* root, QPaintDevice* device, double scale, const QString& caption) {
    QCPPainter painter(device);
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    painter.scale(scale, scale);
    const QList<QCustomPlot*> plots = plots_in(root);
    QRegion rest(root->rect());
    for (QCustomPlot* plot : plots)
        rest -= QRect(plot->mapTo(root, QPoint(0, 0)), plot->size());
    if (plots.size() != 1 || plots.front() != root)
        root->render(&painter, QPoint(), rest, QWidget::DrawWindowBackground | QWidget::DrawChildren);
    for (QCustomPlot* plot : plots) {
        painter.save();
        painter.translate(plot->mapTo(root, QPoint(0, 0)));
        painter.setClipRect(QRect(QPoint(0, 0), plot->size()));
        plot->toPainter(&painter, plot->width(), plot->height());
        painter.restore();
    }
    const QRect strip(0, root->height(), root->width(), caption_height(caption, root->font()));
    painter.fillRect(strip, root->palette().color(QPalette::Window));
    paint_caption(painter, caption, root->font(), strip, root->palette().color(QPalette::WindowText));
}

} // namespace

PlotFormat plot_format_of(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png")) return PlotFormat::Png;
    if (suffix == QLatin1String("svg")) return PlotFormat::Svg;
    if (suffix == QLatin1String("pdf")) return PlotFormat::Pdf;
    return PlotFormat::Unknown;
}

QString plot_file_filter() {
    return QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)");
}

bool export_plots(QWidget* widget, const QString& path, QString& error, const PlotExportOptions& options) {
    if (widget == nullptr) {
        error = QObject::tr("there is no plot to export");
        return false;
    }
    const PlotFormat format = plot_format_of(path);
    if (format == PlotFormat::Unknown) {
        error = QObject::tr("%1: choose a name ending in .png, .svg or .pdf").arg(path);
        return false;
    }
    QSize size = options.size.isValid() && !options.size.isEmpty() ? options.size : widget->size();
    if (size != widget->size()) widget->resize(size);
    if (size.isEmpty()) {
        error = QObject::tr("the plots have no size yet (is the window shown?)");
        return false;
    }
    const LeftOut left_out(plots_in(widget));
    // Replot now so a hidden or just-resized widget exports what it would show.
    for (QCustomPlot* plot : plots_in(widget))
        plot->replot(QCustomPlot::rpImmediateRefresh);
    // Every picture says what it shows: the run's name, else the app's.
    const QString caption = options.title.isEmpty() ? QObject::tr("Concurrency Lab")
                                                    : QObject::tr("%1 — Concurrency Lab").arg(options.title);
    const QSize page(size.width(), size.height() + caption_height(caption, widget->font()));

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    switch (format) {
    case PlotFormat::Png: {
        const double scale = std::clamp(options.scale, 0.25, 8.0);
        QImage image(QSize(qRound(page.width() * scale), qRound(page.height() * scale)),
                     QImage::Format_ARGB32);
        image.fill(widget->palette().color(QPalette::Window));
        paint_vector(widget, &image, scale, caption); // vector paint onto a raster image: sharp at any scale
        if (!image.save(&file, "PNG")) {
            error = QObject::tr("cannot encode %1 as PNG").arg(path);
            return false;
        }
        break;
    }
    case PlotFormat::Svg: {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(page);
        svg.setViewBox(QRect(QPoint(0, 0), page));
        svg.setTitle(options.title.isEmpty() ? QStringLiteral("Concurrency Lab") : options.title);
        svg.setDescription(QObject::tr("Timeline exported from Concurrency Lab"));
        paint_vector(widget, &svg, 1.0, caption);
        break;
    }
    case PlotFormat::Pdf: {
        QPdfWriter pdf(&file);
        pdf.setTitle(options.title.isEmpty() ? QStringLiteral("Concurrency Lab") : options.title);
        pdf.setCreator(QStringLiteral("Concurrency Lab"));
        pdf.setResolution(96);
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setPageSize(
            QPageSize(QSizeF(page.width() * 72.0 / 96.0, page.height() * 72.0 / 96.0), QPageSize::Point));
        paint_vector(widget, &pdf, 1.0, caption);
        break;
    }
    case PlotFormat::Unknown:
        break;
    }
    if (!file.commit()) {
        error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace clab::classroom
