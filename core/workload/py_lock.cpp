#include "py_lock.h"

#include "core/trace/recorder.h"

#include <algorithm>
#include <chrono>

namespace clab {

bool PyLock::try_acquire(uint32_t lane) {
    uint32_t expected = kNoLane;
    return owner_.compare_exchange_strong(expected, lane, std::memory_order_acquire);
}

bool PyLock::acquire(PyThread& thread) {
    if (try_acquire(thread.lane())) return true; // uncontended: keeps the GIL, records nothing

    thread.leave(GilReleaseReason::Lock);
    Recorder& recorder = thread.recorder();
    recorder.record(thread.lane(), EventKind::LockWaitBegin, id_);
    if (table_) table_->set_waiting(thread.lane(), id_);
    bool acquired = false;
    {
        const StopSignal::Wake wake(thread.stop_signal(), mutex_, cond_); // Stop ends the wait
        std::unique_lock lock(mutex_);
        ++waiters_;
        while (!(acquired = try_acquire(thread.lane())) && !thread.stopping())
            cond_.wait(lock);
        --waiters_;
    }
    if (table_) table_->set_waiting(thread.lane(), kNoLane);
    if (acquired) recorder.record(thread.lane(), EventKind::LockAcquired, id_);
    thread.enter();
    return acquired;
}

void PyLock::release(PyThread& thread) {
    owner_.store(kNoLane, std::memory_order_release);
    std::lock_guard lock(mutex_);
    if (waiters_ > 0) {
        // Only hand-offs are recorded: an uncontended release says nothing the timeline needs.
        thread.recorder().record(thread.lane(), EventKind::LockRelease, id_);
        cond_.notify_one();
    }
}

LockTable::LockTable(size_t locks, size_t max_lanes)
    : waiting_for_(max_lanes) {
    for (auto& w : waiting_for_)
        w.store(kNoLane, std::memory_order_relaxed);
    for (size_t i = 0; i < locks; ++i)
        locks_.push_back(std::make_unique<PyLock>(uint32_t(i), this));
}

void LockTable::set_waiting(uint32_t lane, uint32_t lock_id) {
    if (lane < waiting_for_.size()) waiting_for_[lane].store(lock_id, std::memory_order_release);
}

std::vector<uint32_t> LockTable::find_cycle() const {
    for (uint32_t start = 0; start < waiting_for_.size(); ++start) {
        std::vector<uint32_t> path;
        uint32_t lane = start;
        while (lane < waiting_for_.size() && path.size() <= waiting_for_.size()) {
            const uint32_t lock_id = waiting_for_[lane].load(std::memory_order_acquire);
            if (lock_id == kNoLane || lock_id >= locks_.size()) break;
            path.push_back(lane);
            lane = locks_[lock_id]->owner();
            if (lane == start) return path;
            if (std::find(path.begin(), path.end(), lane) != path.end()) break; // a cycle not through start
        }
    }
    return {};
}

DeadlockWatchdog::DeadlockWatchdog(const LockTable& table, Recorder& recorder,
                                   const std::atomic<bool>& cancel)
    : table_(table)
    , recorder_(recorder)
    , cancel_(cancel)
    , thread_([this] { loop(); }) {}

DeadlockWatchdog::~DeadlockWatchdog() {
    stop();
}

void DeadlockWatchdog::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cond_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void DeadlockWatchdog::loop() {
    std::vector<uint32_t> previous;
    std::unique_lock lock(mutex_);
    while (!stop_ && !cancel_.load(std::memory_order_relaxed)) {
        cond_.wait_for(lock, std::chrono::milliseconds(20));
        if (stop_ || detected_.load(std::memory_order_relaxed)) continue;
        std::vector<uint32_t> cycle = table_.find_cycle();
        std::sort(cycle.begin(), cycle.end());
        if (!cycle.empty() && cycle == previous) {
            for (const uint32_t lane : cycle)
                recorder_.record(lane, EventKind::DeadlockDetected, cycle.size());
            detected_.store(true, std::memory_order_release);
        }
        previous = std::move(cycle);
    }
}

} // namespace clab
