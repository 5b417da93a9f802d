// "Stop means stop", checked as every timing check here is: as a ratio, never against a clock
// bound. A stop (a cancel, a time limit, Esc, a pool or a controller destroyed mid-run) takes a
// small share of the time the run had been going before it. The goal is 50 ms after a second's
// run (tests/core/test_stop_latency.cpp measures 0.4-70 ms on a quiet machine); the share leaves
// room for a loaded 2-core machine. A stop that waits for the work (the runs ask for minutes) or
// looks at the stop once a second fails it. Shared by the core, app and command-line tests.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

namespace clab::testing {

// How long a run goes before a test stops it: long enough that the share below is a fair bound.
inline constexpr std::chrono::milliseconds kRunBeforeStop{1000};
inline constexpr double kMostStopShare = 0.35;

// True when a stop that took `stop_s` came soon enough after a run of `ran_s`.
inline bool stopped_quickly(double stop_s, double ran_s) {
    return stop_s < kMostStopShare * ran_s;
}

// A clock for one stop: started with the run, asked() when the stop is asked for.
class StopClock {
public:
    StopClock()
        : start_(Clock::now()) {}
    // Sleeps until the run has gone kRunBeforeStop, then marks the moment the stop is asked for.
    void run_then_ask() {
        std::this_thread::sleep_until(start_ + kRunBeforeStop);
        ask();
    }
    // What is left of kRunBeforeStop (for a caller that must keep its event loop turning).
    std::chrono::milliseconds until_due() const {
        return std::max(std::chrono::milliseconds(0),
                        std::chrono::ceil<std::chrono::milliseconds>(start_ + kRunBeforeStop - Clock::now()));
    }
    void ask() { asked_ = Clock::now(); }
    // Marks the stop's end: call it once the run has ended.
    void stopped() { stopped_ = Clock::now(); }
    double ran_s() const { return seconds(asked_ - start_); }
    double stop_s() const { return seconds(stopped_ - asked_); }
    bool quick() const { return stopped_quickly(stop_s(), ran_s()); }
    std::string describe() const {
        return "stopped in " + std::to_string(int(stop_s() * 1e3)) + " ms after a run of " +
               std::to_string(int(ran_s() * 1e3)) + " ms";
    }

private:
    using Clock = std::chrono::steady_clock;
    static double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
    Clock::time_point start_, asked_{}, stopped_{};
};

} // namespace clab::testing
