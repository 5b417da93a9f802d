// Files of core/sched/data compiled into the library (see core/CMakeLists.txt), so the app, the
// command line and the tests find them wherever the binary is installed.
#pragma once

namespace clab::sched::embedded {
extern const char* const puzzles_json;
extern const char* const dump_bytecode_py;
extern const char* const bytecode_311_json;
extern const char* const bytecode_312_json;
extern const char* const bytecode_313_json;
} // namespace clab::sched::embedded
