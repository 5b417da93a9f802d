// Gil: CPython's "new GIL" (Python/ceval_gil.c, 3.2 … 3.12), followed literally so that the
// timeline shows what CPython really does:
//
//   take():  lock; while the GIL is held: remember switch_number, wait on `cond` for one full
//            `interval`; if that wait timed out, the GIL is still held and no switch happened in
//            the meantime, set the drop request on the holder. No FIFO: the OS picks the winner.
//            Once free: take it; if we are not `last_holder`, become it and bump switch_number;
//            wake the forced-switch waiter; clear the drop request.
//   drop():  set last_holder, unlock, signal `cond` once. If a drop request is pending for us
//            (a forced switch), wait on `switch_cond` until another thread has taken the GIL, so
//            the dropper cannot grab it straight back.
//
// The holder polls drop_requested() at its check points (CPython's eval breaker at loop
// back-edges and calls) and then calls drop() + take(). As in CPython 3.11 the drop request is
// one flag per interpreter: only the holder reads it.
//
// Every transition is recorded on the acting thread's lane, stamped inside the critical section
// that makes it (so the acquire/release stamps of different threads can never overlap, and holder
// changes are on the timeline in their true order) and written after leaving it (so recording - a
// thread's first event allocates its buffer, a chunk's first touch faults a page - never
// lengthens the time the GIL's mutex is held: issue 18.7).
#pragma once

#include "core/sync/stop_signal.h"
#include "core/trace/event.h"
#include "core/trace/lane.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace clab {

class Recorder;

class Gil {
public:
    // interval: sys.setswitchinterval in nanoseconds (CPython default 5 ms). `stop` (optional)
    // ends the forced-switch wait at once, so a stopped run can never hang in it.
    Gil(Recorder* recorder, int64_t interval_ns, const StopSignal* stop = nullptr);
    Gil(const Gil&) = delete;
    Gil& operator=(const Gil&) = delete;

    // `lane` identifies the calling thread (its timeline lane; unique per thread).
    void take(uint32_t lane);
    void drop(uint32_t lane, GilReleaseReason reason);

    // The eval breaker's view: cheap, called at every check point by the holder.
    bool drop_requested() const noexcept { return drop_request_.load(std::memory_order_relaxed); }

    int64_t interval_ns() const noexcept { return interval_ns_; }
    uint64_t switch_number() const;
    // Drops on request (reason Interval): the holder had to hand over.
    uint64_t forced_switches() const noexcept { return forced_switches_.load(std::memory_order_relaxed); }
    uint64_t drop_requests() const noexcept { return drop_requests_.load(std::memory_order_relaxed); }

private:
    // An event stamped now, under `mutex_`, later than every stamp taken under it before (so the
    // order of transitions on the timeline is the order they happened in, whatever the cores).
    Event stamp(uint32_t lane, EventKind kind, uint64_t arg = 0) noexcept;
    // Under `switch_mutex_` (the forced wait's own begin and end).
    Event stamp_forced_wait(uint32_t lane, EventKind kind) const noexcept;
    // Written to the recorder, after the critical section.
    void write(const Event& event) noexcept;
    // Writes with `lock`'s mutex let go meanwhile (a waiter, before it looks at the state again).
    void write_outside(std::unique_lock<std::mutex>& lock, const Event& event) noexcept;

    Recorder* recorder_;
    const int64_t interval_ns_;
    const StopSignal* stop_;

    // The GIL itself: `locked` with its mutex and condition (gil->mutex, gil->cond).
    mutable std::mutex mutex_;
    std::condition_variable cond_;
    bool locked_ = false;
    uint32_t holder_ = kNoHolder; // lane of the current holder (for the drop-request event)
    uint64_t switch_number_ = 0;
    int64_t last_stamp_ = 0; // the latest stamp taken under `mutex_`

    // Forced switching (gil->switch_mutex, gil->switch_cond).
    std::mutex switch_mutex_;
    std::condition_variable switch_cond_;
    std::optional<StopSignal::Wake> stop_wake_; // after the two above: destroyed before them

    std::atomic<uint32_t> last_holder_{kNoHolder};
    std::atomic<bool> drop_request_{false};
    std::atomic<uint64_t> forced_switches_{0};
    std::atomic<uint64_t> drop_requests_{0};

    static constexpr uint32_t kNoHolder = 0xFFFFFFFFu;
};

} // namespace clab
