// StopSignal: the one wake-up primitive of a run. Stop, the time limit and a workload that gives up
// all request() it once; every wait of an engine ends at once instead of noticing a flag at its
// next polling slice:
//   - a condition-variable wait (the GIL's forced-switch wait, a lock, a pool's queue, a future):
//     keep a StopSignal::Wake for the mutex and condition, and test requested() in the predicate;
//     request() locks that mutex and notifies the condition;
//   - a poll() on descriptors (children's pipes and sentinels, a pipe transfer): add fd(), an
//     eventfd that turns readable at request() and stays so;
//   - a sleep: sleep_until(), a ppoll() on fd() with the deadline as timeout.
// A StopSignal may follow another (a workload's follows its run's): requesting the run's requests
// it too, never the other way round. One-shot: a new run makes a new one.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>

namespace clab {

class StopSignal {
public:
    explicit StopSignal(const StopSignal* follows = nullptr);
    ~StopSignal();
    StopSignal(const StopSignal&) = delete;
    StopSignal& operator=(const StopSignal&) = delete;

    // Sets the flag, makes fd() readable and runs every Wake (once; later calls do nothing).
    // Callable from any thread, also from inside a Wake of a signal this one follows.
    void request() const noexcept;
    bool requested() const noexcept { return flag_.load(std::memory_order_relaxed); }
    // For code that only looks (at its check points): true from request() on.
    const std::atomic<bool>& flag() const noexcept { return flag_; }

    // Readable (POLLIN) from request() on; -1 when no eventfd could be made (then the waits
    // below fall back to 5 ms slices).
    int fd() const noexcept { return fd_; }
    // Sleeps until `deadline_ns` (CLOCK_MONOTONIC); false when the stop came first.
    bool sleep_until(int64_t deadline_ns) const noexcept;

    // While a Wake lives, request() runs its action (at once, on the constructing thread, when the
    // stop came already). Never construct or destroy one while holding the mutex it locks.
    class Wake {
    public:
        Wake(const StopSignal& signal, std::mutex& mutex, std::condition_variable& cond);
        Wake(const StopSignal& signal, std::function<void()> action);
        Wake(const Wake&) = delete;
        Wake& operator=(const Wake&) = delete;

    private:
        std::stop_callback<std::function<void()>> callback_;
    };

private:
    mutable std::atomic<bool> flag_{false};
    mutable std::stop_source source_;
    int fd_ = -1;
    std::optional<Wake> follow_; // requests this one when the followed signal is requested
};

} // namespace clab
