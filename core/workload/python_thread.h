// PyThread: one thread that "runs Python" the way CPython does. It holds the GIL while it runs
// (or, with the GIL off, records that it runs free), does its CPU work in calibrated iterations
// with an eval-breaker check at every loop back-edge, and releases the GIL around blocking calls.
//
// Lane states this produces (see core/trace/segments.h):
//   GilWaitBegin .. GilAcquired      waiting for the GIL, then Running
//   GilForcedWaitBegin .. End        dropped on request, waits until another thread took it
//   IoBegin .. IoEnd                 blocked in sleep/socket/join (GIL released before)
//   Running                          (GIL off) runs Python without a GIL
//   CpuMigrated                      the OS moved the thread to another core during work
#pragma once

#include "core/gil/gil.h"
#include "core/sync/stop_signal.h"
#include "core/trace/event.h"

#include <atomic>
#include <cstdint>

namespace clab {

class Recorder;

class PyThread {
public:
    // gil == nullptr: free-threaded (GIL off). `stop` ends the work and every wait of this thread.
    PyThread(Recorder& recorder, uint32_t lane, Gil* gil, const StopSignal& stop);
    PyThread(const PyThread&) = delete;
    PyThread& operator=(const PyThread&) = delete;

    uint32_t lane() const { return lane_; }
    Recorder& recorder() { return recorder_; }
    Gil* gil() { return gil_; }
    bool holds_gil() const { return holds_gil_; }

    // Start/stop running Python: take the GIL (or record Running when there is none) / drop it.
    void enter();
    void leave(GilReleaseReason reason);

    // The eval breaker at a check point (loop back-edge, call): honour a drop request.
    void check_point() {
        if (gil_ && gil_->drop_requested()) [[unlikely]]
            switch_out();
    }
    // Cheap enough for every tick: true once the run should stop.
    bool stopping() const noexcept { return stop_.requested(); }
    const StopSignal& stop_signal() const noexcept { return stop_; }

    // `for _ in range(n): count += 1`. Returns false if cancelled.
    bool run_iterations(int64_t n);
    // `steps` work steps (a fraction of an iteration) with no check point: Python code between
    // two check points.
    void spin(uint32_t steps);
    // Called every ~50 µs of work: notices cancel and records a migration to another core.
    bool slow_tick();

    // A blocking call: release the GIL, IoBegin(kind), wait `ns` (a sleep the stop signal ends
    // at once), IoEnd(waited ns), take the GIL again.
    // Returns false if cancelled.
    bool blocking_sleep(int64_t ns, IoKind kind = IoKind::Sleep);
    // Wraps any blocking call the same way; `call` runs without the GIL.
    template <typename F> auto blocking(IoKind kind, F&& call) {
        begin_blocking(kind);
        auto result = call();
        end_blocking();
        return result;
    }
    void begin_blocking(IoKind kind);
    void end_blocking();

    uint64_t steps_per_iteration() const { return steps_per_iteration_; }
    int64_t last_io_latency_ns() const { return last_io_latency_ns_; }

private:
    void switch_out();

    Recorder& recorder_;
    const uint32_t lane_;
    Gil* gil_;
    const StopSignal& stop_;
    bool holds_gil_ = false;
    uint16_t cpu_ = 0xFFFF;
    uint32_t steps_per_iteration_;
    uint32_t iterations_per_slow_tick_;
    int64_t io_begin_ns_ = 0;
    int64_t last_io_latency_ns_ = 0; // IoBegin .. running Python again (what Python code measures)
    uint64_t sink_ = 1;
};

} // namespace clab
