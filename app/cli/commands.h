// Headless entry points of the one executable.
#pragma once

#include <QStringList>

namespace clab::cli {

// `concurrency-lab __worker …` (the process engine's spawn start method): runs the worker and
// returns its exit code; returns -1 when argv is not a worker invocation.
int maybe_run_worker(int argc, char** argv);

// True for the first argument of a headless command ("run", "lessons").
bool is_headless_command(const char* first_argument);

// Runs `run …` or `lessons …` (arguments as QCoreApplication::arguments()). Exit codes: 0 ok,
// 1 the run failed (broken pool, deadlock, lessons with errors), 2 bad usage.
int run_headless(const QStringList& arguments);

} // namespace clab::cli
