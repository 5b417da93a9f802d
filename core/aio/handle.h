// Handle: one scheduled callback, like asyncio.Handle / TimerHandle. The loop keeps a shared
// reference while the callback waits in the ready queue or the timer heap, so cancel() is safe
// at any time: a cancelled handle is skipped when its turn comes (and a cancelled timer is
// dropped from the heap, phase 1 of run_once).
#pragma once

#include "core/trace/event.h"
#include "python_gc.h"

#include <cstdint>
#include <functional>
#include <memory>

namespace clab::aio {

class EventLoop;

struct HandleState {
    std::function<void()> fn;
    CallbackKind kind = CallbackKind::Other;
    bool cancelled = false;
    // Timers only:
    bool timer = false;
    int64_t when_ns = 0;
    bool in_heap = false;      // counted by the loop's cancelled-timer bookkeeping
    EventLoop* loop = nullptr; // to tell it a heap entry became garbage
    PyObjects python_objects;  // CPython's Handle and its context (python_gc.h)
};

class Handle {
public:
    Handle() = default;
    explicit Handle(std::shared_ptr<HandleState> state)
        : state_(std::move(state)) {}
    void cancel(); // idempotent; drops the callback (and what it captured) at once
    bool cancelled() const { return !state_ || state_->cancelled; }
    int64_t when_ns() const { return state_ ? state_->when_ns : 0; }
    explicit operator bool() const { return bool(state_); }

private:
    std::shared_ptr<HandleState> state_;
};

using TimerHandle = Handle;

} // namespace clab::aio
