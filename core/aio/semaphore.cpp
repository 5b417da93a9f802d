#include "semaphore.h"

#include <algorithm>

namespace clab::aio {

bool Semaphore::locked() const {
    return value_ == 0 ||
           std::any_of(waiters_.begin(), waiters_.end(), [](const auto& w) { return !w->cancelled(); });
}

Coro<void> Semaphore::acquire() {
    if (!locked()) {
        --value_;
        co_return;
    }
    auto fut = make_future<void>(loop_);
    waiters_.push_back(fut);
    bool cancelled = false;
    try {
        co_await fut;
    } catch (const CancelledError&) {
        cancelled = true;
    }
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), fut));
    // Woken (the slot was handed to us) but cancelled before we ran: give the slot back.
    if (cancelled && fut->done() && !fut->cancelled()) ++value_;
    // finally: new waiters may have arrived but had to wait due to FIFO; wake as many as the value
    // allows, on the cancelled path too (Lib/asyncio/locks.py since 3.12; 3.11 wakes one).
    while (value_ > 0)
        if (!wake_up_next()) break;
    if (cancelled) throw CancelledError();
}

void Semaphore::release() {
    ++value_;
    wake_up_next();
}

bool Semaphore::wake_up_next() {
    for (auto& fut : waiters_) {
        if (!fut->done()) {
            --value_;
            fut->set_result();
            return true;
        }
    }
    return false;
}

} // namespace clab::aio
