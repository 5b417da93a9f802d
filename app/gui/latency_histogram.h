// The I/O latency histogram of a run: how long each blocking call took as the Python code itself
// would time it (the call, plus the wait to get the GIL back afterwards). Lesson 7's convoy effect is
// a cluster of bars near the switch interval instead of near the latency the code asked for; both
// are marked. Built from the run's recorded events (core/trace/io_latency.h), nothing else.
#pragma once

#include "core/experiment/spec.h"
#include "core/trace/io_latency.h"

#include <QWidget>
#include <vector>

class QCustomPlot;
class QCPBars;

namespace clab::gui {

class LatencyHistogram : public QWidget {
    Q_OBJECT
public:
    explicit LatencyHistogram(QWidget* parent = nullptr);

    // Fewer calls than this make no histogram worth a look; the widget hides itself then.
    static constexpr int kMinCalls = 10;

    // Shows the latencies of a run of `spec` (its io_ms and, with the GIL on, its switch interval are
    // marked): only the calls the workload itself makes (its requests or sleeps), so the count is
    // the workload's. Hides the widget when there are fewer than kMinCalls.
    void setRun(const std::vector<IoLatency>& latencies, const ExperimentSpec& spec);
    void clear();

    int calls() const { return int(latencies_ms_.size()); }
    double binWidthMs() const { return bin_ms_; }
    // Bar heights, left to right (tests).
    QList<int> counts() const { return counts_; }
    QCustomPlot* plot() const { return plot_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    void restyle(); // desk or projector colours

    QCustomPlot* plot_ = nullptr;
    QCPBars* bars_ = nullptr;
    std::vector<double> latencies_ms_;
    QList<int> counts_;
    double bin_ms_ = 1;
    double asked_ms_ = 0;
    double switch_ms_ = 0; // 0: no GIL to wait for
};

} // namespace clab::gui
