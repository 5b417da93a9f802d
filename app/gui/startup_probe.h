// The start-up benchmark's probe (tests/bench/startup_time.py). With CLAB_STARTUP_PROBE set, the GUI
// prints, on one line of standard output, when it reached main(), when its window was built, when the
// window system first exposed it and when that first frame had been painted, each as CLOCK_MONOTONIC
// nanoseconds (the harness's clock, so it measures from the moment it started the process), and then
// quits. Without the variable nothing is installed. startup_mark() adds named marks on the way (where
// the time goes), printed on the same line; without the variable it only reads the environment once.
#pragma once

#include <cstdint>

class QWidget;

namespace clab::gui {

int64_t monotonic_now_ns();
bool startup_probe_requested();
// Watches `window` (call before show()); `main_ns` and `built_ns` are monotonic_now_ns() at main()
// and after the window was constructed.
void install_startup_probe(QWidget* window, int64_t main_ns, int64_t built_ns);
// Records "now" under `name` (a string literal, letters and underscores) when probing.
void startup_mark(const char* name);

} // namespace clab::gui
