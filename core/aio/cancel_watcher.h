// Turns the Runner's cancel flag into a call on the loop's thread. The loop may be blocked in
// epoll with nothing due for seconds, so something has to wake it: a small thread polls the flag
// (every 5 ms) and, once set, posts `on_cancel` with call_soon_threadsafe. Joined on destruction.
#pragma once

#include "event_loop.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace clab::aio {

class CancelWatcher {
public:
    CancelWatcher(EventLoop& loop, const std::atomic<bool>& cancel, std::function<void()> on_cancel)
        : thread_([this, &loop, &cancel, on_cancel = std::move(on_cancel)]() mutable {
            std::unique_lock lock(mutex_);
            while (!done_) {
                if (cancel.load()) {
                    loop.call_soon_threadsafe(std::move(on_cancel));
                    return;
                }
                cond_.wait_for(lock, std::chrono::milliseconds(5));
            }
        }) {}
    ~CancelWatcher() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        cond_.notify_all();
        thread_.join();
    }
    CancelWatcher(const CancelWatcher&) = delete;
    CancelWatcher& operator=(const CancelWatcher&) = delete;

private:
    std::mutex mutex_;
    std::condition_variable cond_;
    bool done_ = false;
    std::thread thread_; // last: starts after the members it uses exist
};

} // namespace clab::aio
