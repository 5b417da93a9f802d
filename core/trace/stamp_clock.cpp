#include "stamp_clock.h"

#include "event.h"

#include <atomic>

namespace clab {

#if defined(__x86_64__)
namespace stamp_clock_detail {

thread_local constinit Anchor t_anchor;

namespace {

// Per core, the first good anchor; process-wide, the rate measured from one core's first anchor
// to its latest, over the longest span so far. Under a spin lock: re-anchoring is rare (once per
// ~1 ms or per move to another core, per recording thread).
constexpr int kCores = 256;
std::atomic_flag g_lock = ATOMIC_FLAG_INIT;
uint64_t g_first_tsc[kCores] = {};
int64_t g_first_ns[kCores] = {};
uint64_t g_mult = 0;
uint64_t g_mult_span = 0; // the span (ticks) the rate was measured over

// A bracket wider than this means the thread was interrupted between the counter reads and the
// clock read: the pairing is not trusted (~0.5 µs at 2 GHz).
constexpr uint64_t kMostBracketTicks = 1000;
constexpr uint64_t kFirstRateTicks = uint64_t(1) << 21; // measure the rate over at least ~1 ms
// calibrate()'s span: ~0.25 ms at 2.1 GHz. Its two pairings are the narrowest of several (a
// bracket of ~60 ticks here, ~15 ns either way), so the rate is off by ~1e-4 at most: ~0.1 µs
// over the ~1 ms a stamp is extrapolated before re-anchoring, within the 1 µs the stamps promise.
constexpr uint64_t kCalibrationTicks = uint64_t(1) << 19;
constexpr int kCalibrationReadings = 8; // per pairing: the narrowest bracket is kept
std::atomic<bool> g_calibrated{false};

// Takes this anchor into the rate; returns the rate to use (0: not known yet).
uint64_t update_rate(int cpu, uint64_t tsc, int64_t ns) noexcept {
    while (g_lock.test_and_set(std::memory_order_acquire)) {
    }
    if (cpu >= 0 && cpu < kCores) {
        if (g_first_tsc[cpu] == 0) {
            g_first_tsc[cpu] = tsc;
            g_first_ns[cpu] = ns;
        } else if (tsc > g_first_tsc[cpu] && ns > g_first_ns[cpu]) {
            const uint64_t span = tsc - g_first_tsc[cpu];
            if (span >= kFirstRateTicks && span >= 2 * g_mult_span) {
                g_mult = uint64_t((uint128(uint64_t(ns - g_first_ns[cpu])) << 32) / span);
                g_mult_span = span;
            }
        }
    }
    const uint64_t mult = g_mult;
    g_lock.clear(std::memory_order_release);
    return mult;
}

// A counter reading paired with a clock reading on core `cpu`: the narrowest of a few brackets
// (false: the thread left the core, or every bracket was interrupted).
bool pair_on(int cpu, uint64_t& tsc, int64_t& ns) noexcept {
    uint64_t narrowest = kMostBracketTicks + 1;
    for (int i = 0; i < kCalibrationReadings; ++i) {
        const uint64_t before = __builtin_ia32_rdtsc();
        const int64_t now = now_ns();
        const uint64_t after = __builtin_ia32_rdtsc();
        if (sched_getcpu() != cpu) return false;
        if (after < before || after - before >= narrowest) continue;
        narrowest = after - before;
        tsc = before + (after - before) / 2;
        ns = now;
    }
    return narrowest <= kMostBracketTicks;
}

} // namespace

void calibrate() noexcept {
    if (g_calibrated.load(std::memory_order_acquire)) return;
    for (int attempt = 0; attempt < 4; ++attempt) {
        const int cpu = sched_getcpu();
        if (cpu < 0 || cpu >= kCores) return; // no per-core anchors: the clock path as before
        uint64_t tsc0 = 0, tsc1 = 0;
        int64_t ns0 = 0, ns1 = 0;
        if (!pair_on(cpu, tsc0, ns0)) continue;
        while (__builtin_ia32_rdtsc() - tsc0 < kCalibrationTicks) {
        }
        if (!pair_on(cpu, tsc1, ns1) || tsc1 <= tsc0 || ns1 <= ns0) continue;
        while (g_lock.test_and_set(std::memory_order_acquire)) {
        }
        if (g_mult_span < tsc1 - tsc0) { // a rate over a longer span is better: keep it
            g_mult = uint64_t((uint128(uint64_t(ns1 - ns0)) << 32) / (tsc1 - tsc0));
            g_mult_span = tsc1 - tsc0;
        }
        if (g_first_tsc[cpu] == 0) { // this core's first anchor: the rate's later refinements start here
            g_first_tsc[cpu] = tsc0;
            g_first_ns[cpu] = ns0;
        }
        g_lock.clear(std::memory_order_release);
        g_calibrated.store(true, std::memory_order_release);
        return;
    }
}

int64_t reanchor(uint16_t& cpu_out) noexcept {
    Anchor& a = this_thread_anchor();
    ++a.reanchors;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const int cpu = sched_getcpu();
        const uint64_t before = __builtin_ia32_rdtsc();
        const int64_t ns = now_ns();
        const uint64_t after = __builtin_ia32_rdtsc();
        if (sched_getcpu() != cpu || after < before || after - before > kMostBracketTicks) continue;
        const uint64_t tsc = before + (after - before) / 2;
        a.tsc = tsc;
        a.ns = ns;
        a.cpu = cpu;
        a.mult = update_rate(cpu, tsc, ns);
        cpu_out = cpu < 0 ? uint16_t(0xFFFF) : uint16_t(cpu);
        const int64_t stamp = ns < a.last ? a.last : ns;
        a.last = stamp;
        return stamp;
    }
    // Interrupted every time: the clock itself, and no anchor (the next call tries again).
    a.mult = 0;
    cpu_out = current_cpu();
    const int64_t ns = now_ns();
    const int64_t stamp = ns < a.last ? a.last : ns;
    a.last = stamp;
    return stamp;
}

} // namespace stamp_clock_detail
#else
int64_t stamp_now_ns(uint16_t& cpu) noexcept {
    cpu = current_cpu();
    return now_ns();
}

int64_t stamp_after_ns(int64_t floor, uint16_t& cpu) noexcept {
    const int64_t ns = stamp_now_ns(cpu);
    return ns > floor ? ns : floor + 1;
}
#endif

} // namespace clab
