#include "process_pool.h"

#include "engine_common.h"
#include "worker.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <poll.h>
#include <span>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace clab::proc {

namespace {
constexpr int kManagerPollMs = 100;     // a safety net: the wake-up pipe normally ends the wait at once
constexpr size_t kReadChunk = 64 << 10; // one default pipe buffer
// A large body is read straight into its buffer, at most this much per read: the buffer's memory is
// first touched one window at a time, between looks at the stop.
constexpr size_t kDirectReadWindow = kStopPiece;

const char* const kBrokenMessage = "BrokenProcessPool: A process in the process pool was terminated abruptly "
                                   "while the future was running or pending.";

// A blocking call of the submitting thread (os.write, thread.join): it runs without the GIL.
// Nothing to do when there is no submitting Python thread, or it does not hold the GIL.
class SubmitterBlocked {
public:
    SubmitterBlocked(PyThread* thread, IoKind kind)
        : thread_(thread && thread->holds_gil() ? thread : nullptr) {
        if (thread_) thread_->begin_blocking(kind);
    }
    ~SubmitterBlocked() {
        if (thread_) thread_->end_blocking();
    }
    SubmitterBlocked(const SubmitterBlocked&) = delete;
    SubmitterBlocked& operator=(const SubmitterBlocked&) = delete;

private:
    PyThread* thread_;
};

// A system call's result with its errno, read before anything else can overwrite it.
struct SysResult {
    ssize_t n;
    int error;
};
} // namespace

// ---- WorkFuture ------------------------------------------------------------------------------

bool WorkFuture::wait(const StopSignal& stop) const {
    const StopSignal::Wake wake(stop, mutex_, cv_);
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return done_ || stop.requested(); });
    return done_;
}
bool WorkFuture::wait_for(int64_t timeout_ns) const {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::nanoseconds(timeout_ns), [&] { return done_; });
}
bool WorkFuture::done() const {
    std::lock_guard lock(mutex_);
    return done_;
}
bool WorkFuture::ok() const {
    std::lock_guard lock(mutex_);
    return done_ && ok_;
}
std::string WorkFuture::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}
std::vector<TaskResult> WorkFuture::take_results() {
    std::lock_guard lock(mutex_);
    return std::move(results_);
}
void WorkFuture::add_done_callback(std::function<void()> callback) {
    {
        std::lock_guard lock(mutex_);
        if (!done_) {
            callbacks_.push_back(std::move(callback));
            return;
        }
    }
    callback();
}
void WorkFuture::set_results(std::vector<TaskResult> results) {
    std::vector<std::function<void()>> callbacks;
    {
        std::lock_guard lock(mutex_);
        if (done_) return;
        results_ = std::move(results);
        ok_ = done_ = true;
        callbacks.swap(callbacks_);
    }
    cv_.notify_all();
    for (const auto& callback : callbacks)
        callback();
}
void WorkFuture::set_error(std::string error) {
    std::vector<std::function<void()>> callbacks;
    {
        std::lock_guard lock(mutex_);
        if (done_) return;
        error_ = std::move(error);
        done_ = true;
        callbacks.swap(callbacks_);
    }
    cv_.notify_all();
    for (const auto& callback : callbacks)
        callback();
}

// ---- ProcessPool: the submitting side --------------------------------------------------------

ProcessPool::ProcessPool(PoolOptions options, RunStats& stats)
    : options_(options)
    , max_workers_(options.max_workers > 0 ? options.max_workers : cpu_count())
    , stats_(stats)
    , terminating_(options.stop) {}

ProcessPool::~ProcessPool() {
    terminate();
}

WorkFuturePtr ProcessPool::submit(std::vector<uint64_t> tasks, const TaskParams& params,
                                  SharedBytes payload) {
    if (options_.submitter) options_.submitter->check_point(); // the eval breaker at the call
    std::unique_lock lock(mutex_);
    if (broken_) return nullptr;
    if (shutdown_ || terminate_) {
        error_ = "cannot schedule new futures after shutdown";
        return nullptr;
    }
    // A stop during map()'s submits (or before the first, while 100 MB of payload were made)
    // starts nothing more: forking a worker of a large parent takes tens of milliseconds.
    if (terminating_.requested()) {
        error_ = "cancelled: the run was stopped";
        return nullptr;
    }
    std::string error;
    if (!started_ && !queues_open_) {
        if (!open_queues_locked(&error)) {
            error_ = error;
            broken_ = true;
            return nullptr;
        }
        queues_open_ = true;
    }
    // spawn and forkserver start workers on demand, one per submit that finds none idle; fork
    // starts them all with the manager thread, at the first submit.
    if (options_.method != StartMethod::Fork && !adjust_process_count_locked(&error)) {
        error_ = "could not start a worker process: " + error;
        if (worker_count_.load(std::memory_order_relaxed) == 0) {
            broken_ = true;
            return nullptr;
        }
    }
    if (!started_ && !start_threads_locked(&error)) {
        error_ = error;
        broken_ = !terminating_.requested(); // stopped while it forked its workers: not broken
        return nullptr;
    }
    const uint64_t id = next_work_id_++;
    WorkItem item;
    item.call.work_id = id;
    item.call.params = params;
    item.call.tasks = std::move(tasks);
    item.call.payload = std::move(payload);
    item.future = std::make_shared<WorkFuture>();
    WorkFuturePtr future = item.future;
    items_.emplace(id, std::move(item));
    pending_ids_.push_back(id);
    lock.unlock();
    {
        // _executor_manager_thread_wakeup.wakeup(): an os.write, without the GIL.
        SubmitterBlocked blocked(options_.submitter, IoKind::Pipe);
        wake();
    }
    return future;
}

std::vector<WorkFuturePtr> ProcessPool::map(uint64_t count, int chunksize, const TaskParams& params,
                                            SharedBytes payload) {
    // _get_chunks: consecutive slices of `chunksize` inputs, each one call item (_process_chunk).
    std::vector<WorkFuturePtr> futures;
    const uint64_t chunk = uint64_t(std::max(chunksize, 1));
    for (uint64_t first = 0; first < count; first += chunk) {
        std::vector<uint64_t> tasks;
        for (uint64_t t = first; t < std::min(count, first + chunk); ++t)
            tasks.push_back(t);
        WorkFuturePtr f = submit(std::move(tasks), params, payload);
        if (!f) break;
        futures.push_back(std::move(f));
    }
    return futures;
}

bool ProcessPool::open_queues_locked(std::string* error) {
    Pipe call, result, wakeup, slots;
    if (!make_pipe(call, error) || !make_pipe(result, error) || !make_pipe(queue_ends_.call_lock, error) ||
        !make_pipe(queue_ends_.result_lock, error) || !make_pipe(wakeup, error) || !make_pipe(slots, error))
        return false;
    // The workers' trace: ingested on the reader's thread as it arrives, without the GIL.
    const auto ingest = [this](uint16_t sender, std::vector<Event>& events) {
        if (sender >= event_lanes_.size()) return;
        const uint32_t lane = event_lanes_[sender].load(std::memory_order_acquire);
        if (lane != kNoLane) stats_.ingest(lane, events);
    };
    workers_.resize(size_t(max_workers_)); // never resized again: the manager reads published slots
    event_lanes_ = std::vector<std::atomic<uint32_t>>(size_t(max_workers_));
    for (auto& lane : event_lanes_)
        lane.store(kNoLane, std::memory_order_relaxed);
    if (!events_reader_.start(ingest, queue_ends_.events_write, error)) return false;
    set_nonblocking(slots.read.get(), true);
    // The call queue's bounded semaphore: workers + 1 free slots (EXTRA_QUEUED_CALLS).
    for (int i = 0; i < max_workers_ + 1; ++i) {
        const char slot = 1;
        write_all(slots.write.get(), &slot, 1);
    }
    queue_ends_.slots_write = std::move(slots.write);
    slots_read_ = std::move(slots.read);
    set_nonblocking(result.read.get(), true);
    set_nonblocking(wakeup.read.get(), true);
    set_nonblocking(wakeup.write.get(), true);
    const char token = 1; // each lock starts free
    write_all(queue_ends_.call_lock.write.get(), &token, 1);
    write_all(queue_ends_.result_lock.write.get(), &token, 1);
    queue_ends_.call_read = std::move(call.read);
    queue_ends_.result_write = std::move(result.write);
    call_write_ = std::move(call.write);
    result_read_ = std::move(result.read);
    wakeup_read_ = std::move(wakeup.read);
    wakeup_write_ = std::move(wakeup.write);
    manager_lane_ =
        stats_.recorder().add_lane(LaneKind::Thread, "ExecutorManagerThread", options_.parent_lane);
    feeder_lane_ = stats_.recorder().add_lane(LaneKind::Thread, "QueueFeederThread", options_.parent_lane);
    return true;
}

bool ProcessPool::start_worker_locked(std::string* error) {
    const size_t i = worker_count_.load(std::memory_order_relaxed);
    if (i >= workers_.size()) return true;
    WorkerProc& w = workers_[i];
    w.index = uint32_t(i);
    w.name = std::string(process_class_name(options_.method, true)) + "-" + std::to_string(i + 1);
    w.lane = stats_.add_worker_lane(w.name, options_.parent_lane);
    event_lanes_[i].store(w.lane, std::memory_order_release); // before the child can write
    const bool needs_control = options_.method != StartMethod::Fork;
    Pipe control;
    if (needs_control && !make_pipe(control, error)) return false;
    ChildEnds ends;
    ends.control() = control.read.get();
    ends.result() = queue_ends_.result_write.get();
    ends.call() = queue_ends_.call_read.get();
    ends.fds[3] = queue_ends_.call_lock.read.get();
    ends.fds[4] = queue_ends_.call_lock.write.get();
    ends.fds[5] = queue_ends_.result_lock.read.get();
    ends.fds[6] = queue_ends_.result_lock.write.get();
    ends.fds[kFdEvents - kFdControl] = queue_ends_.events_write.get();
    ends.fds[kFdSlots - kFdControl] = queue_ends_.slots_write.get();
    const Preparation prep = preparation(uint32_t(i), options_.method, options_.cpus, true);
    stats_.record(w.lane, EventKind::ProcessStartBegin, uint64_t(options_.method));
    if (!start_worker(options_.method, prep, ends, control.write.get(), w.child, error)) {
        stats_.record(w.lane, EventKind::WorkerExit, 0);
        w = WorkerProc{};
        return false;
    }
    w.name += " (pid " + std::to_string(w.child.pid) + ")";
    stats_.rename(w.lane, w.name);
    stats_.watch_process(w.lane, w.child.pid); // its real scheduling on the core lanes
    kill_on_stop_.watch(w.child.pid);
    worker_count_.store(i + 1, std::memory_order_release); // the manager may watch it from now on
    // Every worker holds its ends now: the parent's copies would hide a dead queue from the feeder.
    if (i + 1 == workers_.size()) queue_ends_ = QueueEnds{};
    return true;
}

// _start_executor_manager_thread: with fork, every worker first (fork after the threads started
// could deadlock a child, bpo-90622); then the manager and the queue's feeder thread.
bool ProcessPool::start_threads_locked(std::string* error) {
    if (options_.method == StartMethod::Fork)
        while (worker_count_.load(std::memory_order_relaxed) < workers_.size())
            if (terminating_.requested() || !start_worker_locked(error)) {
                if (terminating_.requested()) *error = "cancelled: the run was stopped";
                kill_and_reap_all(false);
                return false;
            }
    started_ = true;
    manager_ = std::thread([this] { python_thread_main(manager_lane_, &ProcessPool::manager_loop); });
    feeder_ = std::thread([this] { python_thread_main(feeder_lane_, &ProcessPool::feeder_loop); });
    return true;
}

// _adjust_process_count (CPython 3.9-3.11, spawn and forkserver): a submit starts a worker unless
// a result has come back since (an idle worker can take the item) or every worker runs already.
bool ProcessPool::adjust_process_count_locked(std::string* error) {
    if (idle_workers_ > 0) {
        --idle_workers_; // _idle_worker_semaphore.acquire(blocking=False)
        return true;
    }
    return start_worker_locked(error);
}

void ProcessPool::wake() {
    std::lock_guard lock(mutex_);
    if (!wakeup_write_.valid()) return;
    const char byte = 1;
    (void)!::write(wakeup_write_.get(), &byte, 1); // full pipe = a wake-up is pending anyway
}

void ProcessPool::shutdown(bool wait, bool cancel_futures) {
    {
        std::lock_guard lock(mutex_);
        shutdown_ = true;
        cancel_pending_ = cancel_pending_ || cancel_futures;
    }
    SubmitterBlocked blocked(options_.submitter, IoKind::Join); // the threads need the GIL to finish
    wake();
    if (wait) {
        if (manager_.joinable()) manager_.join();
        stop_feeder();
        events_reader_.stop();
    }
}

void ProcessPool::terminate() {
    {
        std::lock_guard lock(mutex_);
        terminate_ = true;
        shutdown_ = true;
    }
    terminating_.request();
    SubmitterBlocked blocked(options_.submitter, IoKind::Join); // the threads need the GIL to finish
    wake();
    if (manager_.joinable()) manager_.join();
    stop_feeder();
    events_reader_.stop();
}

bool ProcessPool::broken() const {
    std::lock_guard lock(mutex_);
    return broken_;
}

std::string ProcessPool::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

std::vector<pid_t> ProcessPool::worker_pids() const {
    std::lock_guard lock(mutex_);
    std::vector<pid_t> pids;
    for (const WorkerProc& w : started_workers())
        pids.push_back(w.child.pid);
    return pids;
}

// ---- the parent's Python threads --------------------------------------------------------------

// The manager and the feeder are Python threads of the parent: they run holding the GIL and
// release it in their blocking calls.
void ProcessPool::python_thread_main(uint32_t lane, void (ProcessPool::*body)(PyThread&)) {
    PyThread python(stats_.recorder(), lane, options_.gil, terminating_);
    stats_.record(lane, EventKind::WorkerStart);
    python.enter();
    (this->*body)(python);
    python.leave(GilReleaseReason::Exit);
    stats_.record(lane, EventKind::WorkerExit);
}

// ---- the manager thread (_ExecutorManagerThread.run) -----------------------------------------

void ProcessPool::manager_loop(PyThread& python) {
    for (;;) {
        python.check_point(); // the eval breaker at the loop's back-edge

        // 1. Fill the call queue (bounded: workers + 1 items waiting for a worker).
        add_call_items_to_queue();

        // 2. Wait for a result, a wake-up, or a worker's death.
        std::vector<pollfd> fds;
        fds.push_back({wakeup_read_.get(), POLLIN, 0});
        fds.push_back({result_eof_ ? -1 : result_read_.get(), POLLIN, 0});
        const size_t watched = worker_count_.load(std::memory_order_acquire);
        for (size_t i = 0; i < watched; ++i)
            fds.push_back({workers_[i].gone ? -1 : workers_[i].child.sentinel.get(), POLLIN, 0});
        // connection.wait(): a select without the GIL.
        int ready = 0;
        const bool failed = python.blocking(IoKind::Pipe, [&] {
            ready = ::poll(fds.data(), fds.size(), kManagerPollMs);
            return ready < 0 && errno != EINTR;
        });
        if (failed) break;
        if (ready > 0) manager_wakeups_.fetch_add(1, std::memory_order_relaxed);
        if (fds[0].revents & POLLIN) {
            char drain[64];
            while (::read(wakeup_read_.get(), drain, sizeof drain) > 0) {
            }
        }
        if (fds[1].revents & (POLLIN | POLLHUP)) read_results(python);

        if (parser_.corrupt()) { // the result stream lost its framing: nothing after it can be trusted
            terminate_broken(nullptr);
            return;
        }

        // 3. A sentinel that fired: a goodbye we expected, or a broken pool.
        for (size_t i = 0; i < watched; ++i)
            if (!workers_[i].gone && (fds[2 + i].revents & (POLLIN | POLLHUP))) {
                on_sentinel(workers_[i], python);
                if (broken()) return;
            }

        // 4. Terminate, shutdown, or keep going.
        bool terminate_now = false, cancel_pending = false, shutting_down = false, idle = false;
        {
            std::lock_guard lock(mutex_);
            terminate_now = terminate_ || terminating_.requested();
            cancel_pending = cancel_pending_;
            shutting_down = shutdown_;
        }
        if (terminate_now) {
            // The pending items (and their payload) go first, while the killed workers die.
            fail_all_pending("cancelled: the process pool was terminated");
            kill_and_reap_all(true);
            return;
        }
        if (shutting_down) {
            std::lock_guard lock(mutex_);
            if (cancel_pending) {
                for (const uint64_t id : pending_ids_) {
                    items_.at(id).future->set_error("cancelled");
                    items_.erase(id);
                }
                pending_ids_.clear();
            }
            idle = items_.empty();
        }
        if (shutting_down && idle && !stops_sent_) {
            // One None sentinel per worker: each takes one and leaves.
            for (const WorkerProc& w : started_workers())
                if (!w.gone) push_feeder(FeederJob{true, {}});
            stops_sent_ = true;
        }
        const std::span<WorkerProc> started = started_workers();
        if (std::all_of(started.begin(), started.end(), [](const WorkerProc& w) { return w.gone; })) {
            fail_all_pending("the process pool has no workers left");
            return;
        }
    }
}

// Moves pending items to the call queue while it has a free slot (call_queue.full() is a look at
// its semaphore): a slot a worker gave back since is only seen here, when something else woke the
// manager up, as in CPython.
void ProcessPool::add_call_items_to_queue() {
    for (;;) {
        FeederJob job;
        {
            std::lock_guard lock(mutex_);
            if (pending_ids_.empty()) return;
            char slot;
            if (::read(slots_read_.get(), &slot, 1) != 1) return; // full (EAGAIN)
            const uint64_t id = pending_ids_.front();
            pending_ids_.pop_front();
            job.item = items_.at(id).call; // the payload is shared, not copied
        }
        push_feeder(std::move(job));
    }
}

void ProcessPool::read_results(PyThread& python) {
    std::vector<uint8_t> chunk(kReadChunk);
    for (;;) {
        // A worker streaming a 100 MB result keeps the pipe readable: look at the stop per read.
        if (terminating_.requested()) return;
        // A large body goes straight into its own buffer; small frames through the staging chunk.
        const bool direct = parser_.body_remaining() >= kReadChunk;
        const size_t room = direct ? std::min(parser_.body_remaining(), kDirectReadWindow) : chunk.size();
        uint8_t* into = direct ? parser_.body_space(room) : chunk.data();
        // recv_bytes reads with os.read: without the GIL.
        const auto [n, read_error] = python.blocking(IoKind::Pipe, [&] {
            const ssize_t got = ::read(result_read_.get(), into, room);
            return SysResult{got, got < 0 ? errno : 0};
        });
        if (n < 0 && read_error == EINTR) continue;
        if (n == 0) result_eof_ = true;
        if (n <= 0) break;
        if (direct)
            parser_.commit_body(size_t(n));
        else
            parser_.feed(chunk.data(), size_t(n));
        if (recv_begin_ns_ < 0) recv_begin_ns_ = now_ns(); // bytes of a new message arrived
        FrameHeader header;
        std::vector<uint8_t> body;
        bool corrupt = false;
        while (parser_.next(header, body, corrupt)) {
            handle_frame(header, body); // unpickling and set_result: Python, under the GIL
            recv_begin_ns_ = parser_.partial() ? now_ns() : -1;
            python.check_point();
        }
        if (parser_.corrupt()) return; // the manager loop treats it as a broken pool
    }
}

void ProcessPool::handle_frame(const FrameHeader& header, std::vector<uint8_t>& body) {
    if (header.sender >= worker_count_.load(std::memory_order_acquire)) return;
    WorkerProc& worker = workers_[header.sender];
    switch (MsgType(header.type)) {
    case MsgType::Result: {
        const uint64_t bytes = sizeof header + body.size();
        stats_.record_at(recv_begin_ns_ >= 0 ? recv_begin_ns_ : now_ns(), manager_lane_,
                         EventKind::IpcRecvBegin);
        stats_.record(manager_lane_, EventKind::IpcRecvEnd, bytes);
        stats_.add_ipc_bytes(bytes);
        stats_.record(manager_lane_, EventKind::DeserializeBegin, body.size());
        // Unpickling a 100 MB result holds the GIL for a while: a Stop abandons it part-way.
        std::optional<ResultItem> result = decode_result(header, body, &terminating_);
        stats_.record(manager_lane_, EventKind::DeserializeEnd);
        if (!result) break;
        WorkFuturePtr future;
        {
            std::lock_guard lock(mutex_);
            if (auto it = items_.find(result->work_id); it != items_.end()) {
                future = it->second.future;
                items_.erase(it);
            }
            // _idle_worker_semaphore.release(). CPython does it just after set_result, still
            // holding the GIL, so the thread waiting for the result always finds it released;
            // before set_results here, which keeps that true without a GIL too.
            ++idle_workers_;
        }
        if (future) future->set_results(std::move(result->results));
        break;
    }
    case MsgType::Exiting:
        worker.exiting = true;
        break;
    default:
        break;
    }
}

void ProcessPool::on_sentinel(WorkerProc& worker, PyThread& python) {
    const int64_t fired_at = now_ns();
    read_results(python); // whatever it sent before dying is still in the pipe
    reap_child(worker.child, 1000);
    worker.gone = true;
    const int status = worker.child.wait_status;
    // A Stop killed it (kill_on_stop_): an expected end, not a broken pool.
    if ((worker.exiting && WIFEXITED(status)) || terminating_.requested()) {
        stats_.record_at(fired_at, worker.lane, EventKind::WorkerExit,
                         uint64_t(int64_t(exitcode_of(status))));
        return;
    }
    stats_.record_at(fired_at, manager_lane_, EventKind::SentinelFired, uint64_t(worker.child.pid));
    if (WIFSIGNALED(status))
        stats_.record_at(fired_at, worker.lane, EventKind::WorkerCrashed, uint64_t(WTERMSIG(status)));
    else
        stats_.record_at(fired_at, worker.lane, EventKind::WorkerExit,
                         uint64_t(int64_t(exitcode_of(status))));
    terminate_broken(&worker);
}

// _terminate_broken: fail every pending future, mark the pool broken, end the other workers.
void ProcessPool::terminate_broken(const WorkerProc* dead) {
    size_t pending = 0;
    const std::string cause = dead ? "A worker process (" + dead->name + ") died with " +
                                         describe_wait_status(dead->child.wait_status)
                                   : std::string("The result queue carried a corrupt message");
    {
        std::lock_guard lock(mutex_);
        pending = items_.size();
        broken_ = true;
        error_ =
            cause + " while tasks were running or pending: the process pool is broken (BrokenProcessPool). " +
            std::to_string(pending) + " pending call item(s) failed and the other workers were terminated.";
    }
    stats_.record(manager_lane_, EventKind::PoolBroken, pending);
    fail_all_pending(std::string(kBrokenMessage) + " " + cause + ".");
    // The feeder may be blocked writing to workers that are gone (the parent still holds the call
    // queue's read end while workers start on demand): the pool's threads stop here.
    terminating_.request();
    kill_and_reap_all(true);
}

void ProcessPool::kill_and_reap_all(bool record_exit) {
    for (WorkerProc& w : started_workers())
        if (!w.gone) kill_child(w.child);
    for (WorkerProc& w : started_workers()) {
        if (w.gone) continue;
        reap_child(w.child, 1000);
        w.gone = true;
        if (record_exit)
            stats_.record(w.lane, EventKind::WorkerExit, uint64_t(int64_t(exitcode_of(w.child.wait_status))));
    }
}

void ProcessPool::fail_all_pending(const std::string& error) {
    std::map<uint64_t, WorkItem> items;
    {
        std::lock_guard lock(mutex_);
        items.swap(items_);
        pending_ids_.clear();
    }
    for (auto& [id, item] : items)
        item.future->set_error(error);
}

// ---- the feeder thread (multiprocessing.Queue._feed) -----------------------------------------

void ProcessPool::push_feeder(FeederJob job) {
    {
        std::lock_guard lock(feeder_mutex_);
        feeder_jobs_.push_back(std::move(job));
    }
    feeder_cv_.notify_one();
}

void ProcessPool::stop_feeder() {
    {
        std::lock_guard lock(feeder_mutex_);
        feeder_quit_ = true;
    }
    feeder_cv_.notify_one();
    if (feeder_.joinable()) feeder_.join();
}

void ProcessPool::feeder_loop(PyThread& python) {
    SigpipeGuard sigpipe; // every worker dead = EPIPE here, not a dead application
    for (;;) {
        FeederJob job;
        {
            std::unique_lock lock(feeder_mutex_);
            if (feeder_jobs_.empty() && !feeder_quit_) {
                // notempty.wait(): waits for work without the GIL.
                lock.unlock();
                python.leave(GilReleaseReason::Io);
                stats_.record(feeder_lane_, EventKind::Idle);
                lock.lock();
                feeder_cv_.wait(lock, [&] { return feeder_quit_ || !feeder_jobs_.empty(); });
            }
            if (feeder_quit_) return;
            job = std::move(feeder_jobs_.front());
            feeder_jobs_.pop_front();
        }
        if (!python.holds_gil()) python.enter(); // never while holding feeder_mutex_
        python.check_point();
        // The write (send_bytes) runs without the GIL.
        if (python.stopping()) return; // terminated: nothing more to send
        if (job.stop) {                // the None sentinel: nothing to pickle, no message to count
            const Frame frame = encode_stop();
            python.blocking(IoKind::Pipe, [&] {
                return write_all(call_write_.get(), frame.data(), frame.size(), terminating_);
            });
            continue;
        }
        // Pickling is Python work, under the GIL.
        const uint64_t payload = job.item.payload ? job.item.payload->size() * job.item.tasks.size() : 0;
        stats_.record(feeder_lane_, EventKind::SerializeBegin, payload);
        const Frame frame = encode_call(job.item, &terminating_);
        stats_.record(feeder_lane_, EventKind::SerializeEnd);
        if (frame.empty()) return; // the pool is being terminated: nothing more to send
        python.leave(GilReleaseReason::Io);
        stats_.record(feeder_lane_, EventKind::IpcSendBegin, frame.size());
        const bool ok = write_all(call_write_.get(), frame.data(), frame.size(), terminating_);
        stats_.record(feeder_lane_, EventKind::IpcSendEnd);
        python.enter();
        if (ok) stats_.add_ipc_bytes(frame.size());
    }
}

} // namespace clab::proc
