// The interface every engine implements, and the registry the Runner picks them from.
#pragma once

#include "core/sync/stop_signal.h"
#include "program_output.h"
#include "spec.h"
#include "summary.h"

#include <atomic>
#include <functional>
#include <memory>

namespace clab {

class Recorder;

// What a running engine gets from the Runner.
struct RunContext {
    Recorder& recorder;
    // Requested by Runner::cancel() and the time limit: waits end at once (see stop_signal.h).
    const StopSignal& stop;
    const std::atomic<bool>& cancel; // stop.flag(), for code that only looks at its check points
    uint32_t main_lane;              // the lane of the thread that drives the run ("MainThread")
    int64_t start_ns;                // when the run started (t = 0 on the timeline)
    uint16_t server_port = 0;        // the loopback slow server (net workloads), started by the Runner
    // Where an engine that runs a real program sends its stdout/stderr as they come (the Runner's;
    // nullptr when nobody reads it live). The Summary still gets the whole output at the end.
    ProgramOutput* output = nullptr;
};

class Engine {
public:
    virtual ~Engine() = default;
    // Runs the experiment to the end or until ctx.stop is requested, recording events as it goes.
    // Fills what it measured into `summary` (the Runner adds wall/CPU time and derived counters).
    // Must not return before every thread and process it started has ended.
    virtual void run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) = 0;
    // What the engine needs ready before the run's clock starts: the Runner calls it first, so a
    // one-time cost (python3 timing the Python-speed calibration, seconds on a cold cache) never
    // counts in wall_s. `stop` is the run's: what prepare() waits for (a program it runs) ends when
    // it is requested, and run() is then called with it requested.
    virtual void prepare(const ExperimentSpec& spec, const StopSignal& stop) {
        (void)spec;
        (void)stop;
    }
};

using EngineFactory = std::function<std::unique_ptr<Engine>()>;

// Each engine folder registers itself; the Runner asks here. Returns false if the kind is taken.
bool register_engine(EngineKind kind, EngineFactory factory);
std::unique_ptr<Engine> make_engine(EngineKind kind); // nullptr if no engine of that kind is built in

} // namespace clab
