// Grades an exercise on the student's real run: each `check:` line (exercise.h) against what the
// program printed, its exit status and the figures measured on its run. Knows nothing of how the
// program was run: the editor (a live run) and the lesson tests (a headless run) both fill a
// ProgramRun and ask the same question.
#pragma once

#include "exercise.h"

#include <QHash>
#include <QList>
#include <QString>

namespace clab::lessons {

// What one real run of a program left behind.
struct ProgramRun {
    QString problem;     // non-empty: the program could not be run at all (no python3, a bad path)
    int exit_status = 0; // the program's exit status; -N: killed by signal N
    bool timed_out = false;
    QString out;                    // stdout
    QString err;                    // stderr
    QHash<QString, double> figures; // measured numbers of the run, by summary name ("wall_s")
};

struct CheckResult {
    QString check; // as written in the lesson
    int line = 0;  // its line in the lesson file
    bool passed = false;
    QString why; // what was measured, in words ("counter = 371942 was printed, not 400000")
};

struct ExerciseResult {
    bool passed = false;
    QString problem; // the run itself failed (could not start, timed out): no check passes
    QList<CheckResult> checks;
    QString toString() const; // one line per check, ✓ / ✗, for the output pane and the tests
};

// `start` is a run of the exercise's starting code, needed only when a check names `start.METRIC`
// (Exercise::needs_start_run); without it such a check fails and says why.
ExerciseResult check_exercise(const Exercise& exercise, const ProgramRun& run,
                              const ProgramRun* start = nullptr);

} // namespace clab::lessons
