// Which scheduler puzzles a lesson step offers, with the lesson named by number or short name.
#pragma once

#include "core/sched/puzzle.h"

#include <QString>
#include <vector>

namespace clab::sched_ui {

// The lesson's short name for "8" or "race-conditions" (looked up in the app's lesson folder);
// the text itself when no lesson matches.
QString lesson_short_name(const QString& id_or_number);

std::vector<const sched::Puzzle*> puzzles_for_step(const QString& lesson_id_or_number, int step);

} // namespace clab::sched_ui
