// The `experiment` block of a step: ExperimentSpec keys, `controls:`, `expect:` and `compare:`.
#pragma once

#include "block_fields.h"
#include "lesson.h"

namespace clab::lessons {

// Fills step.spec, controls, expects and compare from the block's fields and checks them: known
// keys and values, ranges (clab::validate, also at both ends of every slider), expectations.
void read_experiment(const QList<Field>& fields, int block_line, Step& step, Problems& problems);

// Every key an experiment block accepts (spec keys plus controls, expect, compare).
QStringList experiment_keys();

} // namespace clab::lessons
