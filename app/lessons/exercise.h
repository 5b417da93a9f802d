// An `exercise` block of a step (format: lessons/README.md): a task, the code the student starts
// from, the checks their real run must pass, a hint, and a reference solution kept hidden until
// asked. Plain data: exercise_block.cpp fills it, the editor shows it, exercise_checker grades it.
#pragma once

#include "expectation.h"

#include <QList>
#include <QString>
#include <optional>

namespace clab::lessons {

// One `check:` line. Output checks read what the program printed; the exit check its status;
// a figure check is an `expect:`-style expectation (expectation.h) on the run's summary, where
// `start.METRIC` names the same figure measured on a run of the starting code.
struct ExerciseCheck {
    enum class Kind { OutputContains, OutputMatches, ExitStatus, Figure };
    Kind kind = Kind::ExitStatus;
    QString stream;                    // OutputContains, OutputMatches: stdout, stderr or output (both)
    QString text;                      // the text to find, or the regular expression
    int exit_status = 0;               // ExitStatus
    std::optional<Expectation> figure; // Figure
    QString source;                    // the check as written, for messages
    int line = 0;
};

struct Exercise {
    QString task;
    QString hint;
    QString start;    // the starting code the editor opens with
    QString solution; // the reference solution, shown only when asked
    QList<ExerciseCheck> checks;
    double timeout_s = 20; // a run still going after this long is stopped and fails
    int line = 0;          // the block's opening fence
    int start_line = 0;    // the `--- start` and `--- solution` marker lines
    int solution_line = 0;

    // True when a check needs a run of the starting code to compare with (`start.wall_s`).
    bool needs_start_run() const;
};

} // namespace clab::lessons
