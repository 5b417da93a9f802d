// `concurrency-lab run …`: parse the flags into an ExperimentSpec, run it, print the summary.
#pragma once

#include <QStringList>

namespace clab::cli {
// `arguments` are what follows "run". Returns the process exit code (0, 1 failed run, 2 usage).
int run_command(const QStringList& arguments);
} // namespace clab::cli
