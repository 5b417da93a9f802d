// `concurrency-lab lessons check [DIR]`: validate lesson files, print problems as file:line: message.
#pragma once

#include <QStringList>

namespace clab::cli {
// `arguments` are what follows "lessons". Returns 0 (all good), 1 (problems found) or 2 (bad usage).
int lessons_command(const QStringList& arguments);
} // namespace clab::cli
