// Summary: the numbers a run produced, measured, never computed from a model.
#pragma once

#include "spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace clab {

struct WorkerStats {
    uint32_t lane = 0;
    std::string name;
    double busy_s = 0;     // running Python (holding the GIL, or a process/GIL-off thread running)
    double gil_wait_s = 0; // waiting for the GIL (incl. forced-switch waits)
    double blocked_s = 0;  // in blocking calls (sleep, sockets, pipes)
    double lock_wait_s = 0;
    int tasks_done = 0;
};

struct Summary {
    ExperimentSpec spec;
    bool completed = false; // ran to the end (not cancelled, not broken, no deadlock)
    bool cancelled = false;
    std::string error; // a sentence for the student when something went wrong

    double wall_s = 0;
    double cpu_s = 0; // user + system CPU of this process and its children during the run
    uint64_t events = 0;
    // The run's peak resident set (VmHWM) without the trace's own memory (core/trace/trace_memory.h),
    // plus its largest child's.
    double peak_rss_mb = 0;

    // threads and the GIL
    uint64_t gil_switches = 0;
    uint64_t forced_switches = 0;
    double gil_wait_s = 0;
    double median_gil_slice_ms = 0;
    uint64_t lost_updates = 0;
    int64_t counter_expected = 0;
    int64_t counter_value = 0;
    bool deadlock = false;
    double io_latency_median_ms = 0;
    double io_latency_max_ms = 0;

    // processes
    double process_start_s = 0; // median per process
    uint64_t ipc_bytes = 0;
    double serialize_s = 0;
    bool broken = false;

    // asyncio
    uint64_t loop_iterations = 0;
    uint64_t task_switches = 0;
    double max_loop_lag_s = 0;
    uint64_t slow_callbacks = 0;

    // against a sequential baseline (filled by whoever ran one)
    double baseline_wall_s = 0;
    double speedup = 0;
    double efficiency = 0; // speedup / workers used

    std::vector<WorkerStats> workers;

    // the python engine (a real interpreter ran a program)
    std::string python_version; // "3.11.7"
    int exit_code = 0;          // the program's exit status; -N: killed by signal N
    std::string program_stdout; // what it printed (first 1 MB, then a note of what was dropped)
    std::string program_stderr; // same for stderr (tracebacks)
    double sample_hz = 0;       // the kernel sampler's rate (inferred states); 0: none
    // From the run's start to the tracer's first record (fork, exec, the interpreter's start-up,
    // site and tracer imports): reported apart and left out of wall_s, which then measures the
    // program itself, as the other engines' wall_s measures their work.
    double interpreter_start_s = 0;
    std::vector<std::string> notes;          // what the tracer could not record, limits hit
    std::vector<std::string> waited_objects; // LockWaitBegin arg (python engine) indexes this
    // the machine during the run (filled by the Runner from /proc/stat)
    double other_cpu_s = 0; // CPU time every other program used while the run went on
    int machine_cpus = 0;   // cores of the machine /proc/stat counts
};

// Whether other programs took a notable share of the machine during the run (at least a quarter
// of all its cores, over a run long enough for /proc/stat's ticks): the figures may be off then.
bool machine_was_busy(const Summary&);

// One JSON object with every field above (the --json output).
std::string to_json(const Summary&);
// The experiment alone, as the "spec" object of a summary's JSON.
std::string to_json(const ExperimentSpec&);

struct Trace;
// Fills in what the events of a finished run say: the event count, per-worker busy / GIL-wait /
// blocked / lock-wait seconds (from the segments), the total GIL wait, the median GIL slice and
// whether a deadlock was detected. Counters an engine measured itself are kept.
void summarize_trace(const Trace& trace, int64_t end_ns, Summary& summary);

} // namespace clab
