// Reads an `exercise` block: `key: value` lines (task, hint, timeout_s, check repeatable), then the
// starting code after a `--- start` line and the reference solution after a `--- solution` line.
#pragma once

#include "block_fields.h"
#include "lesson.h"

namespace clab::lessons {

// Appends the exercise to step.exercises; every problem goes to `problems` with its line.
void read_exercise(const QStringList& lines, int block_line, Step& step, Problems& problems);

// One check line ("output contains total = 400000", "exit_status == 0", "wall_s / start.wall_s < 0.6").
// On failure returns nothing and sets `error` to a sentence.
std::optional<ExerciseCheck> parse_exercise_check(const QString& text, QString& error);

// Figures a check may name beyond the run's summary, measured on the student's program run from
// its recorded events (editor/program_run.h): max_threads_alive.
const QStringList& program_figures();

} // namespace clab::lessons
