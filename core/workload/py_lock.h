// PyLock: threading.Lock. acquire() first tries without blocking (keeping the GIL, as CPython's
// lock_PyThread_acquire_lock does); when the lock is taken it releases the GIL
// (GilRelease reason Lock), records LockWaitBegin, waits, records LockAcquired and takes the GIL
// back. The thread's stop signal ends a wait at once (a deadlock must be stoppable).
//
// LockTable: every PyLock of a run plus who waits for which, so DeadlockWatchdog can look for a
// wait-for cycle (thread -> lock it waits for -> the lock's owner -> ...).
#pragma once

#include "core/trace/lane.h"
#include "python_thread.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace clab {

class LockTable;

class PyLock {
public:
    PyLock(uint32_t id, LockTable* table)
        : id_(id)
        , table_(table) {}
    uint32_t id() const { return id_; }

    // Returns false if the run was stopped while waiting (the lock is then not held).
    bool acquire(PyThread& thread);
    void release(PyThread& thread);
    uint32_t owner() const { return owner_.load(std::memory_order_acquire); }

private:
    bool try_acquire(uint32_t lane);

    const uint32_t id_;
    LockTable* table_;
    std::mutex mutex_;
    std::condition_variable cond_;
    std::atomic<uint32_t> owner_{kNoLane};
    int waiters_ = 0; // under mutex_
};

class LockTable {
public:
    explicit LockTable(size_t locks, size_t max_lanes);
    PyLock& lock(size_t i) { return *locks_[i]; }
    size_t size() const { return locks_.size(); }

    // Wait-for bookkeeping (lane -> lock id it waits for, or kNoLane).
    void set_waiting(uint32_t lane, uint32_t lock_id);
    // The lanes of a wait-for cycle, empty if there is none right now.
    std::vector<uint32_t> find_cycle() const;

private:
    std::vector<std::unique_ptr<PyLock>> locks_;
    std::vector<std::atomic<uint32_t>> waiting_for_; // index: lane
};

// Looks for a wait-for cycle every 20 ms. When the same cycle is seen twice in a row (a real
// deadlock does not go away), records DeadlockDetected on every lane of the cycle (arg: cycle
// length) and sets detected(). The run stays deadlocked, exactly like Python: Stop or the run's
// timeout ends it.
class DeadlockWatchdog {
public:
    DeadlockWatchdog(const LockTable& table, Recorder& recorder, const std::atomic<bool>& cancel);
    ~DeadlockWatchdog(); // stops and joins
    void stop();
    bool detected() const { return detected_.load(std::memory_order_acquire); }
    const std::atomic<bool>& detected_flag() const { return detected_; }

private:
    void loop();

    const LockTable& table_;
    Recorder& recorder_;
    const std::atomic<bool>& cancel_;
    std::atomic<bool> detected_{false};
    std::mutex mutex_;
    std::condition_variable cond_;
    bool stop_ = false;
    std::thread thread_;
};

} // namespace clab
