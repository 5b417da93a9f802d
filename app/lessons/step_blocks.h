// The `predict`, `notice` and `check` blocks of a step. Each is read after the step's experiment,
// so a prediction's metric and a notice's lane are checked against what the run will produce.
#pragma once

#include "block_fields.h"
#include "lesson.h"

namespace clab::lessons {

void read_prediction(const QList<Field>& fields, int block_line, Step& step, Problems& problems);
void read_notice(const QList<Field>& fields, int block_line, Step& step, Problems& problems);
void read_check(const QList<Field>& fields, int block_line, Step& step, Problems& problems);

// Empty when the run of `step` has a lane called `lane` ("gil", "cores", "Thread-2", …), else why not.
QString lane_problem(const QString& lane, const Step& step);

} // namespace clab::lessons
