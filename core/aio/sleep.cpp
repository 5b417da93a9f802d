#include "sleep.h"

namespace clab::aio {

Coro<void> sleep_ns(int64_t delay_ns) {
    if (delay_ns <= 0) {
        co_await yield_now();
        co_return;
    }
    EventLoop& loop = *EventLoop::current();
    const PyObjects held = loop.python_objects(objects::kSleep); // until it wakes
    auto future = make_future<void>(loop);
    TimerHandle timer = loop.call_later(delay_ns, [future] {
        if (!future->done()) future->set_result(); // _set_result_unless_cancelled
    });
    // The timer must not outlive the sleep, whatever ends it (a cancel is thrown at the await).
    struct CancelOnExit {
        TimerHandle& timer;
        ~CancelOnExit() { timer.cancel(); }
    } finally{timer};
    co_await future;
}

} // namespace clab::aio
