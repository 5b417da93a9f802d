// StampClock: the recorder's time stamps, on the CLOCK_MONOTONIC axis within a microsecond, for a
// fraction of what clock_gettime costs (28 ns here, under a hypervisor's kvm-clock).
//
// The time-stamp counter (rdtsc, ~11 ns) is read and converted. Each core's counter may be offset
// from the others' (by microseconds between the virtual CPUs of this machine), so each thread keeps
// an anchor for the core it runs on: one clock_gettime reading bracketed by two counter reads on
// that core. It re-anchors when it finds itself on another core (sched_getcpu, which glibc reads
// from the rseq area: ~1.5 ns), and at least every ~1 ms of ticks. Between anchors, ticks become
// nanoseconds at a rate measured from two anchors of one core, the first and the latest (the
// longer the span, the better); until that span reaches ~1 ms every call reads clock_gettime,
// unless calibrate_stamp_clock() measured the rate already (a Recorder does when it is created).
// Per thread, stamps never go backwards.
//
// Not x86-64: clock_gettime every time.
#pragma once

#include <cstdint>
#include <sched.h>

namespace clab {

// Nanoseconds on the CLOCK_MONOTONIC axis (now_ns()'s), for event stamps; `cpu` receives the core
// the stamp was taken on (sched_getcpu; 0xFFFF when unknown).
int64_t stamp_now_ns(uint16_t& cpu) noexcept;
inline int64_t stamp_now_ns() noexcept {
    uint16_t cpu = 0;
    return stamp_now_ns(cpu);
}

// A stamp later than `floor`: for an event known to come after one another thread stamped `floor`
// (both stamped under one mutex, so their true order is known). Two cores' anchors may disagree by
// up to the clock's error (a few hundred ns here), more than a hand-over under a mutex can take:
// such a stamp is raised to floor + 1 ns (still within the error of the true time, which is after
// the floor's), and this thread's later stamps do not go below it.
int64_t stamp_after_ns(int64_t floor, uint16_t& cpu) noexcept;

namespace stamp_clock_detail {
#if defined(__x86_64__)
__extension__ typedef unsigned __int128 uint128; // the tick-to-ns product needs 96 bits
struct Anchor {
    uint64_t tsc = 0;
    int64_t ns = 0;
    uint64_t mult = 0;      // ns per tick, 32.32 fixed point (0: not known yet)
    int cpu = -1;           // the core whose counter `tsc` was read on
    int64_t last = 0;       // the last stamp given out on this thread (never go backwards)
    uint64_t reanchors = 0; // on this thread so far (tests: how often the slow path ran)
};
// constinit: no dynamic initialisation, so callers in other files reach the variable directly instead
// of through a TLS wrapper function (one branch less on the hot path).
extern thread_local constinit Anchor t_anchor;
// This thread's anchor. GCC's UBSan checks t_anchor's address for null with the flags of the `add`
// that computes it from %fs; the linker relaxes that `add` into a `lea`, which sets no flags, so the
// check read stale ones and reported "member access within null pointer of type 'struct Anchor'" on
// the first event of a run (ASan+UBSan build, issue 19; no_sanitize("null") does not stop it). In
// sanitizer builds the address goes through an empty asm, so the check tests a register.
inline Anchor& this_thread_anchor() noexcept {
    Anchor* a = &t_anchor;
#if defined(__SANITIZE_ADDRESS__)
    asm("" : "+r"(a));
#endif
    return *a;
}
inline constexpr uint64_t kReanchorTicks = uint64_t(1) << 21; // ~1 ms at 2 GHz
int64_t reanchor(uint16_t& cpu) noexcept;
void calibrate() noexcept;
#endif
} // namespace stamp_clock_detail

// Measures the counter's rate now, once per process (~0.25 ms of the calling thread's time; later
// calls return at once), so that a run's first stamps are as cheap as the later ones: without
// it, every stamp reads clock_gettime until the re-anchors of one core span ~1 ms (the first
// ~50,000 events of a fresh process cost 28-30 ns instead of ~15). A Recorder calls it when it
// is created. Not x86-64: nothing to do.
inline void calibrate_stamp_clock() noexcept {
#if defined(__x86_64__)
    stamp_clock_detail::calibrate();
#endif
}

#if defined(__x86_64__)
inline int64_t stamp_now_ns(uint16_t& cpu) noexcept {
    using namespace stamp_clock_detail;
    const int before = sched_getcpu();
    const uint64_t tsc = __builtin_ia32_rdtsc();
    const int after = sched_getcpu();
    Anchor& a = this_thread_anchor();
    const uint64_t ticks = tsc - a.tsc;
    if (before != a.cpu || after != before || ticks >= kReanchorTicks || a.mult == 0) [[unlikely]]
        return reanchor(cpu);
    cpu = uint16_t(before);
    int64_t ns = a.ns + int64_t(uint128(ticks) * a.mult >> 32);
    if (ns < a.last) [[unlikely]]
        ns = a.last;
    a.last = ns;
    return ns;
}

inline int64_t stamp_after_ns(int64_t floor, uint16_t& cpu) noexcept {
    const int64_t ns = stamp_now_ns(cpu);
    if (ns > floor) [[likely]]
        return ns;
    stamp_clock_detail::this_thread_anchor().last = floor + 1;
    return floor + 1;
}
#endif

} // namespace clab
