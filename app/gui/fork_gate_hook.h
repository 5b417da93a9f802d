// Under AddressSanitizer, tells the fork gate (core/sync/fork_gate.h) when the GUI thread is in its
// wait for events, so that a worker is forked while the GUI thread is not inside the allocator.
// GCC 12's libasan does not reset its allocator's locks in a forked child: a fork while the GUI
// thread allocated hung the worker at its first allocation (tst_prediction_reveal under ASan, 2 of
// 15 runs). Elsewhere it does nothing.
#pragma once

namespace clab::gui {

// On the GUI thread; once is enough, later calls do nothing.
void watchEventLoopForForks();

} // namespace clab::gui
