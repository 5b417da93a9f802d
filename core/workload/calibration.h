// Python-speed calibration. Lessons talk in Python terms ("count to 10 million"), so one
// "iteration" of our CPU work must cost what one iteration of
//
//     for _ in range(n):
//         count += 1
//
// costs in CPython on this machine. We measure that with python3 once and cache the figure in
// $XDG_CACHE_HOME/concurrency-lab/calibration-9 (~/.cache/... without XDG_CACHE_HOME,
// $XDG_RUNTIME_DIR/... without HOME; no cache at all without any of them, rather than a shared
// /tmp path another user could plant). The folder is private (0700) and the file is replaced by
// rename, never written through a link. A cached figure is used only if it is of the python3 on PATH
// (python_identity) and plausible for this machine (plausible_python_ns_per_iteration); otherwise python3
// measures again and the cache is replaced. Without python3 we use kDefaultPythonNsPerIteration, measured
// with CPython 3.11.7 on the 2-core AMD EPYC development machine. $CLAB_PYTHON_NS_PER_ITERATION overrides all
// of them (CI, reproducible runs).
//
// Our work unit is a "step": one dependent multiply-add the compiler cannot fold. We time steps
// in-process (best of a few short runs, so a noisy machine does not inflate the figure) and use
// steps_per_iteration = python_ns_per_iteration / ns_per_step.
#pragma once

#include "process_probe.h"

#include <cstdint>
#include <string>

namespace clab {

inline constexpr double kDefaultPythonNsPerIteration = 35.0;
// One iteration of the loop above, in our steps. Both scale with the CPU, so the ratio moves
// little between machines: 31 on the development machine (35 ns / 1.12 ns, python3 3.11), up to
// ~60 with python3 competing for the cores. The band leaves room for older CPythons (up to ~2x
// slower) and debug builds (~3-4x), and refuses a figure from another machine or a hand edit.
// asyncio's cost per callback the event loop runs, in iterations of the loop above (so it
// scales with python_ns_per_iteration). Measured by the same python3 run and cached with it;
// without python3 (or with $CLAB_PYTHON_NS_PER_ITERATION) these defaults apply, measured with
// CPython 3.11.7 on the 2-core development machine (sandboxed: syscalls and fresh 256 KiB
// buffers are dear there): a task step 1.45 us / 35 ns, a stream read's Python ~20 us / 23 ns
// (its 256 KiB buffer's mapping is not in it: our loop makes those system calls itself); a
// connection's set-up and close beyond its callbacks and system calls ~90-110 us at 60-72 ns
// per iteration (measured under load 13).
inline constexpr double kDefaultAsyncioStepIterations = 40;
inline constexpr double kDefaultAsyncioIoIterations = 850;
inline constexpr double kDefaultAsyncioConnectionIterations = 1500;
// Of which the part before the connect, in the task's first step (python3 3.11 here: ~70 %).
inline constexpr double kDefaultAsyncioConnectionSetupIterations = 1050;
// The memory one open connection holds in CPython beyond its task's (the transport, protocol,
// streams, selector key, socket object and buffers), in bytes: python3 3.11 here, 6144-6234.
// Plausible up to 1 MB (a cached figure above that is measured again).
inline constexpr double kDefaultAsyncioConnectionBytes = 6200;
inline constexpr double kMostAsyncioConnectionBytes = 1 << 20;
// CPython's cyclic GC: what its traversal costs per object a collection scans, in iterations.
// Young collections (generations 0 and 1: a thousand or so objects) and full ones (every tracked
// object of the program) differ; measured by the python3 probe (calibration.cpp) on collections
// whose objects nothing walked just before (as in a running program), these defaults with CPython
// 3.11.7 on the development machine (~125-160 ns and ~330-450 ns per object at 21-33 ns per
// iteration).
inline constexpr double kDefaultGcYoungIterationsPerObject = 5.5;
inline constexpr double kDefaultGcFullIterationsPerObject = 16;
// A multiprocessing worker's interpreter around its target (process_probe.h), CPU in ns per start
// method (fork, spawn, forkserver): python3's child before its target's first line, and after the
// target returned until it is gone. These defaults: CPython 3.11.7 on the 2-core development
// machine (sandboxed: page faults and exec are dear there; load ~4), the probe's lower quartiles.
inline constexpr double kDefaultProcessStartNs[kStartMethods] = {11.6e6, 101e6, 43.8e6};
inline constexpr double kDefaultProcessExitNs[kStartMethods] = {3.0e6, 13.1e6, 3.0e6};
// Plausible up to 5 s each (a cached figure above that, or below 0, is measured again).
inline constexpr double kMostProcessNs = 5e9;
inline constexpr double kFewestStepsPerIteration = 8;
inline constexpr double kMostStepsPerIteration = 200;

struct Calibration {
    double python_ns_per_iteration = kDefaultPythonNsPerIteration;
    std::string source;       // "python3 (measured)", "cache FILE", "default", "environment"
    double ns_per_step = 1.0; // our work unit, measured in this process
    uint32_t steps_per_iteration = 1;
    // CPU CPython spends per event-loop callback, in iterations (see kDefaultAsyncio*).
    double asyncio_step_iterations = kDefaultAsyncioStepIterations; // Handle._run + Task.__step
    double asyncio_io_iterations = kDefaultAsyncioIoIterations; // a stream's _read_ready and write (Python)
    // open_connection + close: create_connection, the transport, protocol and streams, closing.
    double asyncio_connection_iterations = kDefaultAsyncioConnectionIterations;
    // Of it, what runs in the task's first step, before the connect (the rest comes after it).
    double asyncio_connection_setup_iterations = kDefaultAsyncioConnectionSetupIterations;
    // What one open connection holds beyond its task, in bytes (see kDefaultAsyncioConnectionBytes).
    double asyncio_connection_bytes = kDefaultAsyncioConnectionBytes;
    // CPython's GC per object scanned (see kDefaultGc*).
    double gc_young_iterations_per_object = kDefaultGcYoungIterationsPerObject;
    double gc_full_iterations_per_object = kDefaultGcFullIterationsPerObject;
    // A worker process's interpreter (process_probe.h), per start method: the CPU python3's child
    // has spent when its target's first line runs (ours tops its own up to it before it reports
    // ready: worker.cpp), and what it spends after its target returned; of that, what is beyond
    // our own bare exit (process_bare_exit_ns, measured in this process), which ours spends before
    // it exits.
    double process_start_ns[kStartMethods] = {kDefaultProcessStartNs[0], kDefaultProcessStartNs[1],
                                              kDefaultProcessStartNs[2]};
    double process_exit_ns[kStartMethods] = {kDefaultProcessExitNs[0], kDefaultProcessExitNs[1],
                                             kDefaultProcessExitNs[2]};
    double process_bare_exit_ns = 0;
    double process_exit_extra_ns[kStartMethods] = {};
};

// What the python3 probe prints (ns).
struct PythonFigures {
    double ns_per_iteration = 0;
    double asyncio_step_ns = 0;             // one task step
    double asyncio_io_ns = 0;               // one stream read/write beyond the task step and the syscalls
    double asyncio_connection_ns = 0;       // one open_connection + close beyond its callbacks and syscalls
    double asyncio_connection_bytes = 0;    // resident memory of one open connection beyond its task's
    double asyncio_connection_setup_ns = 0; // of asyncio_connection_ns, the first step's (before the connect)
    double gc_young_ns = 0;                 // the cyclic GC per object of a young collection
    double gc_full_ns = 0;                  // and of a full collection of an asyncio program's heap
    PythonProcessFigures processes;         // a worker process's start-up and exit (process_probe.h)
};

// Computed once per process (thread-safe); cheap after the first call.
const Calibration& calibration();

// Runs python3 to time the loop above, asyncio's callbacks and a worker process's start-up and
// exit; false (and `error`) on failure.
bool measure_python(PythonFigures* figures, std::string* error = nullptr);
// Where the figure is cached; empty when there is no private place for it (see above).
std::string calibration_cache_path();
// The python3 that PATH names, as a short token (its resolved file, size and time, hashed); "none"
// without one. The cache holds the figures of one identity: another python3 measures again.
std::string python_identity();
// True when a figure of `python_ns_per_iteration` fits a machine whose step costs `ns_per_step`.
bool plausible_python_ns_per_iteration(double python_ns_per_iteration, double ns_per_step);

} // namespace clab
