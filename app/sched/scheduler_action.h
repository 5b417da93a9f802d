// "Be the scheduler…" in the main window: an entry in the Run menu, and a toolbar button that is
// shown only on lesson steps that offer a scheduler puzzle (core/sched/data/puzzles.json).
#pragma once

class QAction;
class QToolBar;

namespace clab {
class MainWindow;
}

namespace clab::sched_ui {
// The action (made once per window); it opens the scheduler on the current step's puzzle.
QAction* scheduler_action(MainWindow* window);
// Adds the step button to `bar` and keeps it visible only where the step offers a puzzle.
void add_step_button(MainWindow* window, QToolBar* bar);
} // namespace clab::sched_ui
