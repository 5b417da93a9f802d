// `concurrency-lab schedule solve|list …`: the "Be the scheduler" solver from the command line.
#pragma once

#include <QStringList>

namespace clab::cli {
// `arguments` are what follows "schedule". Returns 0 (a schedule reaches the goal, or `list`),
// 1 (none exists, the search bound was reached, or the puzzle cannot run) or 2 (bad usage).
int schedule_command(const QStringList& arguments);
} // namespace clab::cli
