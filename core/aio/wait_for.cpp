#include "wait_for.h"

namespace clab::aio::detail {

Coro<void> cancel_and_wait(std::shared_ptr<FutureBase> future) {
    EventLoop& loop = *EventLoop::current();
    auto waiter = make_future<void>(loop);
    const uint64_t callback = future->add_done_callback([waiter] {
        if (!waiter->done()) waiter->set_result(); // _release_waiter
    });
    struct RemoveOnExit {
        FutureBase& future;
        uint64_t callback;
        ~RemoveOnExit() { future.remove_done_callback(callback); }
    } finally{*future, callback};
    future->cancel();
    co_await waiter;
}

} // namespace clab::aio::detail
