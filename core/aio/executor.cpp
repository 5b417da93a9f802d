#include "executor.h"

#include "core/trace/recorder.h"

#include <algorithm>

namespace clab::aio {

ThreadPoolExecutor::ThreadPoolExecutor(ExecutorOptions options)
    : options_(std::move(options)) {
    const int cpus = int(std::max(1u, std::thread::hardware_concurrency()));
    max_workers_ = options_.max_workers > 0 ? options_.max_workers : std::min(32, cpus + 4);
}

ThreadPoolExecutor::~ThreadPoolExecutor() {
    shutdown();
}

bool ThreadPoolExecutor::submit(std::function<void(uint32_t)> job, uint64_t job_id) {
    std::lock_guard lock(mutex_);
    if (shutdown_) return false;
    queue_.push_back(Job{std::move(job), job_id});
    // _adjust_thread_count: an idle worker will take it; else start one if we may.
    if (idle_tokens_ > 0) {
        --idle_tokens_;
    } else if (int(threads_.size()) < max_workers_) {
        uint32_t lane = kNoLane;
        if (options_.recorder)
            lane = options_.recorder->add_lane(LaneKind::Executor,
                                               options_.name_prefix + "_" + std::to_string(threads_.size()),
                                               options_.parent_lane);
        threads_.emplace_back([this, lane] { worker_main(lane); });
    }
    cond_.notify_one();
    return true;
}

void ThreadPoolExecutor::worker_main(uint32_t lane) {
    Recorder* rec = options_.recorder;
    if (rec) rec->record(lane, EventKind::WorkerStart);
    std::unique_lock lock(mutex_);
    for (;;) {
        if (rec) rec->record(lane, EventKind::Idle);
        cond_.wait(lock, [this] { return shutdown_ || !queue_.empty(); });
        if (queue_.empty()) break; // shut down and nothing left to do
        Job job = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        if (rec) rec->record(lane, EventKind::Running, job.id);
        job.fn(lane);
        job.fn = nullptr; // release what it captured before we report idle
        lock.lock();
        ++idle_tokens_;
    }
    lock.unlock();
    if (rec) rec->record(lane, EventKind::WorkerExit);
}

void ThreadPoolExecutor::shutdown() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        shutdown_ = true;
        threads.swap(threads_);
    }
    cond_.notify_all();
    for (auto& t : threads)
        t.join();
}

int ThreadPoolExecutor::threads() const {
    std::lock_guard lock(mutex_);
    return int(threads_.size());
}

} // namespace clab::aio
