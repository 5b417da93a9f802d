// Finds a lesson step's experiment, for `concurrency-lab run --lesson ID --step N`.
#pragma once

#include "core/experiment/spec.h"

#include <QString>
#include <QStringList>

namespace clab::lessons {

struct StepExperiment {
    ExperimentSpec spec;
    QStringList expects; // the step's `expect:` lines, e.g. "speedup < 1.3"
    QStringList compare; // engines of a `compare:` line (lesson 18), empty otherwise
    // True when an expectation or the prediction needs `speedup`/`efficiency`/`baseline_wall_s`:
    // run clab::sequential_baseline(spec) first and fill those fields of the Summary.
    bool baseline = false;
    QString lesson_id; // the lesson's short name ("gil"), whatever form `id` took
    QString step_title;
    QStringList python_snippets; // the step's python code; `--engine python` runs the first
};

// Loads the lessons in `lessons_dir` (empty: the default folder), finds lesson `id` (number or
// short name) and its step `step` (1-based). On failure returns false and a readable `error`.
// A step with python snippets but no experiment block gives a python-engine spec running the first.
bool find_step_experiment(const QString& lessons_dir, const QString& id, int step, StepExperiment& out,
                          QString& error);

// The lesson folder used when none is given, first that exists of: $CLAB_LESSONS_DIR (always wins),
// ../share/concurrency-lab/lessons next to the running executable (an installed copy, wherever it
// was installed), the source tree's lessons/ (a build tree), the configured install folder.
QString default_lessons_dir();

} // namespace clab::lessons
