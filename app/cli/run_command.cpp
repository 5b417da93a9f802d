#include "run_command.h"

#include <cstdio>

namespace clab::cli {
int run_command(const QStringList&) {
    fputs("concurrency-lab run: not implemented yet\n", stderr);
    return 2;
}
} // namespace clab::cli
