// Runner: runs one experiment off the calling thread, lets anyone cancel it, and produces the
// Summary. The same Runner serves the GUI, the command line and the tests.
#pragma once

#include "engine.h"
#include "spec.h"
#include "summary.h"

#include "../trace/recorder.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace clab {

class Runner {
public:
    Runner();
    ~Runner(); // cancels and joins a run still going
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    // Starts `spec` on a background thread with a fresh Recorder. Returns false (and leaves
    // `error` set) if the spec is invalid or a run is already going.
    bool start(const ExperimentSpec& spec);
    // Asks the run to stop; it ends within 200 ms and leaves no thread or process behind.
    void cancel();
    // Blocks until the run has ended; returns its summary.
    const Summary& wait();
    bool running() const;
    bool finished() const;
    const std::string& error() const { return error_; }

    // The run's recorder: poll it (drain) from one reader thread while the run goes on.
    Recorder& recorder() { return *recorder_; }
    const Summary& summary() const { return summary_; }

    // Convenience for the CLI and tests: start + wait.
    static Summary run(const ExperimentSpec& spec, Recorder* recorder_out = nullptr);

private:
    void body(ExperimentSpec spec);

    std::unique_ptr<Recorder> recorder_;
    std::thread thread_;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> running_{false};
    std::atomic<bool> finished_{false};
    Summary summary_;
    std::string error_;
};

} // namespace clab
