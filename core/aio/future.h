// Future: asyncio.Future. A result (or an exception, or "cancelled") that is not there yet.
// Completing a future never runs its done callbacks directly: each goes to the loop's ready queue
// with call_soon, so waking a waiting task always costs a trip through the queue (asyncio's rule,
// Lib/asyncio/futures.py __schedule_callbacks).
//
// Futures belong to one loop and are touched only on its thread. They are shared (std::shared_ptr)
// because a future is held by whoever awaits it, whoever completes it and the loop.
#pragma once

#include "errors.h"
#include "event_loop.h"

#include <coroutine>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <variant>
#include <vector>

namespace clab::aio {

class TaskCore;

class FutureBase : public std::enable_shared_from_this<FutureBase> {
public:
    enum class State : uint8_t { Pending, Cancelled, Finished };

    explicit FutureBase(EventLoop& loop)
        : loop_(&loop) {}
    virtual ~FutureBase() = default;
    FutureBase(const FutureBase&) = delete;
    FutureBase& operator=(const FutureBase&) = delete;

    EventLoop& loop() const { return *loop_; }
    bool done() const { return state_ != State::Pending; }
    bool cancelled() const { return state_ == State::Cancelled; }

    // Future.cancel(): false if already done; else cancelled, callbacks scheduled. Tasks override.
    virtual bool cancel();
    void set_exception(std::exception_ptr error);
    // The exception (nullptr if it finished with a result). Throws CancelledError if cancelled,
    // InvalidStateError if still pending: like asyncio.
    std::exception_ptr exception() const;

    // Scheduled with call_soon when the future is done (at once if it already is). Returns an id
    // for remove_done_callback.
    uint64_t add_done_callback(std::function<void()> fn, CallbackKind kind = CallbackKind::FutureDone);
    bool remove_done_callback(uint64_t id);
    // A task waits here: its step is the callback (asyncio: task.__wakeup).
    uint64_t add_task_wakeup(TaskCore* task);

protected:
    void finish(State state);     // set the state, schedule every callback
    void raise_if_not_ok() const; // CancelledError / InvalidStateError / the stored exception
    void require_pending(const char* what) const;

private:
    struct DoneCallback {
        uint64_t id;
        TaskCore* task; // a task wake-up, or
        std::function<void()> fn;
        CallbackKind kind;
    };
    EventLoop* loop_;
    State state_ = State::Pending;
    std::exception_ptr error_;
    std::vector<DoneCallback> callbacks_;
    uint64_t next_callback_id_ = 1;
};

template <typename T> class Future : public FutureBase {
public:
    using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
    explicit Future(EventLoop& loop)
        : FutureBase(loop) {}

    template <typename U = T>
    requires(!std::is_void_v<U>) void set_result(U value) {
        require_pending("set_result");
        value_.emplace(std::move(value));
        finish(State::Finished);
    }
    void set_result() requires std::is_void_v<T> {
        require_pending("set_result");
        value_.emplace();
        finish(State::Finished);
    }

    // The result; throws the stored exception, CancelledError, or InvalidStateError (pending).
    T result() const {
        raise_if_not_ok();
        if constexpr (!std::is_void_v<T>) return *value_;
    }
    // Moves the result out (for the one awaiter that consumes it).
    T take_result() {
        raise_if_not_ok();
        if constexpr (!std::is_void_v<T>) return std::move(*value_);
    }

private:
    std::optional<Stored> value_;
};

template <typename T> std::shared_ptr<Future<T>> make_future(EventLoop& loop) {
    return std::make_shared<Future<T>>(loop);
}

// --- awaiting a future from a task ---------------------------------------------------------------

// Implemented in task.cpp: the task now running on this thread (asyncio.current_task()).
TaskCore* current_task() noexcept;

namespace detail {
void suspend_on(FutureBase& future); // the current task waits for `future`
void check_must_cancel();            // throws CancelledError if the task was cancelled meanwhile
} // namespace detail

// `co_await future`: if it is already done, no suspension at all (asyncio: `if not self.done():
// yield self`); else the task registers its wake-up and suspends.
template <typename F> struct FutureAwaiter {
    std::shared_ptr<F> future;
    bool suspended = false;
    bool await_ready() const noexcept { return future->done(); }
    void await_suspend(std::coroutine_handle<>) {
        suspended = true;
        detail::suspend_on(*future);
    }
    auto await_resume() {
        // A cancel() that arrived while we were suspended is thrown in here, at the await, as
        // Task.__step throws it into the coroutine (only when we really yielded).
        if (suspended) detail::check_must_cancel();
        return future->result();
    }
};

template <typename F>
requires std::is_base_of_v<FutureBase, F> FutureAwaiter<F>
operator co_await(std::shared_ptr<F> future) {
    return FutureAwaiter<F>{std::move(future)};
}

} // namespace clab::aio
