// ThreadPoolExecutor as concurrent.futures has it, for loop.run_in_executor / asyncio.to_thread:
// an unbounded FIFO work queue; at most max_workers threads (default min(32, cpus + 4)), created
// lazily: a submit starts a new thread only when no worker is idle. Each worker has its own
// timeline lane ("asyncio_0", ...): Idle while it waits for work, Running while it runs a job.
// The destructor shuts down and joins (no thread outlives the executor).
#pragma once

#include "core/trace/lane.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace clab {
class Recorder;
}

namespace clab::aio {

struct ExecutorOptions {
    int max_workers = 0; // 0: min(32, cpus + 4)
    Recorder* recorder = nullptr;
    uint32_t parent_lane = kNoLane;
    std::string name_prefix = "asyncio"; // asyncio's default executor names its threads asyncio_N
};

class ThreadPoolExecutor {
public:
    explicit ThreadPoolExecutor(ExecutorOptions options = {});
    ~ThreadPoolExecutor(); // shutdown()
    ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
    ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

    // Queues `job` (FIFO). `job` gets the worker's lane (kNoLane when not recording). Returns
    // false after shutdown.
    bool submit(std::function<void(uint32_t worker_lane)> job, uint64_t job_id = 0);
    // Runs what is queued, then joins every worker (shutdown(wait=True)). Idempotent.
    void shutdown();
    int threads() const;
    int max_workers() const { return max_workers_; }

private:
    struct Job {
        std::function<void(uint32_t)> fn;
        uint64_t id;
    };
    void worker_main(uint32_t lane);

    ExecutorOptions options_;
    int max_workers_;
    mutable std::mutex mutex_;
    std::condition_variable cond_;
    std::deque<Job> queue_;
    std::vector<std::thread> threads_;
    int idle_tokens_ = 0; // concurrent.futures' _idle_semaphore
    bool shutdown_ = false;
};

} // namespace clab::aio
