#include "blocking_work.h"

#include "core/trace/event.h"
#include "core/workload/calibration.h"
#include "core/workload/cpu_work.h"

#include <algorithm>
#include <ctime>

namespace clab::aio {

bool python_cpu_work(int64_t iterations, const std::atomic<bool>* cancel) {
    const uint32_t steps_per_iteration = calibration().steps_per_iteration;
    constexpr int64_t kChunk = 4096; // ~0.1 ms of Python: the cancel check costs nothing
    uint64_t x = 1;
    for (int64_t done = 0; done < iterations; done += kChunk) {
        if (cancel && cancel->load(std::memory_order_relaxed)) return false;
        const int64_t n = std::min(kChunk, iterations - done);
        x = spin_steps(x, uint32_t(n) * steps_per_iteration);
    }
    asm volatile("" : : "r"(x));
    return true;
}

int64_t python_cpu_work_ns(int64_t iterations) {
    return int64_t(double(iterations) * calibration().python_ns_per_iteration);
}

bool blocking_sleep(int64_t ns, const StopSignal* stop) {
    const int64_t end = now_ns() + ns;
    if (stop) return stop->sleep_until(end);
    for (int64_t left; (left = end - now_ns()) > 0;) {
        timespec ts{time_t(left / 1'000'000'000), long(left % 1'000'000'000)};
        nanosleep(&ts, nullptr);
    }
    return true;
}

} // namespace clab::aio
