// The timeline's fast graphs draw what QCustomPlot's own QCPGraph draws: a step series with its fill
// (StepGraph, rectangles instead of a polygon) and event markers (MarkerGraph, one cached picture),
// rendered side by side to pixmaps and compared pixel by pixel.
#include "plots/marker_graph.h"
#include "plots/step_graph.h"

#include <QTest>
#include <random>

using namespace clab::plots;

namespace {
constexpr int kWidth = 700;
constexpr int kHeight = 140;

struct Series {
    QVector<double> t;
    QVector<double> v;
};

Series steps(int n) {
    Series s;
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> value(0, 4);
    std::exponential_distribution<double> gap(1.0);
    double t = 0.0;
    for (int i = 0; i < n; ++i) {
        s.t << t;
        s.v << value(rng);
        t += gap(rng);
    }
    return s;
}

// Renders one graph made by `make` (a QCPGraph or ours) over `series`, styled as the timeline does.
template <typename Make> QImage render(const Series& series, Make make, int pen_width, bool markers) {
    QCustomPlot plot;
    plot.resize(kWidth, kHeight);
    plot.setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
    QCPGraph* graph = make(plot.xAxis, plot.yAxis);
    const QColor colour(0xE6, 0x9F, 0x00);
    if (markers) {
        graph->setLineStyle(QCPGraph::lsNone);
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssTriangle, colour, colour, 7));
    } else {
        graph->setLineStyle(QCPGraph::lsStepLeft);
        graph->setPen(QPen(colour, pen_width));
        QColor fill = colour;
        fill.setAlpha(60);
        graph->setBrush(fill);
        graph->setAntialiased(false);
        graph->setAntialiasedFill(false);
    }
    graph->setAdaptiveSampling(true);
    graph->setData(series.t, series.v, true);
    plot.xAxis->setRange(-1.0, series.t.back() * 1.05);
    plot.yAxis->setRange(-0.5, 4.8);
    return plot.toPixmap(kWidth, kHeight, 1.0).toImage();
}

int differing(const QImage& a, const QImage& b) {
    int n = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            n += a.pixel(x, y) != b.pixel(x, y);
    return n;
}

int coloured(const QImage& image) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            n += qRed(image.pixel(x, y)) != qBlue(image.pixel(x, y)); // the series colour, not greys
    return n;
}
} // namespace

class TestTimelineGraphs : public QObject {
    Q_OBJECT
private slots:
    // The themes' pen widths (2 on the desk, 4 on a projector), from a few steps to more steps than
    // pixels: at most a few corner pixels differ (the pen's joins; under 3 % of what is drawn).
    void stepGraphDrawsWhatQcpGraphDraws_data() {
        QTest::addColumn<int>("pen");
        QTest::addColumn<int>("count");
        for (int pen : {2, 4})
            for (int count : {30, 300, 3000})
                QTest::newRow(qPrintable(QStringLiteral("pen %1, %2 steps").arg(pen).arg(count)))
                    << pen << count;
    }
    void stepGraphDrawsWhatQcpGraphDraws() {
        QFETCH(int, pen);
        QFETCH(int, count);
        const Series series = steps(count);
        const QImage theirs = render(
            series, [](QCPAxis* x, QCPAxis* y) { return new QCPGraph(x, y); }, pen, false);
        const QImage ours = render(
            series, [](QCPAxis* x, QCPAxis* y) { return new StepGraph(x, y); }, pen, false);
        QVERIFY(coloured(theirs) > kWidth * kHeight / 10); // there is something to compare
        const int differ = differing(theirs, ours);
        QVERIFY2(differ * 100 <= coloured(theirs) * 3,
                 qPrintable(QStringLiteral("%1 pixels differ").arg(differ)));
    }

    // Antialiased edges may land up to half a pixel apart (the picture sits on whole pixels), so this
    // compares the markers' ink: as much of it, in the same place (pixels at least half covered, and
    // their centre of mass).
    void markerGraphDrawsWhatQcpGraphDraws() {
        const Series series = steps(60);
        const QImage theirs = render(
            series, [](QCPAxis* x, QCPAxis* y) { return new QCPGraph(x, y); }, 1, true);
        const QImage ours = render(
            series, [](QCPAxis* x, QCPAxis* y) { return new MarkerGraph(x, y); }, 1, true);
        auto marked = [](QRgb p) { return qRed(p) - qBlue(p) > 100; }; // the orange, at least half of it
        struct Ink {
            int pixels = 0;
            double x = 0.0;
            double y = 0.0;
        };
        auto ink = [&](const QImage& image) {
            Ink i;
            for (int y = 0; y < kHeight; ++y)
                for (int x = 0; x < kWidth; ++x)
                    if (marked(image.pixel(x, y))) {
                        ++i.pixels;
                        i.x += x;
                        i.y += y;
                    }
            i.x /= std::max(1, i.pixels);
            i.y /= std::max(1, i.pixels);
            return i;
        };
        const Ink a = ink(theirs);
        const Ink b = ink(ours);
        QVERIFY(a.pixels > 60 * 10);
        QVERIFY2(std::abs(a.pixels - b.pixels) * 10 <= a.pixels,
                 qPrintable(QStringLiteral("%1 vs %2").arg(a.pixels).arg(b.pixels)));
        QVERIFY2(std::abs(a.x - b.x) <= 0.6 && std::abs(a.y - b.y) <= 0.6,
                 qPrintable(QStringLiteral("(%1, %2) vs (%3, %4)").arg(a.x).arg(a.y).arg(b.x).arg(b.y)));
    }
};

QTEST_MAIN(TestTimelineGraphs)
#include "tst_timeline_graphs.moc"
