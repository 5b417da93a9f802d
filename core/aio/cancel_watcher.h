// Turns the run's stop into a call on the loop's thread. The loop may be blocked in epoll with
// nothing due for seconds, so the stop itself posts `on_cancel` with call_soon_threadsafe (whose
// eventfd wakes the loop): no thread, no polling.
#pragma once

#include "core/sync/stop_signal.h"
#include "event_loop.h"

#include <functional>

namespace clab::aio {

class CancelWatcher {
public:
    CancelWatcher(EventLoop& loop, const StopSignal& stop, std::function<void()> on_cancel)
        : wake_(stop, [&loop, on_cancel = std::move(on_cancel)] { loop.call_soon_threadsafe(on_cancel); }) {}
    CancelWatcher(const CancelWatcher&) = delete;
    CancelWatcher& operator=(const CancelWatcher&) = delete;

private:
    StopSignal::Wake wake_;
};

} // namespace clab::aio
