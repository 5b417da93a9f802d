// Ctrl+C (SIGINT) and SIGTERM for a headless run: instead of killing the program mid-run (no
// summary, no --trace file, workers left to their death signals), they stop the run the way the
// Stop button does. A second signal while the run is stopping ends the program at once.
//
// No work happens in a signal handler: both signals are blocked for the whole process and a
// thread reads them from a signalfd. Construct it before any other thread starts (threads
// inherit the blocked mask; a thread that did not would get the default action, death).
#pragma once

#include "core/sync/stop_signal.h"

#include <atomic>
#include <thread>

namespace clab::cli {

class StopSignals {
public:
    StopSignals();
    ~StopSignals(); // ends the watching thread and restores the signal mask
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // Requested once SIGINT or SIGTERM arrived (on the watching thread, which thereby stops the
    // run at once): pass it to Runner::run.
    const StopSignal& stop() const { return stop_; }
    // The signal that stopped the run (SIGINT, SIGTERM), or 0.
    int signal() const { return signal_.load(); }
    // The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM).
    int exit_code() const { return 128 + signal(); }

private:
    void watch();

    StopSignal stop_;
    std::atomic<int> signal_{0};
    int signal_fd_ = -1;
    int wake_fd_ = -1; // an eventfd: the destructor's "stop watching"
    bool blocked_ = false;
    std::thread thread_;
};

} // namespace clab::cli
