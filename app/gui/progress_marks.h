// The small marks of the lesson navigator, drawn rather than taken from a theme so they read the
// same everywhere: a ring (not visited), a dot (visited), a check (prediction answered), and a
// pie for a lesson's share of visited steps. Okabe-Ito colours (colour-blind safe).
#pragma once

#include <QIcon>

namespace clab::gui {

enum class StepMark { NotVisited, Visited, Answered };

QIcon step_mark_icon(StepMark mark);
// fraction 0..1 of the lesson's steps visited.
QIcon lesson_progress_icon(double fraction);

} // namespace clab::gui
