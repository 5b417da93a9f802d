// What a multiprocessing worker's interpreter costs in CPU around its target, per start method,
// measured with python3 (calibration.h caches it): the child's CPU from its birth until its target's
// first line (fork: copy-on-write faults and _bootstrap; spawn: the interpreter's start, importing
// multiprocessing and the main module, unpickling the preparation data and the process object;
// forkserver: the same in a fork of the server), and from the target's return until it is gone
// (atexit handlers, util._exit_function, the interpreter's finalisation and the kernel's teardown of
// its memory). Our workers start and end far cheaper (no interpreter): they spend the difference as
// real work (core/processes/worker.cpp), measured against our own bare start and exit.
#pragma once

#include <string>

namespace clab {

// Indexed like StartMethod (core/experiment/spec.h): fork, spawn, forkserver.
inline constexpr int kStartMethods = 3;

struct PythonProcessFigures {
    double start_ns[kStartMethods] = {}; // the child's CPU before its target's first line
    double exit_ns[kStartMethods] = {};  // its CPU after the target returned, until reaped
};

// Runs the probe (a small script, as a lesson is: spawn's child imports it again) with python3;
// false (and `error`) on failure. `only` (a StartMethod's value) measures that method alone
// (and fork, whose exit stands in for forkserver's); the others read 0.
bool measure_python_processes(PythonProcessFigures* figures, std::string* error = nullptr, int only = -1);

// Our own bare exit: the CPU a forked copy of this process spends from _exit() until it is gone
// (the kernel tears down its memory), the best of a few. What python3's exit costs beyond it is
// what a worker spends at its exit.
double measure_bare_exit_ns();

} // namespace clab
