// Slow motion: a 1×–20× control. The Runner stretches every piece of work, every wait and the
// GIL's switch interval by the factor (core/experiment/runner.h, time_scaled), so a class can watch
// hand-offs happen while the run keeps its shape; figures are shown divided by the factor.
#pragma once

#include "core/trace/trace.h"

#include <QWidget>
#include <memory>

class QLabel;
class QSlider;

namespace clab::classroom {

inline constexpr int kMaxSlowMotion = 20;

class SlowMotionControl : public QWidget {
    Q_OBJECT
public:
    explicit SlowMotionControl(QWidget* parent = nullptr);
    double scale() const;
    QSlider* slider() const { return slider_; }

public slots:
    void setScale(double scale); // clamped to 1..20

signals:
    void scaleChanged(double scale);

private:
    QSlider* slider_ = nullptr;
    QLabel* value_ = nullptr;
};

// "1×", "2.5×": how the scale reads in labels.
QString slow_motion_text(double scale);

// `trace` on a normal-speed axis: its event times from the origin divided by `scale` (> 1), for
// views that put slow-motion and normal runs on one time axis. Shared like a finished run's
// timeline (plots/shared_timelines.h): while a view shows it, every later call for the same run and
// scale returns the same copy, so the compare window's rebuilds (each pin, unpin, rename) neither
// copy the events again nor build their timeline again. GUI thread only.
std::shared_ptr<const Trace> normal_speed_trace(const std::shared_ptr<const Trace>& trace, double scale);

} // namespace clab::classroom
