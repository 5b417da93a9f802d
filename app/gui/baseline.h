// The sequential baseline a run's speedup is measured against: which spec it is, how a cached
// measurement is looked up, and how it turns into speedup and efficiency.
#pragma once

#include "core/experiment/summary.h"

#include <QHash>
#include <QString>
#include <optional>

namespace clab::gui {

// A text naming every field of the spec that changes what a run measures, so two specs that
// would measure the same have the same key. (New ExperimentSpec fields belong here too.)
QString spec_key(const ExperimentSpec& spec);

// How many workers could run at once, the denominator of parallel efficiency.
int parallel_units(const ExperimentSpec& spec);

// Whether "faster than one task after another" means anything for a run: not for the sequential
// run itself, nor for a single task (one echo, one request), which has nothing to overlap, nor for
// a real python program, whose sequential version the app cannot know.
bool speedup_applies(const ExperimentSpec& spec);

// Fills baseline_wall_s, speedup and efficiency of a finished run.
void apply_baseline(Summary& summary, double baseline_wall_s);

// Measured baseline wall times, keyed by the baseline's spec.
class BaselineCache {
public:
    std::optional<double> find(const ExperimentSpec& run_spec) const;
    void store(const ExperimentSpec& run_spec, double wall_s);
    int size() const { return int(walls_.size()); }
    void clear() { walls_.clear(); }

private:
    QHash<QString, double> walls_;
};

} // namespace clab::gui
