// ProgramTrace: turns what the tracer recorded (records of every process of the program) and what
// the kernel sampler saw (thread state changes) into the app's Events and lanes.
//
// Lanes: the root process's main thread is the run's main lane ("MainThread"); every other process
// gets a Process lane (its main thread's states are drawn there), every other thread a Thread
// lane, every asyncio task a Task lane (named after its coroutine), every event loop a Loop lane.
//
// Recorded (exact times from time.monotonic_ns()): thread and process lifetimes, process start-up
// (from Process.start in the parent to the child's target), waits on locks, conditions, events,
// semaphores, barriers, queues and joins (LockWaitBegin/LockAcquired, arg = index into
// waited_objects()), task steps, selector waits, ready-queue lengths.
//
// Inferred from samples (events carry kSampledBit in arg): a thread on a CPU runs Python and, when
// its process has other Python threads and a GIL, holds the GIL (GilAcquired/GilRelease); a thread
// in a timed futex wait outside any recorded wait waits for the GIL (GilWaitBegin); other blocked
// states are I/O, sleep or lock waits. Samples are applied `delay` behind the newest sample, so the
// tracer's records of the same moment (flushed every 100 ms) are in by then and a recorded wait
// always wins over the sampled guess.
#pragma once

#include "core/sample/thread_sampler.h"
#include "core/trace/recorder.h"
#include "records.h"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace clab::py {

struct ProgramStats {
    std::string python_version;
    uint64_t gil_switches = 0;
    uint64_t task_switches = 0;
    uint64_t loop_iterations = 0;
    // The longest a ready callback waited, as far as the tracer sees it (lower bounds, each recorded
    // as CallbackLag): a task step since its iteration's select returned, the earliest timer since
    // it fell due (at select's return).
    double max_loop_lag_s = 0;
    uint64_t slow_callbacks = 0;
    double process_start_s = 0;  // median over child processes
    int64_t first_record_ns = 0; // the root process's hello: its tracer was loaded
    uint64_t records = 0;
    uint64_t records_dropped = 0; // over the cap
    bool gil = true;
    std::vector<std::string> notes;
    std::vector<std::string> objects; // what LockWaitBegin's arg points at
    std::vector<pid_t> pids;          // every process the tracer reported
};

class ProgramTrace {
public:
    ProgramTrace(Recorder& recorder, uint32_t main_lane, sample::ThreadSampler* sampler,
                 uint64_t max_records);

    // One record of the process whose stream it came from (`stream`: a stable id per connection).
    void on_record(int stream, const Record& record);
    // Sampled changes, in time order. Applied up to `until_ns` (later ones wait).
    void on_samples(std::vector<sample::ThreadChange> changes);
    void apply_samples(int64_t until_ns);
    // A note of the app's own (limits hit): kept in stats().notes and marked on the main lane.
    void note(const std::string& text);
    void program_exit(int64_t t_ns, int status);

    ProgramStats stats() const;
    size_t processes() const;

private:
    struct Thread {
        uint32_t lane = 0;
        pid_t pid = 0;
        int64_t start = 0, end = INT64_MAX;
        std::vector<std::pair<int64_t, int64_t>> waits; // recorded waits (end INT64_MAX: open)
        SampledState state = SampledState::Other;
        bool has_state = false;
        bool pushed = false; // the sampled state was pushed (blocked) and needs a pop to leave
        bool holds_gil = false;
        uint16_t cpu = 0xFFFF;
        // Samples are drawn from here on: its start, or for a child process's main thread when its
        // target runs (drawn starting up until then). The last sample before is kept in `early`.
        int64_t drawn_from = 0;
        sample::ThreadChange early;
        bool has_early = false;
    };
    struct Process {
        pid_t pid = 0;
        uint32_t lane = 0;
        uint32_t main_tid = 0;
        Origin origin = Origin::Main;
        bool gil = true;
        bool exited = false;
        bool start_shown = false;
        int64_t spawn_begin = -1; // parent's Process.start
        uint8_t spawn_method = 0;
        int64_t run_at = -1; // the child's target began
        uint32_t last_holder = 0;
    };
    struct Spawn {
        int64_t begin = 0;
        uint8_t method = 0;
    };

    void add_note(const std::string& text); // mutex_ held
    // A lower bound of how long a ready callback of `loop_lane` waited (the loop lag).
    void note_callback_lag(int64_t t, uint32_t loop_lane, int64_t lag_ns);
    void record(int64_t t, uint32_t lane, EventKind kind, uint64_t arg = 0, uint16_t cpu = 0xFFFF);
    Process* process_of_stream(int stream);
    Thread* thread_for(const Process& p, uint32_t tid);
    void hello(int stream, const Record& r);
    void show_start(Process& p);
    void apply(const sample::ThreadChange& c);
    bool gil_shared(const Process& p, int64_t t) const;
    uint32_t object_index(pid_t pid, uint64_t key);

    Recorder& recorder_;
    const uint32_t main_lane_;
    sample::ThreadSampler* sampler_;
    const uint64_t max_records_;
    mutable std::mutex mutex_;
    std::map<int, pid_t> stream_pid_;
    std::map<pid_t, Process> processes_;
    std::map<uint32_t, Thread> threads_; // by native thread id
    std::map<pid_t, Spawn> spawns_;      // child pid -> its parent's Process.start
    std::map<uint32_t, Spawn> starting_; // parent tid -> Process.start under way
    std::map<std::pair<pid_t, uint64_t>, uint32_t> tasks_, loops_;
    std::map<std::pair<pid_t, uint64_t>, uint32_t> object_ids_;
    std::map<uint32_t, int64_t> step_begin_;      // task lane -> its step's start
    std::map<uint32_t, int64_t> last_select_end_; // loop lane -> when its last select returned
    std::map<uint32_t, uint32_t> loop_of_thread_; // native thread id -> the loop lane it runs
    std::vector<sample::ThreadChange> samples_;
    ProgramStats stats_;
};

} // namespace clab::py
