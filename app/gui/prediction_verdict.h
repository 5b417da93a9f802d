// What the student is told after the run about their prediction: their answer, the measured
// figure from the Summary (in words: "1.73× speedup"), and whether they were right.
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
    QString text; // "You said 'about the same'. Measured: 0.97× speedup — right."
    bool answered = false;
    bool right = false;
    std::optional<double> measured;
};

// The engine whose run a prediction is about. In a compare step whose right answer names one of
// the compared engines (lesson 18: "Which approach wins? … processes"), that engine's run;
// otherwise the step's own engine.
EngineKind prediction_engine(const lessons::Prediction& prediction, const lessons::Step& step);

// `summary` is the run of the engine the prediction is about, or null when that run has not been
// measured yet (a compare step where another engine ran): the verdict then says which run to
// make. A non-empty `about` names that engine in the text ("Measured for processes: …").
Verdict prediction_verdict(const lessons::Prediction& prediction, const PredictionAnswer& answer,
                           const Summary* summary, const QString& about = QString());
inline Verdict prediction_verdict(const lessons::Prediction& prediction, const PredictionAnswer& answer,
                                  const Summary& summary) {
    return prediction_verdict(prediction, answer, &summary);
}

} // namespace clab::gui
