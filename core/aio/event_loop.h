// EventLoop: asyncio's event loop (Lib/asyncio/base_events.py) for C++20 coroutines, one thread,
// real epoll. ARCHITECTURE.md "asyncio's event loop" describes it; run_once() reads the same:
//
//   1. drop_cancelled_timers()   cancelled timers leave the heap (all at once when they are
//                                more than half of a heap of > 100, else those at its head)
//   2. compute_timeout()         0 if anything is ready (or we are stopping), else the time to the
//                                earliest timer, else block
//   3. select_and_queue_io()     epoll; each ready fd's callback goes to the ready queue; the
//                                wake-up eventfd moves call_soon_threadsafe callbacks there
//   4. queue_due_timers()        every due timer goes to the ready queue
//   5. run_ready_snapshot()      run exactly as many callbacks as are ready now: callbacks added
//                                while they run wait for the next iteration. Debug mode flags a
//                                callback that ran >= 100 ms (a "slow callback").
//
// Differences from CPython, on purpose: epoll waits with nanosecond timeouts (asyncio rounds up
// to the next millisecond) and call_soon_threadsafe callbacks enter the ready queue when the loop
// wakes up on the eventfd (CPython appends them at once and writes to its self-pipe).
//
// The GIL (when the run has one): the loop's thread is a Python thread. It holds the GIL while the
// loop runs (callbacks and the loop's own bookkeeping) and releases it around the epoll wait, as
// CPython's select releases it, even with a zero timeout. The default executor's threads take the
// same GIL while they run Python, so a CPU-bound function given to asyncio.to_thread still
// competes with the loop: every wake-up of the loop waits for a drop request to be honoured.
// The loop starts holding the GIL when the executor's first thread appears: before that it is
// the only Python thread, nobody can wait for the GIL, and holding it would change nothing but
// the recording (a pure-asyncio run has no GIL lane).
//
// Everything here runs on the loop's thread except call_soon_threadsafe().
#pragma once

#include "core/sync/stop_signal.h"
#include "core/trace/event.h"
#include "core/trace/lane.h"
#include "handle.h"
#include "python_gc.h"
#include "python_heap.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <sys/epoll.h>
#include <unordered_map>
#include <vector>

namespace clab {
class Gil;
class PyThread;
class Recorder;
class ThreadPoolExecutor;
} // namespace clab

namespace clab::aio {

class FutureBase;
class TaskCore;

struct LoopOptions {
    Recorder* recorder = nullptr;   // nullptr: record nothing (benchmarks of the bare loop)
    uint32_t parent_lane = kNoLane; // the thread that runs the loop
    std::string lane_name = "event loop";
    bool debug = false;                     // flag slow callbacks
    int64_t slow_callback_ns = 100'000'000; // asyncio's loop.slow_callback_duration = 0.1 s
    int executor_workers = 0;               // default executor size; 0: min(32, cpus + 4)
    // The GIL of each new Python thread: asked once for the loop's own thread (at construction)
    // and once per default-executor thread. Empty or nullptr: no GIL (free-threaded).
    std::function<Gil*()> gil_for_thread;
    // Stops Python work and waits on the loop's and the executor's threads.
    const StopSignal* stop = nullptr;
    // Each callback costs the CPU CPython spends running it (see spend_python_cost); false for
    // benchmarks of the bare loop machinery.
    bool python_cost = true;
};

struct LoopStats {
    uint64_t iterations = 0;
    uint64_t callbacks = 0;
    uint64_t task_steps = 0; // task switches: each step resumes one task
    uint64_t slow_callbacks = 0;
    uint64_t callback_errors = 0; // callbacks that threw (asyncio logs them and carries on)
    // The loop lag: the longest any callback waited between becoming ready and running (a timer
    // after its due time, a call_soon or call_soon_threadsafe callback after it was queued, an I/O
    // callback after select() reported its fd ready). Each callback's is recorded (CallbackLag).
    int64_t max_callback_lag_ns = 0;
    int64_t max_callback_ns = 0;
    // Stream reads whose fresh 256 KiB buffer got a mapping of its own, as CPython's would have
    // (python_heap.h); the others came from the heap.
    uint64_t mapped_reads = 0;
    int64_t python_iterations = 0; // Python loop iterations spent on CPython's costs
};

class EventLoop {
public:
    explicit EventLoop(LoopOptions options = {});
    ~EventLoop(); // close()
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // --- scheduling (loop thread) -------------------------------------------------------------
    void call_soon(std::function<void()> fn, CallbackKind kind = CallbackKind::Other);
    Handle call_soon_handle(std::function<void()> fn, CallbackKind kind = CallbackKind::Other);
    TimerHandle call_later(int64_t delay_ns, std::function<void()> fn,
                           CallbackKind kind = CallbackKind::Timer);
    TimerHandle call_at(int64_t when_ns, std::function<void()> fn, CallbackKind kind = CallbackKind::Timer);
    // Any thread: queue `fn` and wake the loop through its eventfd.
    void call_soon_threadsafe(std::function<void()> fn);
    int64_t time() const; // the loop's clock: CLOCK_MONOTONIC ns

    // --- I/O readiness (loop thread): the callback is queued each iteration the fd is ready ----
    void add_reader(int fd, std::function<void()> fn);
    bool remove_reader(int fd);
    void add_writer(int fd, std::function<void()> fn);
    bool remove_writer(int fd);

    // --- running --------------------------------------------------------------------------------
    void run_once();
    void run_forever(); // until stop()
    void stop();        // finish this iteration, then return from run_forever
    bool is_running() const { return running_; }
    // Runs until `future` is done (it does not return its result: read it from the future).
    void run_until_done(const std::shared_ptr<FutureBase>& future);
    // Cancels every pending task, lets them finish (bounded), joins the executor, releases the
    // frames of tasks that still would not finish, closes epoll and the eventfd. Idempotent.
    void close();
    bool closed() const { return closed_; }

    // The loop running on this thread (asyncio.get_running_loop), or nullptr.
    static EventLoop* current();

    // --- tasks (used by Task) -------------------------------------------------------------------
    void schedule_step(TaskCore* task); // call_soon(task.__step), kind TaskStep
    void register_task(std::shared_ptr<FutureBase> task, TaskCore* core);
    void unregister_task(TaskCore* core);
    size_t pending_tasks() const { return tasks_.size(); }
    uint64_t next_task_number() { return ++task_counter_; }
    void note_step_outcome(StepOutcome outcome) { step_outcome_ = outcome; }

    ThreadPoolExecutor& default_executor();
    // The loop's thread as a Python thread: what callbacks use to run Python work (its check
    // points honour the GIL's drop requests) and blocking calls. Loop thread only.
    PyThread& python_thread();

    // The Python CPython runs for one stream connection beyond its callbacks and system calls
    // (create_connection, the transport, protocol and streams, and their close), calibrated like
    // the callbacks' cost and spent here, on the loop's thread, in two parts where CPython spends
    // them: the set-up in the task's first step, before the connect (StreamReader, protocol,
    // create_connection up to sock_connect), the rest once connected. open_connection calls each once.
    void spend_connection_setup_cost();
    void spend_connection_cost();
    // The memory CPython's connection holds while it is open beyond what its task holds (the
    // transport, protocol, streams, selector key, socket object, buffers), calibrated against
    // python3 like the costs; 0 without the Python costs. Each open connection holds it.
    size_t connection_bytes();

    // glibc's mmap threshold in CPython's process running this program: what a stream read's
    // fresh 256 KiB buffer costs (python_heap.h). Loop thread only.
    PythonHeap& python_heap() { return python_heap_; }
    // `count` GC-tracked objects of the Python program come to life (they live as long as the
    // returned group): CPython's collector counts them (python_gc.h) and, when a collection falls
    // due at this allocation, runs it here, on the loop's thread, recorded as GcBegin..GcEnd and
    // spending its traversal, calibrated per object against python3. An empty group without the
    // Python costs.
    PyObjects python_objects(uint32_t count);
    // `count` 2-tuples (PythonGc::allocate_pairs), in groups split where a collection ran.
    std::vector<PyObjects> python_pairs(uint32_t count);
    const PythonGc& python_gc() const { return *gc_; }
    // Whether CPython's costs are paid at all (LoopOptions::python_cost), and a read that paid
    // for its buffer's mapping.
    bool python_cost() const { return options_.python_cost; }
    void note_mapped_read() { ++stats_.mapped_reads; }

    // --- recording ------------------------------------------------------------------------------
    Recorder* recorder() const { return options_.recorder; }
    uint32_t lane() const { return lane_; }
    bool debug() const { return options_.debug; }
    void record(uint32_t lane, EventKind kind, uint64_t arg = 0) noexcept;
    const LoopStats& stats() const { return stats_; }
    size_t ready_count() const { return ready_.size(); }
    size_t timer_count() const { return timers_.size(); }

private:
    struct ReadyItem {
        TaskCore* task = nullptr;            // a task step (kept alive by tasks_)
        std::shared_ptr<HandleState> handle; // a cancellable callback (timers, I/O, call_soon_handle)
        std::function<void()> fn;            // a plain callback
        CallbackKind kind = CallbackKind::Other;
        int64_t ready_ns = 0;     // when it became ready: queued, due, or its fd reported ready
        bool reads = false;       // a reader's callback: a stream's _read_ready in CPython
        PyObjects python_objects; // a plain callback's or a task step's Handle in CPython
    };
    struct TimerEntry {
        int64_t when_ns;
        uint64_t seq; // FIFO among equal deadlines, like asyncio's heap of (when, handle)
        std::shared_ptr<HandleState> handle;
    };
    struct TimerLater {
        bool operator()(const TimerEntry& a, const TimerEntry& b) const {
            return a.when_ns != b.when_ns ? a.when_ns > b.when_ns : a.seq > b.seq;
        }
    };
    struct FdWatch {
        std::shared_ptr<HandleState> reader, writer;
        uint32_t registered = 0; // the epoll mask now in force
    };

    // run_once's phases, in order.
    void drop_cancelled_timers();
    int64_t compute_timeout() const;
    void select_and_queue_io(int64_t timeout_ns);
    void queue_due_timers();
    void run_ready_snapshot();

    void run_callback(ReadyItem& item);
    // The Python CPython runs around each callback: Handle._run + Task.__step for every
    // callback; a reader's callback instead costs a stream's _read_ready (recv into a fresh
    // max_size buffer, data_received, feed_data, waking the waiter) and the transport's write
    // (the probe measures them together). A writer's readiness (connect) is a plain callback. Calibrated
    // against python3 (core/workload/calibration.h) and spent as Python loop iterations on the
    // loop's PyThread, before the callback itself, inside its CallbackBegin..End.
    void spend_python_cost(bool reads);
    void spend_python_iterations(int64_t iterations);
    void load_python_costs();
    void run_collection(const PythonGc::Collection& collection);
    void drain_threadsafe_inbox();
    void update_epoll(int fd, FdWatch& watch);
    void enter_python(); // take the GIL (if there is one) for a stretch of loop iterations
    void leave_python(); // and drop it: the loop is not running Python any more
    Recorder& thread_recorder();
    const StopSignal& stop_signal() const;
    friend class Handle;
    void timer_cancelled() { ++timer_cancelled_count_; }

    LoopOptions options_;
    uint32_t lane_ = kNoLane;
    int epoll_fd_ = -1;
    int wake_fd_ = -1; // eventfd: call_soon_threadsafe writes, the loop reads (the "self-pipe")

    std::deque<ReadyItem> ready_;
    std::vector<TimerEntry> timers_; // min-heap by (when, seq)
    uint64_t timer_seq_ = 0;
    size_t timer_cancelled_count_ = 0;
    std::unordered_map<int, FdWatch> fds_;
    std::vector<epoll_event> select_events_; // select()'s room: one per registered fd

    std::mutex inbox_mutex_;
    std::vector<std::pair<int64_t, std::function<void()>>> inbox_; // (when queued, callback)
    std::atomic<bool> wake_pending_{false};

    std::vector<std::pair<std::shared_ptr<FutureBase>, TaskCore*>> tasks_;
    uint64_t task_counter_ = 0;
    StepOutcome step_outcome_ = StepOutcome::Awaiting;

    // The Python threads: the loop's own and the default executor's. Declared in this order so
    // that the threads go before the recorder and the flag they use.
    std::unique_ptr<Recorder> own_recorder_; // for the Python threads when nobody records
    StopSignal never_stopped_;               // stop_signal() without options.stop
    Gil* gil_ = nullptr;
    bool gil_in_play_ = false;         // another Python thread exists: the loop holds the GIL while it runs
    std::unique_ptr<PyThread> python_; // created on first use
    std::unique_ptr<ThreadPoolExecutor> executor_;

    int64_t callback_iterations_ = -1; // from the calibration, on first use
    int64_t io_callback_iterations_ = 0;
    int64_t connection_iterations_ = 0; // after the connect
    int64_t connection_setup_iterations_ = 0;
    size_t connection_bytes_ = 0;
    double gc_young_iterations_ = 0; // per object a generation-0 or -1 collection scans
    double gc_full_iterations_ = 0;  // per object a full (generation-2) collection scans
    PythonHeap python_heap_;
    std::shared_ptr<PythonGc> gc_ = std::make_shared<PythonGc>();
    bool running_ = false;
    bool stopping_ = false;
    bool closed_ = false;
    LoopStats stats_;
};

} // namespace clab::aio
