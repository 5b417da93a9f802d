// Shared main for the core tests: registers the engines, then runs GoogleTest. A process started
// with the worker flag becomes an engine worker instead (the process engine's spawn method execs
// the running binary).
#include "core/builtin_engines.h"

#include <gtest/gtest.h>

int main(int argc, char** argv) {
    clab::register_builtin_engines();
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
