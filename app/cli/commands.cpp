#include "commands.h"

#include "core/processes/worker_entry.h"
#include "lessons_command.h"
#include "run_command.h"
#include "schedule_command.h"

#include <cstdio>
#include <cstring>

namespace clab::cli {

int maybe_run_worker(int argc, char** argv) {
    return clab::maybe_run_process_worker(argc, argv); // spawn workers and the forkserver
}

bool is_headless_command(const char* first) {
    return std::strcmp(first, "run") == 0 || std::strcmp(first, "lessons") == 0 ||
           std::strcmp(first, "schedule") == 0;
}

int run_headless(const QStringList& arguments) {
    const QString command = arguments.value(1);
    if (command == QLatin1String("run")) return run_command(arguments.mid(2));
    if (command == QLatin1String("lessons")) return lessons_command(arguments.mid(2));
    if (command == QLatin1String("schedule")) return schedule_command(arguments.mid(2));
    fprintf(stderr, "concurrency-lab: '%s' is not implemented yet\n", command.toLocal8Bit().constData());
    return 2;
}

} // namespace clab::cli
