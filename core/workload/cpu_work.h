// The unit of CPU work: a "step", one dependent 64-bit multiply-add. The empty asm keeps the
// compiler from folding or vectorising the chain, so n steps really cost n times one step.
#pragma once

#include <cstdint>
#include <ctime>

namespace clab {

inline uint64_t spin_steps(uint64_t x, uint32_t steps) noexcept {
    for (uint32_t i = 0; i < steps; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        asm volatile("" : "+r"(x));
    }
    return x;
}

// This process's CPU clock (what a worker or python3's child has spent so far).
inline int64_t process_cpu_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The calling thread's CPU clock (what it has spent so far, never the time it waited for a core).
inline int64_t thread_cpu_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace clab
