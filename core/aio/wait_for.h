// asyncio.wait_for (Python 3.11, Lib/asyncio/tasks.py): wait for `future` at most `timeout_s`.
// On timeout the future is cancelled, we wait until it has really finished cancelling, then
// raise TimeoutError. If the waiting task itself is cancelled, the future is cancelled too.
#pragma once

#include "task.h"

namespace clab::aio {

namespace detail {
// Cancel `future` and wait until it is done (asyncio's _cancel_and_wait).
Coro<void> cancel_and_wait(std::shared_ptr<FutureBase> future);
} // namespace detail

template <typename F>
auto wait_for(std::shared_ptr<F> future, double timeout_s) -> Coro<decltype(future->result())> {
    EventLoop& loop = *EventLoop::current();
    if (future->done()) co_return future->result();
    if (timeout_s <= 0) {
        co_await detail::cancel_and_wait(future);
        if (!future->cancelled()) co_return future->result(); // it finished despite the cancel
        throw TimeoutError();
    }
    auto waiter = make_future<void>(loop);
    auto release = [waiter] {
        if (!waiter->done()) waiter->set_result(); // _release_waiter
    };
    TimerHandle timer = loop.call_later(int64_t(timeout_s * 1e9), release);
    const uint64_t callback = future->add_done_callback(release);

    bool outer_cancelled = false;
    try {
        co_await waiter;
    } catch (const CancelledError&) {
        outer_cancelled = true;
    }
    timer.cancel();
    if (outer_cancelled) {
        if (future->done()) co_return future->result();
        future->remove_done_callback(callback);
        co_await detail::cancel_and_wait(future);
        throw CancelledError();
    }
    if (future->done()) co_return future->result();
    future->remove_done_callback(callback);
    co_await detail::cancel_and_wait(future);
    if (!future->cancelled()) co_return future->result();
    throw TimeoutError();
}

} // namespace clab::aio
