// ProcessPool: concurrent.futures.ProcessPoolExecutor, with the same moving parts.
//
//   submitting thread   submit()/map() put work items in `pending`; the first submit starts the
//                       workers (ProcessStartBegin on each worker's lane)
//   manager thread      ExecutorManagerThread: moves pending items into the call queue while it
//                       holds fewer than workers + 1 items, then waits (poll) on the result pipe,
//                       the wake-up pipe and one sentinel per worker; hands results to futures; a
//                       sentinel that fires without a goodbye breaks the pool
//   feeder thread       the call queue's QueueFeederThread: pickles call items and writes them
//                       into the call pipe
//   call queue          one pipe all workers read from, guarded by a one-token lock pipe: an idle
//                       worker pulls the next item
//   result queue        one pipe all workers write to, guarded by its own lock pipe; it carries
//                       results and goodbyes only, so the manager wakes once per result
//   call queue slots    the call queue's bounded semaphore (workers + 1 tokens in a pipe): the
//                       manager takes one per item it queues, a worker gives it back when it takes
//                       the item, without a message (no wake-up, as in CPython)
//   events reader       not part of CPython: the lab's trace. Workers write their events into one
//                       more pipe, in frames of at most PIPE_BUF bytes (atomic, no lock); a plain
//                       thread of the parent reads and records them without the GIL
//
// A broken pool fails every pending future with a BrokenProcessPool error, kills the surviving
// workers and refuses later submits. The destructor kills and reaps whatever still runs: no
// process outlives the pool.
//
// The GIL of the parent: the submitting thread, the manager thread and the feeder thread are
// Python threads of one interpreter, so they take turns on one GIL (PoolOptions::gil), as in
// CPython. Each holds it while it runs Python, pickling (encode) and unpickling (decode) included,
// and releases it in blocking calls: the manager's poll and pipe reads, the feeder's wait for work
// and its pipe write, the submitter's wake-up write. Each worker process has its own GIL.
#pragma once

#include "core/workload/python_thread.h"
#include "events_reader.h"
#include "kill_on_stop.h"
#include "launcher.h"
#include "run_stats.h"
#include "wire.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace clab::proc {

struct PoolOptions {
    int max_workers = 0; // 0: os.cpu_count()
    StartMethod method = StartMethod::Fork;
    int cpus = 0;                   // pin every worker to the first N cores
    uint32_t parent_lane = kNoLane; // worker lanes hang under this one
    // The parent's GIL, shared by the manager, the feeder and the submitter (nullptr: no GIL, as
    // in a free-threaded build).
    Gil* gil = nullptr;
    // The thread that calls submit/map/shutdown (the caller's Python thread), or nullptr. It holds
    // the GIL around submit and map; the pool releases it while it joins its threads.
    PyThread* submitter = nullptr;
    // The run's stop (optional): the pool's own threads stop with it at once, as terminate()
    // stops them, so a Stop never waits for a 100 MB pickle under the GIL.
    const StopSignal* stop = nullptr;
};

// A Future for one call item (one submit, or one map chunk).
class WorkFuture {
public:
    // Waits until the future is done (true: result or error) or `stop` is requested (false).
    bool wait(const StopSignal& stop) const;
    // Waits up to `timeout_ns`; true once the future is done.
    bool wait_for(int64_t timeout_ns) const;
    bool done() const;
    bool ok() const;                        // done with results
    std::string error() const;              // done with an error: what happened
    std::vector<TaskResult> take_results(); // the results, in task order (moved out)
    // Future.add_done_callback: `callback` runs once the future is done, on the thread that
    // completes it (the pool's manager thread), or here at once if it already is. It must not
    // block: asyncio's wrap_future only hands the news to its loop (call_soon_threadsafe).
    void add_done_callback(std::function<void()> callback);

private:
    friend class ProcessPool;
    void set_results(std::vector<TaskResult> results);
    void set_error(std::string error);

    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    std::vector<std::function<void()>> callbacks_;
    bool done_ = false;
    bool ok_ = false;
    std::string error_;
    std::vector<TaskResult> results_;
};
using WorkFuturePtr = std::shared_ptr<WorkFuture>;

class ProcessPool {
public:
    ProcessPool(PoolOptions options, RunStats& stats);
    ~ProcessPool(); // terminate(): kills and reaps every worker, joins its threads
    ProcessPool(const ProcessPool&) = delete;
    ProcessPool& operator=(const ProcessPool&) = delete;

    // executor.submit(fn, *tasks): one call item. nullptr (and error()) if broken or shut down.
    WorkFuturePtr submit(std::vector<uint64_t> tasks, const TaskParams& params,
                         SharedBytes payload = nullptr);
    // executor.map(fn, range(count), chunksize=…): one future per chunk, in input order.
    std::vector<WorkFuturePtr> map(uint64_t count, int chunksize, const TaskParams& params,
                                   SharedBytes payload = nullptr);
    // executor.shutdown(wait, cancel_futures): no more submits; the workers get the None sentinel
    // once the pending work is done; `wait` joins everything.
    void shutdown(bool wait = true, bool cancel_futures = false);
    // Stop now: kill every worker, fail what is pending, reap, join. Returns within ~100 ms.
    void terminate();

    bool broken() const;
    std::string error() const; // why the pool is broken (or why a submit failed)
    int max_workers() const { return max_workers_; }
    std::vector<pid_t> worker_pids() const;
    // How many times the manager thread woke up with something to do (a result, a submit, a
    // worker's end): once per result, as CPython's; the workers' trace never wakes it.
    uint64_t manager_wakeups() const { return manager_wakeups_.load(std::memory_order_relaxed); }

private:
    struct WorkerProc {
        uint32_t index = 0;
        uint32_t lane = 0;
        std::string name;
        Child child;
        bool exiting = false; // said goodbye: its death is expected
        bool gone = false;    // sentinel fired and reaped
    };
    struct FeederJob {
        bool stop = false; // the None sentinel instead of a call item
        CallItem item;
    };
    struct WorkItem {
        CallItem call;
        WorkFuturePtr future;
    };

    bool open_queues_locked(std::string* error);
    bool start_worker_locked(std::string* error);
    bool start_threads_locked(std::string* error);
    bool adjust_process_count_locked(std::string* error);
    // The workers started so far (their slots are published by worker_count_).
    std::span<WorkerProc> started_workers() {
        return {workers_.data(), worker_count_.load(std::memory_order_acquire)};
    }
    std::span<const WorkerProc> started_workers() const {
        return {workers_.data(), worker_count_.load(std::memory_order_acquire)};
    }
    void python_thread_main(uint32_t lane, void (ProcessPool::*body)(PyThread&));
    void manager_loop(PyThread& python);
    void add_call_items_to_queue();
    void read_results(PyThread& python);
    void handle_frame(const FrameHeader& header, std::vector<uint8_t>& body);
    void on_sentinel(WorkerProc& worker, PyThread& python);
    void terminate_broken(const WorkerProc* dead); // nullptr: the result stream is corrupt
    void kill_and_reap_all(bool record_exit);
    void fail_all_pending(const std::string& error);
    void feeder_loop(PyThread& python);
    void wake();
    void push_feeder(FeederJob job);
    void stop_feeder();

    const PoolOptions options_;
    const int max_workers_;
    RunStats& stats_;
    uint32_t manager_lane_ = kNoLane;
    uint32_t feeder_lane_ = kNoLane;
    StopSignal terminating_; // what the parent's Python threads see as "stop" (follows options.stop)

    // Shared state (mutex_).
    mutable std::mutex mutex_;
    std::deque<uint64_t> pending_ids_;   // work ids not yet in the call queue
    std::map<uint64_t, WorkItem> items_; // every work item not yet finished
    uint64_t next_work_id_ = 0;
    bool started_ = false;     // the manager and feeder threads run
    bool queues_open_ = false; // the pipes exist
    int idle_workers_ = 0;     // results since the last submit that found no idle worker (3.11's semaphore)
    bool shutdown_ = false;
    bool cancel_pending_ = false;
    bool terminate_ = false;
    bool broken_ = false;
    bool finished_ = false; // the manager has ended
    std::string error_;

    // One slot per possible worker, sized once; a slot belongs to the submitting thread until
    // worker_count_ publishes it, then to the manager.
    std::vector<WorkerProc> workers_;
    std::atomic<size_t> worker_count_{0};
    // Each worker's lane for its trace, published before it is started: a child that runs before
    // the parent returns from starting it writes its first events (the start's end) at once, and
    // the events reader must not drop them (worker_count_ is published later).
    std::vector<std::atomic<uint32_t>> event_lanes_;
    // The children's ends of the queues, kept to hand to workers started on demand; closed once
    // the last one has started (so a dead queue shows as end of file / EPIPE).
    struct QueueEnds {
        UniqueFd call_read, result_write, events_write, slots_write;
        Pipe call_lock, result_lock;
    };
    QueueEnds queue_ends_;
    // Manager-owned once started.
    UniqueFd result_read_;
    UniqueFd wakeup_read_, wakeup_write_;
    FrameParser parser_;
    int64_t recv_begin_ns_ = -1;
    bool result_eof_ = false;
    // The call queue's free slots: a token pipe the workers refill (worker.h, kFdSlots).
    UniqueFd slots_read_;
    std::atomic<uint64_t> manager_wakeups_{0};

    // The workers' trace (events_reader.h): stopped once the manager has reaped every worker.
    EventsReader events_reader_;
    bool stops_sent_ = false;

    // Feeder (feeder_mutex_).
    std::mutex feeder_mutex_;
    std::condition_variable feeder_cv_;
    std::deque<FeederJob> feeder_jobs_;
    bool feeder_quit_ = false;
    UniqueFd call_write_;

    // A Stop kills every worker at once, from the thread that requested it: the manager reaps
    // them, but two workers copying 100 MB no longer compete for the cores with the threads that
    // are winding the run down.
    KillOnStop kill_on_stop_{terminating_};

    std::thread manager_;
    std::thread feeder_;
};

} // namespace clab::proc
