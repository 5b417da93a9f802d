#include "slow_motion.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <cmath>
#include <map>
#include <utility>

namespace clab::classroom {

namespace {

// The scaled copies views hold, weakly: a copy lives as long as a timeline reads it. The recorded
// trace is held weakly too, so an entry whose run went (its address may be reused) is never found.
struct NormalSpeed {
    std::weak_ptr<const Trace> recorded;
    std::weak_ptr<const Trace> scaled;
};
std::map<std::pair<const Trace*, double>, NormalSpeed>& normal_speed_table() {
    static auto* table = new std::map<std::pair<const Trace*, double>, NormalSpeed>;
    return *table;
}

} // namespace

std::shared_ptr<const Trace> normal_speed_trace(const std::shared_ptr<const Trace>& trace, double scale) {
    if (!trace || scale <= 1.0) return trace;
    auto& table = normal_speed_table();
    for (auto it = table.begin(); it != table.end();)
        it = it->second.scaled.expired() || it->second.recorded.expired() ? table.erase(it) : std::next(it);
    NormalSpeed& entry = table[{trace.get(), scale}];
    if (entry.recorded.lock() == trace)
        if (std::shared_ptr<const Trace> scaled = entry.scaled.lock()) return scaled;
    auto scaled = std::make_shared<Trace>(*trace);
    const int64_t origin = scaled->origin_ns;
    for (Event& e : scaled->events)
        e.t_ns = origin + int64_t(double(e.t_ns - origin) / scale);
    entry = NormalSpeed{trace, scaled};
    return scaled;
}

QString slow_motion_text(double scale) {
    return QStringLiteral("%1×").arg(scale, 0, 'g', 3);
}

SlowMotionControl::SlowMotionControl(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    // As wide as its parts: on a toolbar row of its own, Qt would stretch it and open a gap
    // between the label and its slider.
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
    auto* label = new QLabel(tr("Slow motion"), this);
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName(QStringLiteral("slowMotionSlider"));
    slider_->setRange(1, kMaxSlowMotion);
    slider_->setPageStep(5);
    slider_->setFixedWidth(140);
    slider_->setToolTip(tr("Stretch the next run in time so the class can watch it (1× = real speed). "
                           "Times are reported at normal speed."));
    label->setBuddy(slider_);
    value_ = new QLabel(slow_motion_text(1), this);
    value_->setMinimumWidth(value_->fontMetrics().horizontalAdvance(QStringLiteral("20×  ")));
    layout->addWidget(label);
    layout->addWidget(slider_);
    layout->addWidget(value_);
    connect(slider_, &QSlider::valueChanged, this, [this](int v) {
        value_->setText(slow_motion_text(v));
        emit scaleChanged(double(v));
    });
}

double SlowMotionControl::scale() const {
    return double(slider_->value());
}

void SlowMotionControl::setScale(double scale) {
    slider_->setValue(int(std::lround(std::clamp(scale, 1.0, double(kMaxSlowMotion)))));
}

} // namespace clab::classroom
