#include "thread_pool.h"

#include "core/trace/recorder.h"
#include "thread_start.h"

#include <algorithm>
#include <chrono>

namespace clab {

bool WorkFuture::wait(const StopSignal& stop) {
    const StopSignal::Wake wake(stop, mutex_, cond_);
    std::unique_lock lock(mutex_);
    cond_.wait(lock, [&] { return done_ || stop.requested(); });
    return done_ && ran_;
}

bool WorkFuture::done() const {
    std::lock_guard lock(mutex_);
    return done_;
}

bool WorkFuture::cancel() {
    {
        std::lock_guard lock(mutex_);
        if (running_ || done_) return cancelled_;
        cancelled_ = done_ = true;
        ran_ = false;
        finished_ns_ = now_ns();
    }
    cond_.notify_all();
    return true;
}

bool WorkFuture::cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
}

bool WorkFuture::set_running_or_notify_cancel() {
    std::lock_guard lock(mutex_);
    if (cancelled_) return false;
    running_ = true;
    return true;
}

uint32_t WorkFuture::worker_lane() const {
    std::lock_guard lock(mutex_);
    return lane_;
}

int64_t WorkFuture::finished_ns() const {
    std::lock_guard lock(mutex_);
    return finished_ns_;
}

void WorkFuture::finish(bool ran, uint32_t lane) {
    {
        std::lock_guard lock(mutex_);
        if (cancelled_) return; // stays cancelled
        done_ = true;
        ran_ = ran;
        lane_ = lane;
        finished_ns_ = now_ns();
    }
    cond_.notify_all();
}

int ThreadPoolExecutor::default_max_workers() {
    const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    return int(std::min(32u, cpus + 4));
}

ThreadPoolExecutor::ThreadPoolExecutor(Recorder& recorder, const StopSignal& stop, Options options)
    : recorder_(recorder)
    , stop_(stop)
    , options_(std::move(options))
    , max_workers_(options_.max_workers > 0 ? options_.max_workers : default_max_workers()) {}

ThreadPoolExecutor::~ThreadPoolExecutor() {
    shutdown();
}

std::shared_ptr<WorkFuture> ThreadPoolExecutor::submit(Work work, PyThread* caller) {
    auto future = std::make_shared<WorkFuture>();
    // `with self._shutdown_lock:` for the whole submit, thread start included. Taken as a Python
    // lock is: a caller that must wait for it waits without the GIL (the holder may be waiting
    // for a new thread that needs the GIL to start).
    std::unique_lock shutdown_lock(shutdown_mutex_, std::try_to_lock);
    if (!shutdown_lock.owns_lock()) {
        const bool held = caller && caller->holds_gil();
        if (held) caller->begin_blocking(IoKind::Join);
        shutdown_lock.lock();
        if (held) caller->end_blocking();
    }
    {
        std::lock_guard lock(mutex_);
        if (shutdown_) {
            future->finish(false, kNoLane);
            return future;
        }
        queue_.push_back({std::move(work), future});
    }
    cond_.notify_one();
    adjust_thread_count(caller);
    return future;
}

void ThreadPoolExecutor::adjust_thread_count(PyThread* caller) {
    uint32_t lane = 0;
    {
        std::lock_guard lock(mutex_);
        // "if idle threads are available, don't spin new threads"
        if (idle_semaphore_ > 0) {
            --idle_semaphore_;
            return;
        }
        const int num_threads = int(threads_.size());
        if (num_threads >= max_workers_) return;
        const std::string name = options_.name_prefix + "_" + std::to_string(num_threads);
        lane = recorder_.add_lane(options_.lane_kind, name, options_.parent_lane);
    }
    Gil* gil = options_.gil_for_thread ? options_.gil_for_thread() : nullptr;
    // t.start(): waits, without the GIL, until the worker runs Python.
    std::thread thread =
        start_thread(caller, [this, lane, gil](StartedEvent& started) { worker(lane, gil, started); });
    std::lock_guard lock(mutex_);
    lanes_.push_back(lane);
    threads_.push_back(std::move(thread));
}

void ThreadPoolExecutor::worker(uint32_t lane, Gil* gil, StartedEvent& started) {
    PyThread thread(recorder_, lane, gil, stop_);
    recorder_.record(lane, EventKind::WorkerStart);
    thread.enter();
    started.set();
    std::unique_lock lock(mutex_);
    for (;;) {
        if (queue_.empty() && !shutdown_ && !thread.stopping()) {
            // work_queue.get(block=True): waits without the GIL.
            lock.unlock();
            thread.leave(GilReleaseReason::Io);
            recorder_.record(lane, EventKind::Idle);
            lock.lock();
            cond_.wait(lock, [&] { return !queue_.empty() || shutdown_ || thread.stopping(); });
        }
        if (queue_.empty() || thread.stopping()) break;
        Item item = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        // _WorkItem.run(): a future cancelled while it waited in the queue is skipped.
        if (!item.future->set_running_or_notify_cancel()) {
            item = {};
            lock.lock();
            ++idle_semaphore_;
            continue;
        }
        if (!thread.holds_gil()) thread.enter();
        bool ran = true;
        try {
            item.work(thread);
        } catch (...) {
            // The callers wrap their work and keep the error themselves (run_in_executor stores
            // it in its future); this only keeps a stray exception from ending the program.
            ran = false;
        }
        item.future->finish(ran && !thread.stopping(), lane);
        item = {};
        lock.lock();
        ++idle_semaphore_;
    }
    // Whatever is still queued when the run stops will never run.
    while (!queue_.empty()) {
        queue_.front().future->finish(false, kNoLane);
        queue_.pop_front();
    }
    lock.unlock();
    thread.leave(GilReleaseReason::Exit);
    recorder_.record(lane, EventKind::WorkerExit);
}

void ThreadPoolExecutor::shutdown() {
    std::vector<std::thread> threads;
    {
        std::lock_guard shutdown_lock(shutdown_mutex_);
        std::lock_guard lock(mutex_);
        shutdown_ = true;
        threads.swap(threads_);
    }
    cond_.notify_all();
    for (auto& t : threads)
        t.join();
}

size_t ThreadPoolExecutor::threads_created() const {
    std::lock_guard lock(mutex_);
    return lanes_.size();
}

std::vector<uint32_t> ThreadPoolExecutor::worker_lanes() const {
    std::lock_guard lock(mutex_);
    return lanes_;
}

} // namespace clab
