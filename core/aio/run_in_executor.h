// loop.run_in_executor / asyncio.to_thread: run a blocking function on the default executor's
// threads and get a future for its result. The worker reports back with call_soon_threadsafe,
// which wakes the loop through its eventfd (asyncio: the self-pipe). Recorded: ExecutorSubmit on
// the loop's lane when submitted, ExecutorDone when the result reached the loop.
//
// The function runs on a Python thread of the executor (holding the GIL, when there is one, that
// the loop's thread shares). Like in Python, cancelling the future does not stop the function: it
// runs to its end.
#pragma once

#include "core/threads/thread_pool.h"
#include "task.h"

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>

namespace clab::aio {

namespace detail {
uint64_t next_executor_job_id();
}

// `fn` is called as fn() or fn(thread), `thread` being the worker's PyThread: Python work that
// honours the GIL's drop requests (thread.run_iterations) and blocking calls that release it.
template <typename F> auto run_in_executor(EventLoop& loop, ThreadPoolExecutor& executor, F fn) {
    using R = decltype([] {
        if constexpr (std::is_invocable_v<F, PyThread&>)
            return std::type_identity<std::invoke_result_t<F, PyThread&>>{};
        else
            return std::type_identity<std::invoke_result_t<F>>{};
    }())::type;
    using Stored = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
    struct Outcome {
        std::optional<Stored> value;
        std::exception_ptr error;
    };

    auto future = make_future<R>(loop);
    const uint64_t job = detail::next_executor_job_id();
    loop.record(loop.lane(), EventKind::ExecutorSubmit, job);
    EventLoop* lp = &loop;
    const auto submitted = executor.submit(
        [lp, future, job, fn = std::move(fn)](PyThread& thread) mutable {
            auto outcome = std::make_shared<Outcome>();
            try {
                if constexpr (std::is_void_v<R>) {
                    if constexpr (std::is_invocable_v<F, PyThread&>)
                        fn(thread);
                    else
                        fn();
                    outcome->value.emplace();
                } else {
                    if constexpr (std::is_invocable_v<F, PyThread&>)
                        outcome->value.emplace(fn(thread));
                    else
                        outcome->value.emplace(fn());
                }
            } catch (...) {
                outcome->error = std::current_exception();
            }
            // Both move to the loop's callback: the asyncio future (a loop-thread object) and the
            // error it will hold are released on the loop's thread, never by this worker while the
            // loop reads them (an exception's refcount lives in the unsanitized libstdc++, so
            // ThreadSanitizer saw the worker free what the loop had just read).
            lp->call_soon_threadsafe([lp, future = std::move(future), job, outcome = std::move(outcome)] {
                lp->record(lp->lane(), EventKind::ExecutorDone, job);
                if (future->done()) return; // cancelled meanwhile: the result is dropped
                if (outcome->error) {
                    future->set_exception(outcome->error);
                } else if constexpr (std::is_void_v<R>) {
                    future->set_result();
                } else {
                    future->set_result(std::move(*outcome->value));
                }
            });
        },
        &loop.python_thread()); // the loop's thread starts a worker the way Thread.start() does
    // futures.wrap_future: cancelling the asyncio future cancels the concurrent one, which keeps a
    // still-queued item from ever running (one that already runs goes on to its end).
    future->add_done_callback([weak = std::weak_ptr(future), submitted] {
        const auto f = weak.lock();
        if (f && f->cancelled()) submitted->cancel();
    });
    // Refused (shut down): done at once without ever reaching a worker.
    if (submitted->done() && submitted->worker_lane() == kNoLane)
        future->set_exception(std::make_exception_ptr(std::runtime_error("the executor is shut down")));
    return future;
}

template <typename F> auto run_in_executor(EventLoop& loop, F fn) {
    return run_in_executor(loop, loop.default_executor(), std::move(fn));
}

// asyncio.to_thread(fn): run_in_executor on the running loop's default executor.
template <typename F> auto to_thread(F fn) {
    return run_in_executor(*EventLoop::current(), std::move(fn));
}

} // namespace clab::aio
