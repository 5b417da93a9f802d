// ExperimentSpec: everything that decides what a run does. Lessons, sliders and the command line
// all produce one of these; the Runner consumes it. Field names match the command-line flags
// (`--switch-interval-ms` <-> switch_interval_ms) and the keys of a lesson's experiment block.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clab {

enum class EngineKind { Sequential, Threads, ThreadPool, Processes, ProcessPool, Asyncio, Python };
enum class WorkloadKind {
    Cpu,       // count to `iterations` (a Python for-loop), per task
    Sleep,     // time.sleep(io_ms) io_count times
    Net,       // io_count requests to the loopback slow server, each answered after io_ms
    Mixed,     // task 0 is CPU-bound, the others do io_count short blocking waits of io_ms (convoy)
    Counter,   // every task adds 1 to a shared counter `iterations` times (race conditions)
    Deadlock,  // two tasks take two locks (opposite order unless lock_order == fixed)
    Payload,   // send payload_bytes to a worker and back (IPC cost)
    Blend,     // each task: cpu_percent % of `iterations` CPU work, the rest as io_ms of I/O
    BlockLoop, // asyncio: one coroutine blocks (blocker) while the others tick; offload fixes it
};
enum class GilMode { On, Off, PerInterpreter };
enum class CounterUpdate { InPlace, Call }; // `counter += 1` vs `counter = counter + f()`
enum class StartMethod { Fork, Spawn, Forkserver };
enum class Blocker { Cpu, Sleep };            // BlockLoop: what the bad coroutine does
enum class Offload { None, Thread, Process }; // BlockLoop: where the blocking work goes

struct ExperimentSpec {
    EngineKind engine = EngineKind::Sequential;
    WorkloadKind workload = WorkloadKind::Cpu;
    int tasks = 1;
    int workers = 0;                 // 0: the engine's default (a thread/process per task; pool default)
    int64_t iterations = 1'000'000;  // Python loop iterations per task (Cpu, Counter, Blend)
    double io_ms = 100.0;            // one blocking wait / one request's latency
    int io_count = 1;                // blocking waits per task
    double switch_interval_ms = 5.0; // sys.setswitchinterval, 0.1..100 ms
    GilMode gil = GilMode::On;
    CounterUpdate update = CounterUpdate::InPlace;
    bool lock = false;             // Counter: protect the update with a threading.Lock
    bool lock_order_fixed = false; // Deadlock: both tasks take the locks in the same order
    StartMethod start_method = StartMethod::Fork;
    int chunksize = 1;               // ProcessPool map
    int64_t payload_bytes = 1024;    // Payload
    int concurrency = 0;             // Asyncio: Semaphore limit, 0 = unlimited
    int cpu_percent = 100;           // Blend
    int cpus = 0;                    // pin the run to the first N cores (0 = all)
    Blocker blocker = Blocker::Cpu;  // BlockLoop
    Offload offload = Offload::None; // BlockLoop
    bool debug = true;               // Asyncio debug mode: flag slow callbacks (>= 100 ms)
    double time_scale = 1.0;         // slow motion: waits and work stretch by this factor
    double timeout_s = 0.0;          // cancel the run after this long (0 = never); deadlocks use it
    int64_t crash_task = -1;         // processes: the worker running this task kills itself (SIGKILL)

    // --- the python engine: a real interpreter runs a program (core/python) -------------------
    std::string script;     // the program's file (`--script`), run as `python3 FILE` would
    std::string source;     // or its text (a lesson's snippet): written to a private temp file first
    std::string python;     // the interpreter (`--python`); empty: python3 on PATH
    int max_processes = 64; // the program's process tree is stopped beyond this many processes
};

// Names used by the command line, lesson files and JSON ("thread-pool", "counter", "spawn").
std::string_view to_string(EngineKind);
std::string_view to_string(WorkloadKind);
std::string_view to_string(GilMode);
std::string_view to_string(CounterUpdate);
std::string_view to_string(StartMethod);
std::string_view to_string(Blocker);
std::string_view to_string(Offload);
std::optional<EngineKind> parse_engine(std::string_view);
std::optional<WorkloadKind> parse_workload(std::string_view);
std::optional<GilMode> parse_gil(std::string_view);          // on | off | per-interpreter
std::optional<CounterUpdate> parse_update(std::string_view); // inplace | call
std::optional<StartMethod> parse_start_method(std::string_view);
std::optional<Blocker> parse_blocker(std::string_view);
std::optional<Offload> parse_offload(std::string_view);

// The range of one numeric ExperimentSpec field, named as in lesson files ("io_ms"). validate()
// checks every numeric field against its range, so a NaN or an absurd value never reaches an
// engine; the command line checks a flag's text against the same range before it can wrap or
// truncate into an int.
struct FieldRange {
    std::string_view name;
    double min = 0, max = 0; // both included; every bound is exact in a double
    bool whole = false;      // an integer field
    std::string_view zero;   // what 0 means when it is special ("default", "none"), else empty
};
// nullopt for a name that is not a numeric field.
std::optional<FieldRange> field_range(std::string_view name);
// "between 0 (default) and 1024": the range as a sentence ends.
std::string describe_range(const FieldRange&);

// Checks ranges and combinations; returns a sentence for a student or instructor, or nothing.
std::optional<std::string> validate(const ExperimentSpec&);

// The same workload run one task after another on one thread: what speedups are measured against.
ExperimentSpec sequential_baseline(const ExperimentSpec&);

// The least time a run of `spec` spends waiting when its tasks run one after another: the waits its
// workload asks for, end to end (sleep and network latencies are fixed by the spec, so this needs no
// measuring). A sequential baseline that cannot finish before its timeout is not worth starting.
double sequential_wait_s(const ExperimentSpec&);

} // namespace clab
