#include "python_thread.h"

#include "calibration.h"
#include "core/trace/recorder.h"
#include "cpu_work.h"

#include <algorithm>
#include <ctime>

namespace clab {

PyThread::PyThread(Recorder& recorder, uint32_t lane, Gil* gil, const StopSignal& stop)
    : recorder_(recorder)
    , lane_(lane)
    , gil_(gil)
    , stop_(stop) {
    const Calibration& c = calibration();
    steps_per_iteration_ = c.steps_per_iteration;
    // Check cancel and the current core about every 50 µs of work.
    iterations_per_slow_tick_ = uint32_t(std::max(1.0, 50'000.0 / c.python_ns_per_iteration));
}

void PyThread::enter() {
    if (gil_)
        gil_->take(lane_);
    else
        recorder_.record(lane_, EventKind::Running);
    holds_gil_ = true;
    cpu_ = current_cpu();
}

void PyThread::leave(GilReleaseReason reason) {
    if (!holds_gil_) return;
    holds_gil_ = false;
    if (gil_) gil_->drop(lane_, reason);
}

void PyThread::switch_out() {
    gil_->drop(lane_, GilReleaseReason::Interval);
    gil_->take(lane_);
    cpu_ = current_cpu();
}

bool PyThread::slow_tick() {
    const uint16_t cpu = current_cpu();
    if (cpu != cpu_) {
        cpu_ = cpu;
        recorder_.record(lane_, EventKind::CpuMigrated, cpu);
    }
    return !stopping();
}

void PyThread::spin(uint32_t steps) {
    sink_ = spin_steps(sink_, steps);
}

bool PyThread::run_iterations(int64_t n) {
    uint32_t until_slow_tick = iterations_per_slow_tick_;
    for (int64_t i = 0; i < n; ++i) {
        sink_ = spin_steps(sink_, steps_per_iteration_);
        check_point(); // the loop's back-edge
        if (--until_slow_tick == 0) {
            until_slow_tick = iterations_per_slow_tick_;
            if (!slow_tick()) return false;
        }
    }
    return !stopping();
}

void PyThread::begin_blocking(IoKind kind) {
    leave(GilReleaseReason::Io);
    io_begin_ns_ = now_ns();
    recorder_.record(lane_, EventKind::IoBegin, uint64_t(kind));
}

void PyThread::end_blocking() {
    recorder_.record(lane_, EventKind::IoEnd, uint64_t(now_ns() - io_begin_ns_));
    enter();
    // What `t0 = perf_counter(); sleep(); perf_counter() - t0` would print: includes the wait for the GIL.
    last_io_latency_ns_ = now_ns() - io_begin_ns_;
}

bool PyThread::blocking_sleep(int64_t ns, IoKind kind) {
    begin_blocking(kind);
    const bool finished = stop_.sleep_until(io_begin_ns_ + ns);
    end_blocking();
    return finished;
}

} // namespace clab
