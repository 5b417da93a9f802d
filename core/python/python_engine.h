// The python engine: runs a program in a real interpreter (spec.script, or spec.source written to
// a private temporary file), traced by the project's tracer and sampled through /proc, and records
// what happened as Events. See program_trace.h for what is recorded and what is inferred.
#pragma once

#include "core/experiment/engine.h"

#include <string>

namespace clab::py {

class PythonEngine : public Engine {
public:
    // Finds the interpreter before the run's clock starts: through a pyenv shim, asking python3
    // for its version takes a bash script and a second interpreter (tens of ms to seconds on a cold
    // cache, cached after). A stop meanwhile kills the question's processes at once.
    void prepare(const ExperimentSpec& spec, const StopSignal& stop) override;
    void run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) override;
};

// "FILE:LINE: Kind: message" for a program that failed with a traceback or a syntax error on
// stderr; empty if stderr has neither.
std::string describe_failure(const std::string& stderr_text);

inline constexpr size_t kOutputCap = 1 << 20;          // stdout and stderr kept, each
inline constexpr uint64_t kMaxRecords = 5'000'000;     // tracer records drawn per run
inline constexpr int64_t kSampleDelayNs = 300'000'000; // samples wait for the tracer's records

} // namespace clab::py
