// What the student is told after the run about their prediction: their answer, the measured
// figure from the Summary, and whether they were right.
#pragma once

#include "core/experiment/summary.h"
#include "lessons/lesson.h"

#include <optional>

namespace clab::gui {

struct PredictionAnswer {
    int choice = 0;               // 1-based; 0: no choice made
    std::optional<double> number; // a numeric prediction
    bool given() const { return choice > 0 || number.has_value(); }
};

struct Verdict {
    QString text; // "You said 'about the same'. Measured: 0.97× — right."
    bool answered = false;
    bool right = false;
    std::optional<double> measured;
};

Verdict prediction_verdict(const lessons::Prediction& prediction, const PredictionAnswer& answer,
                           const Summary& summary);

} // namespace clab::gui
