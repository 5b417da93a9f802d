// asyncio.Semaphore (Lib/asyncio/locks.py, 3.12 semantics): a counter and a FIFO of waiting
// futures. release() hands the slot to the first waiter that is still waiting (it decrements the
// counter for it), so wake-ups are strictly first come, first served and nobody can barge in
// between a release and the woken task's next step.
#pragma once

#include "task.h"

#include <deque>
#include <memory>

namespace clab::aio {

class Semaphore {
public:
    explicit Semaphore(EventLoop& loop, int value = 1)
        : loop_(loop)
        , value_(value) {}

    // `async with sem` is `co_await sem.acquire(); ... sem.release();` (or a SemaphoreSlot).
    Coro<void> acquire();
    void release();
    // value == 0, or someone still waiting that was not cancelled.
    bool locked() const;
    int value() const { return value_; }
    size_t waiters() const { return waiters_.size(); }

private:
    bool wake_up_next();

    EventLoop& loop_;
    int value_;
    std::deque<std::shared_ptr<Future<void>>> waiters_;
};

// `async with sem:` — releases when it goes out of scope. Create it after the acquire returned.
class SemaphoreSlot {
public:
    explicit SemaphoreSlot(Semaphore& sem)
        : sem_(&sem) {}
    ~SemaphoreSlot() {
        if (sem_) sem_->release();
    }
    SemaphoreSlot(const SemaphoreSlot&) = delete;
    SemaphoreSlot& operator=(const SemaphoreSlot&) = delete;

private:
    Semaphore* sem_;
};

} // namespace clab::aio
