// Shared main for the core tests: registers the engines, then runs GoogleTest. A process started
// with the worker flag becomes an engine worker instead (the process engine's spawn method execs
// the running binary).
#include "core/builtin_engines.h"
#include "core/processes/worker_entry.h"

#include <gtest/gtest.h>

int main(int argc, char** argv) {
    // Before GoogleTest sees argv: a spawned worker or the forkserver must not run the tests.
    if (const int rc = clab::maybe_run_process_worker(argc, argv); rc >= 0) return rc;
    clab::register_builtin_engines();
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
