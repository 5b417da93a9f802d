// ThreadPoolExecutor, as in Lib/concurrent/futures/thread.py:
//  - one unbounded FIFO work queue shared by every worker;
//  - workers are created lazily: each submit() first tries the idle semaphore (a worker that
//    finished an item and is free); only if none is idle and fewer than max_workers exist does it
//    start a new thread ("ThreadPoolExecutor-0_N");
//  - max_workers defaults to min(32, cpus + 4);
//  - shutdown() lets the workers drain the queue, then joins them (the destructor does too).
// Workers are PyThreads: they hold the GIL while they run an item and release it while they wait
// for work (lane state Idle).
//
// Both the thread-pool engine (executor.map) and asyncio's default executor (loop.run_in_executor,
// asyncio.to_thread) use this one class, as CPython's asyncio uses concurrent.futures'.
#pragma once

#include "core/workload/python_thread.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace clab {

class Recorder;
class StartedEvent;

// concurrent.futures.Future, reduced to what the engines need.
class WorkFuture {
public:
    // Blocks until the item ran (true) or was cancelled / `stop` was requested (false).
    bool wait(const StopSignal& stop);
    bool done() const;
    // concurrent.futures.Future.cancel(): succeeds only while the item waits in the queue; a
    // worker that takes it later skips it (set_running_or_notify_cancel). False once it runs.
    bool cancel();
    bool cancelled() const;
    uint32_t worker_lane() const; // the lane of the worker that ran it (kNoLane before)
    int64_t finished_ns() const;

private:
    friend class ThreadPoolExecutor;
    void finish(bool ran, uint32_t lane);
    bool set_running_or_notify_cancel(); // false: it was cancelled, do not run it

    mutable std::mutex mutex_;
    std::condition_variable cond_;
    bool done_ = false;
    bool ran_ = false;
    bool running_ = false;
    bool cancelled_ = false;
    uint32_t lane_ = kNoLane;
    int64_t finished_ns_ = 0;
};

class ThreadPoolExecutor {
public:
    using Work = std::function<void(PyThread&)>;
    struct Options {
        int max_workers = 0; // 0: default_max_workers()
        std::string name_prefix = "ThreadPoolExecutor-0";
        LaneKind lane_kind = LaneKind::Thread; // the workers' lanes ...
        uint32_t parent_lane = kNoLane;        // ... and where they hang
        std::function<Gil*()> gil_for_thread;  // the GIL a new worker uses (nullptr: GIL off)
    };

    // `stop` ends the workers' waits and work (they drop what is still queued).
    ThreadPoolExecutor(Recorder& recorder, const StopSignal& stop, Options options);
    ~ThreadPoolExecutor(); // shutdown()
    ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
    ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

    // `caller`: the Python thread that submits (nullptr: not one). Starting a worker waits, as
    // Thread.start() does, until the worker runs Python; the caller releases the GIL meanwhile.
    std::shared_ptr<WorkFuture> submit(Work work, PyThread* caller = nullptr);
    // Workers finish the queue (or drop it when the run is cancelled), then are joined.
    void shutdown();

    int max_workers() const { return max_workers_; }
    size_t threads_created() const;
    std::vector<uint32_t> worker_lanes() const;

    static int default_max_workers(); // min(32, os.cpu_count() + 4)

private:
    struct Item {
        Work work;
        std::shared_ptr<WorkFuture> future;
    };
    void adjust_thread_count(PyThread* caller); // called with shutdown_mutex_ held
    void worker(uint32_t lane, Gil* gil, StartedEvent& started);

    Recorder& recorder_;
    const StopSignal& stop_;
    Options options_;
    int max_workers_;

    std::mutex shutdown_mutex_; // self._shutdown_lock: serialises submit (thread starts) and shutdown
    mutable std::mutex mutex_;  // the work queue and the counters below
    std::condition_variable cond_;
    std::deque<Item> queue_;
    int idle_semaphore_ = 0;
    bool shutdown_ = false;
    std::vector<std::thread> threads_;
    std::vector<uint32_t> lanes_;
    StopSignal::Wake stop_wake_{stop_, mutex_, cond_}; // after what it wakes: destroyed first
};

} // namespace clab
