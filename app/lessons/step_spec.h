// Finds a lesson step's experiment, for `concurrency-lab run --lesson ID --step N`.
#pragma once

#include "core/experiment/spec.h"

#include <QString>
#include <QStringList>

namespace clab::lessons {

struct StepExperiment {
    ExperimentSpec spec;
    QStringList expects;  // the step's `expect:` lines, e.g. "speedup < 1.3"
    QStringList compare;  // engines of a `compare:` line (lesson 18), empty otherwise
};

// Loads the lessons in `lessons_dir` (empty: the default folder), finds lesson `id` (number or
// short name) and its step `step` (1-based). On failure returns false and a readable `error`.
bool find_step_experiment(const QString& lessons_dir, const QString& id, int step, StepExperiment& out,
                          QString& error);

// The lesson folder used when none is given: $CLAB_LESSONS_DIR, the installed share folder, or the
// source tree's lessons/ (for a build that was not installed).
QString default_lessons_dir();

} // namespace clab::lessons
