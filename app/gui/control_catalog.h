// What each lab control is: its label, unit, kind, default range, and which ExperimentSpec field it
// edits. Pure data + functions, no widgets, so the mapping is tested without a window.
#pragma once

#include "core/experiment/spec.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace clab::gui {

enum class ControlKind { Integer, Real, Choice, Toggle };

struct ControlDef {
    QString key;     // as in lesson files: "tasks", "switch_interval_ms", "gil"
    QString label;   // what the student reads: "Switch interval"
    QString unit;    // "ms", "iterations", "" ...
    QString tooltip; // one sentence: what moving it changes
    ControlKind kind = ControlKind::Integer;
    double min = 0; // default range when the lesson gives none
    double max = 0;
    bool log_scale = false; // sliders over several decades (iterations, payload, tasks)
    QStringList choices;    // Choice: names as lesson files spell them ("fork", "spawn", ...)
    QStringList choice_labels;
    // Every control's value is a double: the number, the choice index, or 0/1 for a toggle.
    std::function<double(const ExperimentSpec&)> get;
    std::function<void(ExperimentSpec&, double)> set;
};

// Every control the lab knows, in the order the panel shows them.
const QList<ControlDef>& control_catalog();
// nullptr for an unknown key.
const ControlDef* find_control(const QString& key);

// Text for a value: "10,000,000 iterations", "5.0 ms", "spawn", "on".
QString format_control_value(const ControlDef& def, double value);

// Maps a slider position (0..kSliderSteps) to a value in [min, max] and back; linear or logarithmic,
// rounded to whole numbers for integer controls.
struct SliderScale {
    static constexpr int kSliderSteps = 1000;
    double min = 0;
    double max = 1;
    bool log = false;
    bool integer = true;

    double value_at(int position) const;
    int position_of(double value) const;
    // Positions a slider should offer: all integer values when the range is small (so every value
    // is reachable), kSliderSteps otherwise.
    int steps() const;
};

SliderScale slider_scale(const ControlDef& def, double min, double max);

} // namespace clab::gui
