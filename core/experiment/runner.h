// Runner: runs one experiment off the calling thread, lets anyone cancel it, and produces the
// Summary. The same Runner serves the GUI, the command line and the tests.
//
// What a run does, in order:
//   0. the engine prepares (Engine::prepare: the Python-speed calibration, seconds on a cold
//      cache) before the run's clock starts, so wall_s never includes it;
//   1. lanes: "MainThread" (the thread that drives the engine) and one "core N" lane per CPU;
//   2. the loopback slow server, for net workloads (its port goes to the engine);
//   3. a monitor thread: every ~50 ms it samples /proc/stat into CoreUtilisation events on the
//      core lanes, and cancels the run once `timeout_s` has passed or once the run has recorded
//      its event budget (below);
//   4. `cpus` > 0 pins the driving thread to the first N cores (threads and processes the engine
//      starts inherit the mask);
//   5. the engine runs (the spec it gets is time_scaled());
//   6. wall time, CPU time (this process + waited-for children), peak RSS of the run, then what
//      the events say (summarize_trace).
//
// The event budget: one run records at most kDefaultEventBudget events (issue 19). A lock-heavy
// step records millions a second, and in slow motion for long: 27 million (650 MB, and more while
// they are merged) is no timeline a student can read, and merging them kept a window waiting for a
// minute. A run that fills its budget is stopped there, like a time limit, and its summary's error
// says why and what makes a run fit. Every lesson step at any setting of its controls, at normal
// speed, fits: the largest we measured, lesson 8's Lock step at 8 threads, records 7.7 M events.
//
// Slow motion: `time_scale` k multiplies iterations, io_ms and switch_interval_ms by k. Every
// wait, every piece of work and every GIL slice stretch by the same factor, so the run keeps its
// shape (who waits for whom, how many switches) but takes about k times longer to watch.
#pragma once

#include "core/trace/recorder.h"
#include "core/trace/trace.h"
#include "engine.h"
#include "program_output.h"
#include "spec.h"
#include "summary.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace clab {

// Who turns a run's recorded events into its trace and the summary's figures that come from them.
enum class EventReader {
    // The Runner: at the end it copies every event, merges them into trace() and sums them up
    // (the command line and the tests, which read nothing while the run goes on).
    Runner,
    // The caller, which drains recorder() while the run goes on and keeps the events (the GUI):
    // the Runner copies nothing, and the caller calls sum_up_events() on its own trace once the
    // run has ended. The run's events are then held once, and a Stop ends the run when the engine
    // has stopped, without seconds of copying and merging millions of events first.
    Caller,
};

class Runner {
public:
    static constexpr uint64_t kDefaultEventBudget = 10'000'000; // 24 bytes each: 229 MB

    Runner();
    ~Runner(); // cancels and joins a run still going
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    // Starts `spec` on a background thread with a fresh Recorder. Returns false (and leaves
    // `error` set) if the spec is invalid or a run is already going.
    // `follows` (optional): a stop signal of the caller's (Ctrl+C, a window closing) that stops
    // this run the moment it is requested, on the requesting thread; it must outlive the run.
    // `reader`: who reads the events (above).
    bool start(const ExperimentSpec& spec, const StopSignal* follows = nullptr,
               EventReader reader = EventReader::Runner);
    // The most events the next run may record before it is stopped (0: no limit).
    void set_event_budget(uint64_t events) { event_budget_ = events; }
    uint64_t event_budget() const { return event_budget_; }
    // Asks the run to stop; it ends within 50 ms and leaves no thread or process behind. The run's
    // thread then still merges what was recorded into trace() and sums it up (the summary of a
    // stopped run covers the part that ran): for a run of millions of events, seconds.
    void cancel();
    // Cancels the run and drops what would follow it, the merge and the sums: for an owner that
    // will never read this run's summary or trace (a window closing, a run replaced by the next
    // one). The run's thread ends as soon as the engine has stopped, so destroying the Runner (or
    // starting another run) never waits for a sort of millions of events; summary() then holds
    // only what was measured without the events. The destructor abandons.
    void abandon();
    // Blocks until the run has ended; returns its summary.
    const Summary& wait();
    bool running() const;
    bool finished() const;
    const std::string& error() const { return error_; }

    // The run's recorder: poll it (drain) from one reader thread while the run goes on. The
    // Runner itself never drains it (it reads a non-consuming snapshot at the end).
    Recorder& recorder() { return *recorder_; }
    // The run's program output as it comes (the python engine's): drain it from the same reader.
    ProgramOutput& output() { return *output_; }
    // After finished(): the summary, and every event of the run merged into one trace (empty after
    // abandon()).
    const Summary& summary() const { return summary_; }
    const Trace& trace() const { return trace_; }

    // Convenience for the CLI and tests: start + wait. A spec that does not validate gives a
    // summary with `error` set. `trace_out` receives the run's events. Requesting `*stop` (from any
    // thread) cancels the run at once, as cancel() does (the waiting thread sleeps until the run
    // ends: nothing polls); the summary then covers the part that ran.
    static Summary run(const ExperimentSpec& spec, Trace* trace_out = nullptr,
                       const StopSignal* stop = nullptr);
    // run(spec), then run(sequential_baseline(spec)), and fills baseline_wall_s, speedup and
    // efficiency (speedup / workers used). No baseline once `*stop` is requested.
    // The summary's figures that come from the events (summarize_trace), and what they decide: a
    // deadlock found in them means the run did not complete. `end_ns`: when the run ended.
    static void sum_up_events(const Trace& trace, int64_t end_ns, Summary& summary);
    static Summary run_with_baseline(const ExperimentSpec& spec, Trace* trace_out = nullptr,
                                     const StopSignal* stop = nullptr);

private:
    void body(ExperimentSpec spec, const StopSignal& stop, EventReader reader);

    std::unique_ptr<Recorder> recorder_;
    std::unique_ptr<ProgramOutput> output_;
    std::thread thread_;
    // One per run (a StopSignal is one-shot); cancel() may come from any thread.
    mutable std::mutex stop_mutex_;
    std::shared_ptr<const StopSignal> stop_;
    std::atomic<bool> running_{false};
    std::atomic<bool> finished_{false};
    uint64_t event_budget_ = kDefaultEventBudget;
    std::atomic<bool> abandoned_{false}; // abandon(): no merge, no sums, as soon as it is seen
    Summary summary_;
    Trace trace_;
    std::string error_;
};

// The spec an engine really runs under slow motion (see above).
ExperimentSpec time_scaled(const ExperimentSpec& spec);
// How many workers a spec uses (for efficiency): threads/processes/pool size, 1 when sequential.
int workers_used(const ExperimentSpec& spec);

} // namespace clab
