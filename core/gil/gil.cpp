#include "gil.h"

#include "core/trace/recorder.h"

#include <chrono>

namespace clab {

Gil::Gil(Recorder* recorder, int64_t interval_ns, const StopSignal* stop)
    : recorder_(recorder)
    , interval_ns_(interval_ns < 1000 ? 1000 : interval_ns)
    , stop_(stop) {
    if (stop_) stop_wake_.emplace(*stop_, switch_mutex_, switch_cond_);
}

Event Gil::stamp(uint32_t lane, EventKind kind, uint64_t arg) noexcept {
    if (!recorder_) return Event{};
    const Event e = Recorder::stamped_after(last_stamp_, lane, kind, arg);
    last_stamp_ = e.t_ns;
    return e;
}

Event Gil::stamp_forced_wait(uint32_t lane, EventKind kind) const noexcept {
    return recorder_ ? Recorder::stamped(lane, kind) : Event{};
}

void Gil::write(const Event& event) noexcept {
    if (recorder_) recorder_->record_event(event);
}

void Gil::write_outside(std::unique_lock<std::mutex>& lock, const Event& event) noexcept {
    if (!recorder_) return;
    lock.unlock();
    recorder_->record_event(event);
    lock.lock();
}

uint64_t Gil::switch_number() const {
    std::lock_guard lock(mutex_);
    return switch_number_;
}

// Each transition is stamped where CPython changes the state (under the GIL's mutex, or the switch
// mutex for the forced wait) and written after that mutex is left: for a wait the mutex is let go
// for the write and taken again before the state is looked at anew (what a wait on the condition
// does too), so a wait shows on the live timeline while it lasts.
void Gil::take(uint32_t lane) {
    std::unique_lock lock(mutex_);
    bool waited = false;
    int64_t wait_begin_ns = 0;
    while (locked_) {
        if (!waited) {
            waited = true;
            const Event wait = stamp(lane, EventKind::GilWaitBegin);
            wait_begin_ns = wait.t_ns;
            write_outside(lock, wait);
            continue; // the holder may have dropped meanwhile
        }
        const uint64_t saved_switch_number = switch_number_;
        const bool timed_out =
            cond_.wait_for(lock, std::chrono::nanoseconds(interval_ns_)) == std::cv_status::timeout;
        // A full interval passed and nobody switched in the meantime: ask the holder to drop.
        // If another thread got the GIL meanwhile, the next round waits a fresh full interval.
        if (timed_out && locked_ && switch_number_ == saved_switch_number) {
            drop_request_.store(true, std::memory_order_relaxed);
            drop_requests_.fetch_add(1, std::memory_order_relaxed);
            write_outside(lock, stamp(lane, EventKind::GilDropRequest, holder_));
        }
    }
    {
        std::lock_guard switch_lock(switch_mutex_);
        locked_ = true;
        holder_ = lane;
        if (last_holder_.load(std::memory_order_relaxed) != lane) {
            last_holder_.store(lane, std::memory_order_relaxed);
            ++switch_number_;
        }
        switch_cond_.notify_one(); // the forced-switch waiter may go on
    }
    // The request (if any) was for the previous holder; it has been served.
    drop_request_.store(false, std::memory_order_relaxed);
    Event acquired = stamp(lane, EventKind::GilAcquired);
    lock.unlock();
    if (waited) acquired.arg = uint64_t(acquired.t_ns - wait_begin_ns);
    write(acquired);
}

void Gil::drop(uint32_t lane, GilReleaseReason reason) {
    last_holder_.store(lane, std::memory_order_relaxed);
    Event release;
    {
        std::lock_guard lock(mutex_);
        release = stamp(lane, EventKind::GilRelease, uint64_t(reason));
        locked_ = false;
        holder_ = kNoHolder;
        cond_.notify_one();
    }
    write(release);
    // A drop on request is a forced switch, whether or not the taker beats us to the check below.
    if (reason == GilReleaseReason::Interval) forced_switches_.fetch_add(1, std::memory_order_relaxed);
    if (reason == GilReleaseReason::Exit || !drop_request_.load(std::memory_order_relaxed)) return;

    // Forced switching: we were asked to drop. Wait until another thread has taken the GIL.
    std::unique_lock switch_lock(switch_mutex_);
    if (last_holder_.load(std::memory_order_relaxed) != lane) return;
    drop_request_.store(false, std::memory_order_relaxed);
    write_outside(switch_lock, stamp_forced_wait(lane, EventKind::GilForcedWaitBegin));
    // CPython waits once, untimed. So do we (unless a taker came while we wrote), but a stopped
    // run (whose requester may have given up) wakes us through the stop signal.
    switch_cond_.wait(switch_lock, [&] {
        return last_holder_.load(std::memory_order_relaxed) != lane || (stop_ && stop_->requested());
    });
    const Event end = stamp_forced_wait(lane, EventKind::GilForcedWaitEnd);
    switch_lock.unlock();
    write(end);
}

} // namespace clab
