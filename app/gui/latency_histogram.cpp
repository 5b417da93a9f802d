#include "latency_histogram.h"

#include "plots/palette.h"
#include "summary_panel.h"

#include <QEvent>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <optional>
#include <qcustomplot.h>

namespace clab::gui {

namespace {
constexpr int kTargetBins = 30;

// A bin width of 1, 2 or 5 times a power of ten, giving about kTargetBins bins up to `span`.
double nice_bin_width(double span) {
    const double raw = std::max(span / kTargetBins, 1e-3);
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    for (double step : {1.0, 2.0, 5.0})
        if (raw <= step * decade) return step * decade;
    return 10 * decade;
}

// The blocking calls a workload asks for by itself (what `io_ms` is about): the requests of a
// network workload, the sleeps of the waiting ones. Connects, joins and a process pool's pipes are
// blocking calls too, but not the ones the lesson times; a CPU workload has none.
std::optional<IoKind> workload_call_kind(WorkloadKind workload) {
    switch (workload) {
    case WorkloadKind::Net:
        return IoKind::Socket;
    case WorkloadKind::Sleep:
    case WorkloadKind::Mixed:
    case WorkloadKind::Blend:
        return IoKind::Sleep;
    default:
        return std::nullopt;
    }
}

QString ms_text(double ms) {
    return ms < 10 ? QString::number(ms, 'f', 1) : QString::number(ms, 'f', 0);
}
} // namespace

LatencyHistogram::LatencyHistogram(QWidget* parent)
    : QWidget(parent)
    , plot_(new QCustomPlot(this)) {
    setObjectName(QStringLiteral("latencyHistogram"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    plot_->setMinimumSize(300, 170);
    plot_->setAccessibleName(tr("Latency histogram"));
    plot_->setAccessibleDescription(tr("How many calls took how long, GIL wait included"));
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(0, 0, new QCPTextElement(plot_, QString()));
    plot_->xAxis->setLabel(tr("latency (ms), GIL wait included"));
    plot_->yAxis->setLabel(tr("calls"));
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create(); // whole calls: 1, 2, 5, 10 … apart
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot_->yAxis->setTicker(ticker);
    bars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    bars_->setName(tr("calls"));
    setToolTip(tr("Each bar counts the blocking calls whose latency — as time.perf_counter() around the "
                  "call would measure it — fell into that range."));
    hide();
}

void LatencyHistogram::clear() {
    latencies_ms_.clear();
    counts_.clear();
    hide();
}

void LatencyHistogram::setRun(const std::vector<IoLatency>& latencies, const ExperimentSpec& spec) {
    latencies_ms_.clear();
    const std::optional<IoKind> kind = workload_call_kind(spec.workload);
    for (const IoLatency& l : latencies)
        if (kind && l.kind == *kind) latencies_ms_.push_back(double(l.total_ns()) / 1e6);
    asked_ms_ = spec.io_ms;
    switch_ms_ = spec.gil == GilMode::Off ? 0 : spec.switch_interval_ms;
    if (calls() < kMinCalls) {
        clear();
        return;
    }
    rebuild();
    show();
}

void LatencyHistogram::rebuild() {
    std::vector<double> sorted = latencies_ms_;
    std::sort(sorted.begin(), sorted.end());
    // The range shows every call, and both marks when they are near the data.
    const double top =
        std::max({sorted.back(), asked_ms_ * 1.2, std::min(switch_ms_ * 1.2, sorted.back() * 2)});
    bin_ms_ = nice_bin_width(top);
    const int bins = int(std::ceil(top / bin_ms_)) + 1;
    counts_ = QList<int>(bins, 0);
    for (double ms : sorted)
        ++counts_[std::clamp(int(ms / bin_ms_), 0, bins - 1)];
    QVector<double> keys, values;
    for (int i = 0; i < bins; ++i) {
        keys << (i + 0.5) * bin_ms_;
        values << counts_[i];
    }
    bars_->setData(keys, values, true);
    bars_->setWidth(bin_ms_ * 0.9);
    plot_->xAxis->setRange(0, bins * bin_ms_);
    plot_->yAxis->setRange(0, *std::max_element(counts_.begin(), counts_.end()) * 1.15);

    plot_->clearItems();
    const auto mark = [this](double ms, const QString& text, const QColor& colour, double height) {
        auto* line = new QCPItemStraightLine(plot_);
        line->point1->setCoords(ms, 0);
        line->point2->setCoords(ms, 1);
        line->setPen(QPen(colour, 2, Qt::DashLine));
        auto* label = new QCPItemText(plot_);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(ms, plot_->yAxis->range().upper * height);
        // Right of the line, unless that runs off the plot: then left of it.
        const bool left = ms > plot_->xAxis->range().upper * 0.55;
        label->setPositionAlignment((left ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
        label->setPadding(left ? QMargins(0, 0, 4, 0) : QMargins(4, 0, 0, 0));
        label->setText(text);
        label->setColor(colour);
    };
    if (asked_ms_ > 0)
        mark(asked_ms_, tr("asked: %1 ms").arg(ms_text(asked_ms_)), plots::state_colour(SegState::BlockedIo),
             0.9);
    if (switch_ms_ > 0 && switch_ms_ <= plot_->xAxis->range().upper)
        mark(switch_ms_, tr("switch interval: %1 ms").arg(ms_text(switch_ms_)),
             plots::state_colour(SegState::GilWait), 0.7);
    auto* title = static_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0));
    title->setText(tr("%1 calls · median %2 ms").arg(calls()).arg(ms_text(sorted[sorted.size() / 2])));
    restyle();
}

void LatencyHistogram::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    // Presenter mode swaps palette and fonts one after the other: restyle once both are in.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange ||
        event->type() == QEvent::FontChange)
        QTimer::singleShot(0, this, &LatencyHistogram::restyle);
}

void LatencyHistogram::restyle() {
    const bool dark = on_dark_background(this);
    const QColor text = dark ? QColor(Qt::white) : palette().color(QPalette::WindowText);
    const QColor grid = dark ? QColor(90, 90, 90) : QColor(220, 220, 220);
    plot_->setBackground(dark ? QColor(Qt::black) : palette().color(QPalette::Base));
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setLabelColor(text);
        axis->setTickLabelColor(text);
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->setLabelFont(font());
        axis->setTickLabelFont(font());
    }
    if (auto* title = qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0))) {
        QFont bold = font();
        bold.setBold(true);
        title->setFont(bold);
        title->setTextColor(text);
    }
    const QColor fill = plots::state_colour(SegState::BlockedIo);
    bars_->setPen(QPen(fill.darker(130)));
    bars_->setBrush(fill);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace clab::gui
