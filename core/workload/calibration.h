// Python-speed calibration. Lessons talk in Python terms ("count to 10 million"), so one
// "iteration" of our CPU work must cost what one iteration of
//
//     for _ in range(n):
//         count += 1
//
// costs in CPython on this machine. We measure that with python3 once and cache the figure in
// $XDG_CACHE_HOME/concurrency-lab/calibration (~/.cache/... without XDG_CACHE_HOME). Without
// python3 we use kDefaultPythonNsPerIteration, measured with CPython 3.11.7 on the 2-core AMD EPYC
// development machine. $CLAB_PYTHON_NS_PER_ITERATION overrides both (CI, reproducible runs).
//
// Our work unit is a "step": one dependent multiply-add the compiler cannot fold. We time steps
// in-process (best of a few short runs, so a noisy machine does not inflate the figure) and use
// steps_per_iteration = python_ns_per_iteration / ns_per_step.
#pragma once

#include <cstdint>
#include <string>

namespace clab {

inline constexpr double kDefaultPythonNsPerIteration = 35.0;

struct Calibration {
    double python_ns_per_iteration = kDefaultPythonNsPerIteration;
    std::string source;       // "python3 (measured)", "cache FILE", "default", "environment"
    double ns_per_step = 1.0; // our work unit, measured in this process
    uint32_t steps_per_iteration = 1;
};

// Computed once per process (thread-safe); cheap after the first call.
const Calibration& calibration();

// Runs python3 to time the loop above; returns ns per iteration, or 0 (and `error`) on failure.
double measure_python_ns_per_iteration(std::string* error = nullptr);
// Where the figure is cached.
std::string calibration_cache_path();

} // namespace clab
