#include "event_loop.h"

#include "core/net/socket_util.h"
#include "core/threads/thread_pool.h"
#include "core/trace/recorder.h"
#include "core/workload/calibration.h"
#include "core/workload/cpu_work.h"
#include "core/workload/python_thread.h"
#include "future.h"
#include "task.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <utility>

namespace clab::aio {

namespace {
thread_local EventLoop* t_running_loop = nullptr;

// asyncio's _MIN_SCHEDULED_TIMER_HANDLES and _MIN_CANCELLED_TIMER_HANDLES_FRACTION.
constexpr size_t kMinScheduledTimerHandles = 100;
constexpr double kMinCancelledTimerHandlesFraction = 0.5;

Event stamped(int64_t t, uint32_t lane, EventKind kind, uint16_t cpu, uint64_t arg) {
    Event e;
    e.t_ns = t;
    e.lane = lane;
    e.kind = kind;
    e.cpu = cpu;
    e.arg = arg;
    return e;
}
} // namespace

void Handle::cancel() {
    if (!state_ || state_->cancelled) return;
    state_->cancelled = true;
    if (state_->in_heap && state_->loop) state_->loop->timer_cancelled();
    // Drop what the callback captured now (asyncio sets _callback = None); a running callback
    // holds its own copy (see run_callback).
    std::function<void()>().swap(state_->fn);
}

EventLoop::EventLoop(LoopOptions options)
    : options_(std::move(options)) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0)
        throw std::runtime_error(net::errno_message("event loop: epoll/eventfd"));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd_;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
    if (options_.recorder)
        lane_ = options_.recorder->add_lane(LaneKind::Loop, options_.lane_name, options_.parent_lane);
    if (options_.gil_for_thread) gil_ = options_.gil_for_thread();
}

EventLoop::~EventLoop() {
    close();
}

EventLoop* EventLoop::current() {
    return t_running_loop;
}

int64_t EventLoop::time() const {
    return now_ns();
}

void EventLoop::record(uint32_t lane, EventKind kind, uint64_t arg) noexcept {
    if (options_.recorder && lane != kNoLane) options_.recorder->record(lane, kind, arg);
}

// --- scheduling ---------------------------------------------------------------------------------

void EventLoop::call_soon(std::function<void()> fn, CallbackKind kind) {
    ReadyItem item;
    item.fn = std::move(fn);
    item.kind = kind;
    item.ready_ns = now_ns();
    item.python_objects = python_objects(objects::kHandle);
    ready_.push_back(std::move(item));
}

Handle EventLoop::call_soon_handle(std::function<void()> fn, CallbackKind kind) {
    auto state = std::make_shared<HandleState>();
    state->fn = std::move(fn);
    state->kind = kind;
    state->python_objects = python_objects(objects::kHandle);
    ReadyItem item;
    item.handle = state;
    item.kind = kind;
    item.ready_ns = now_ns();
    ready_.push_back(std::move(item));
    return Handle(std::move(state));
}

void EventLoop::schedule_step(TaskCore* task) {
    ReadyItem item;
    item.task = task;
    item.kind = CallbackKind::TaskStep;
    item.ready_ns = now_ns();
    item.python_objects = python_objects(objects::kHandle);
    ready_.push_back(std::move(item));
}

TimerHandle EventLoop::call_later(int64_t delay_ns, std::function<void()> fn, CallbackKind kind) {
    return call_at(time() + std::max<int64_t>(0, delay_ns), std::move(fn), kind);
}

TimerHandle EventLoop::call_at(int64_t when_ns, std::function<void()> fn, CallbackKind kind) {
    auto state = std::make_shared<HandleState>();
    state->fn = std::move(fn);
    state->kind = kind;
    state->timer = true;
    state->when_ns = when_ns;
    state->in_heap = true;
    state->loop = this;
    state->python_objects = python_objects(objects::kHandle);
    timers_.push_back(TimerEntry{when_ns, timer_seq_++, state});
    std::push_heap(timers_.begin(), timers_.end(), TimerLater{});
    return TimerHandle(std::move(state));
}

void EventLoop::call_soon_threadsafe(std::function<void()> fn) {
    {
        std::lock_guard lock(inbox_mutex_);
        inbox_.emplace_back(now_ns(), std::move(fn));
    }
    // One eventfd write per wake-up is enough; the loop clears the flag before it drains.
    if (!wake_pending_.exchange(true)) {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
    }
}

void EventLoop::drain_threadsafe_inbox() {
    uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &count, sizeof count);
    wake_pending_.store(false);
    std::vector<std::pair<int64_t, std::function<void()>>> arrived;
    {
        std::lock_guard lock(inbox_mutex_);
        arrived.swap(inbox_);
    }
    // Ready since the other thread queued it: a loop busy in a callback meanwhile made it wait.
    for (auto& [queued_ns, fn] : arrived) {
        ReadyItem item;
        item.fn = std::move(fn);
        item.kind = CallbackKind::Threadsafe;
        item.ready_ns = queued_ns;
        item.python_objects = python_objects(objects::kHandle);
        ready_.push_back(std::move(item));
    }
}

// --- I/O readiness --------------------------------------------------------------------------------

void EventLoop::update_epoll(int fd, FdWatch& watch) {
    const uint32_t mask = (watch.reader ? uint32_t(EPOLLIN) : 0u) | (watch.writer ? uint32_t(EPOLLOUT) : 0u);
    if (mask == watch.registered) return;
    epoll_event ev{};
    ev.events = mask;
    ev.data.fd = fd;
    const int op = watch.registered == 0 ? EPOLL_CTL_ADD : mask == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    if (epoll_ctl(epoll_fd_, op, fd, &ev) != 0 && op != EPOLL_CTL_DEL)
        throw std::runtime_error(net::errno_message("epoll_ctl"));
    watch.registered = mask;
}

void EventLoop::add_reader(int fd, std::function<void()> fn) {
    FdWatch& watch = fds_[fd];
    if (watch.reader) Handle(watch.reader).cancel();
    watch.reader = std::make_shared<HandleState>();
    watch.reader->fn = std::move(fn);
    watch.reader->kind = CallbackKind::IoReady;
    watch.reader->python_objects = python_objects(objects::kHandle);
    update_epoll(fd, watch);
}

bool EventLoop::remove_reader(int fd) {
    const auto it = fds_.find(fd);
    if (it == fds_.end() || !it->second.reader) return false;
    Handle(std::exchange(it->second.reader, nullptr)).cancel(); // a queued run is skipped
    update_epoll(fd, it->second);
    if (!it->second.writer) fds_.erase(it);
    return true;
}

void EventLoop::add_writer(int fd, std::function<void()> fn) {
    FdWatch& watch = fds_[fd];
    if (watch.writer) Handle(watch.writer).cancel();
    watch.writer = std::make_shared<HandleState>();
    watch.writer->fn = std::move(fn);
    watch.writer->kind = CallbackKind::IoReady;
    watch.writer->python_objects = python_objects(objects::kHandle);
    update_epoll(fd, watch);
}

bool EventLoop::remove_writer(int fd) {
    const auto it = fds_.find(fd);
    if (it == fds_.end() || !it->second.writer) return false;
    Handle(std::exchange(it->second.writer, nullptr)).cancel();
    update_epoll(fd, it->second);
    if (!it->second.reader) fds_.erase(it);
    return true;
}

// --- one iteration: base_events.py BaseEventLoop._run_once -----------------------------------

void EventLoop::run_once() {
    // Coroutines find their loop through EventLoop::current() (asyncio.get_running_loop).
    struct CurrentLoop {
        EventLoop* outer;
        explicit CurrentLoop(EventLoop* loop)
            : outer(std::exchange(t_running_loop, loop)) {}
        ~CurrentLoop() { t_running_loop = outer; }
    } current(this);
    ++stats_.iterations;
    record(lane_, EventKind::LoopIteration, (uint64_t(ready_.size()) << 32) | uint64_t(timers_.size()));
    drop_cancelled_timers();
    select_and_queue_io(compute_timeout());
    queue_due_timers();
    record(lane_, EventKind::ReadyLength, ready_.size());
    run_ready_snapshot();
}

void EventLoop::drop_cancelled_timers() {
    const size_t scheduled = timers_.size();
    if (scheduled > kMinScheduledTimerHandles &&
        double(timer_cancelled_count_) / double(scheduled) > kMinCancelledTimerHandlesFraction) {
        // Too many dead entries: rebuild the heap without them (saves memory).
        std::erase_if(timers_, [](const TimerEntry& t) {
            if (!t.handle->cancelled) return false;
            t.handle->in_heap = false;
            return true;
        });
        std::make_heap(timers_.begin(), timers_.end(), TimerLater{});
        timer_cancelled_count_ = 0;
    } else {
        // Else only those at the head, which would otherwise decide the timeout.
        while (!timers_.empty() && timers_.front().handle->cancelled) {
            --timer_cancelled_count_;
            std::pop_heap(timers_.begin(), timers_.end(), TimerLater{});
            timers_.back().handle->in_heap = false;
            timers_.pop_back();
        }
    }
}

int64_t EventLoop::compute_timeout() const {
    if (!ready_.empty() || stopping_) return 0;
    if (!timers_.empty()) return std::max<int64_t>(0, timers_.front().when_ns - time());
    return -1; // nothing to do until an fd is ready
}

void EventLoop::select_and_queue_io(int64_t timeout_ns) {
    // As selectors.EpollSelector.select: room for every registered fd (max_ev = len(fd_to_key)),
    // and the wake-up eventfd, so that one select reports everything that is ready.
    const size_t room = fds_.size() + 1;
    if (select_events_.size() < room) select_events_.resize(room);
    epoll_event* events = select_events_.data();
    // select() runs without the GIL, whatever the timeout: the executor's threads get it meanwhile,
    // and the loop has to win it back before it can run what became ready.
    const bool release_gil = python_ && python_->holds_gil();
    if (release_gil) python_->leave(GilReleaseReason::Io);
    record(lane_, EventKind::SelectBegin, timeout_ns < 0 ? UINT64_MAX : uint64_t(timeout_ns));
    int n = net::epoll_wait_ns(epoll_fd_, events, int(room), timeout_ns);
    if (n < 0) n = 0; // EINTR: an empty select
    const int64_t select_end = now_ns();
    record(lane_, EventKind::SelectEnd, uint64_t(n));
    if (release_gil) python_->enter();
    // selectors.EpollSelector.select, back with the GIL: epoll.poll's list of (fd, events) pairs,
    // then the ready list of (key, events) pairs; the first goes when select() returns, the second
    // once _process_events has queued the callbacks (_run_once: event_list = None). A select()
    // reporting thousands of fds crosses the collector's threshold on its own (python3 3.11 here,
    // 10,000 requests: 77 of its 846 collections ran inside select()).
    std::vector<PyObjects> ready_pairs;
    {
        std::vector<PyObjects> polled = python_pairs(uint32_t(n));
        ready_pairs = python_pairs(uint32_t(n));
    }
    for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        const uint32_t mask = events[i].events;
        if (fd == wake_fd_) {
            drain_threadsafe_inbox();
            continue;
        }
        const auto it = fds_.find(fd);
        if (it == fds_.end()) continue;
        // Errors and hang-ups wake both sides: the callbacks find out by reading/writing.
        const bool readable = mask & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP);
        const bool writable = mask & (EPOLLOUT | EPOLLHUP | EPOLLERR);
        if (readable && it->second.reader) {
            ReadyItem item;
            item.handle = it->second.reader;
            item.kind = CallbackKind::IoReady;
            item.ready_ns = select_end;
            item.reads = true;
            ready_.push_back(std::move(item));
        }
        if (writable && it->second.writer) {
            ReadyItem item;
            item.handle = it->second.writer;
            item.kind = CallbackKind::IoReady;
            item.ready_ns = select_end;
            ready_.push_back(std::move(item));
        }
    }
}

void EventLoop::queue_due_timers() {
    const int64_t now = time();
    while (!timers_.empty() && timers_.front().when_ns <= now) {
        std::pop_heap(timers_.begin(), timers_.end(), TimerLater{});
        TimerEntry entry = std::move(timers_.back());
        timers_.pop_back();
        entry.handle->in_heap = false;
        if (entry.handle->cancelled) {
            --timer_cancelled_count_;
            continue;
        }
        record(lane_, EventKind::TimerFire, uint64_t(now - entry.when_ns));
        ReadyItem item;
        item.ready_ns = entry.when_ns; // due then
        item.handle = std::move(entry.handle);
        item.kind = item.handle->kind;
        ready_.push_back(std::move(item));
    }
}

void EventLoop::run_ready_snapshot() {
    // The snapshot count: callbacks that these callbacks schedule run in the next iteration.
    const size_t ntodo = ready_.size();
    for (size_t i = 0; i < ntodo && !ready_.empty(); ++i) {
        ReadyItem item = std::move(ready_.front());
        ready_.pop_front();
        run_callback(item);
    }
}

void EventLoop::run_callback(ReadyItem& item) {
    if (item.handle && item.handle->cancelled) return;
    Recorder* const rec = options_.recorder;
    // One clock read at each end serves the loop lane, the task lane, the slow-callback check and
    // the lag: recording must not dominate a task switch.
    const int64_t t0 = now_ns();
    uint16_t cpu = 0xFFFF;
    uint32_t task_lane = kNoLane;
    uint64_t task_number = 0;
    if (item.task) {
        task_lane = item.task->lane();
        task_number = item.task->number();
    }
    const int64_t lag = std::max<int64_t>(0, t0 - item.ready_ns);
    stats_.max_callback_lag_ns = std::max(stats_.max_callback_lag_ns, lag);
    if (rec) {
        cpu = current_cpu();
        const uint64_t who = task_lane == kNoLane ? 0 : uint64_t(task_lane) + 1;
        rec->record_event(stamped(t0, lane_, EventKind::CallbackLag, cpu, uint64_t(lag)));
        rec->record_event(
            stamped(t0, lane_, EventKind::CallbackBegin, cpu, uint64_t(item.kind) | (who << 32)));
        if (task_lane != kNoLane)
            rec->record_event(stamped(t0, task_lane, EventKind::TaskStepBegin, cpu, task_number));
    }
    ++stats_.callbacks;
    spend_python_cost(item.reads);

    try {
        if (item.task) {
            ++stats_.task_steps;
            item.task->step(); // may free the task (it finished): use nothing of it below
        } else if (item.handle) {
            // One-shot handles give up their callback; I/O handles stay registered and are
            // copied, so remove_reader() inside the callback cannot free the running function.
            const bool persistent = item.kind == CallbackKind::IoReady;
            std::function<void()> fn = persistent ? item.handle->fn : std::move(item.handle->fn);
            if (fn) fn();
        } else if (item.fn) {
            item.fn();
        }
    } catch (...) {
        // asyncio logs "Exception in callback ..." and carries on; so do we (a Task never lets an
        // exception out of its step: it keeps it as its result).
        ++stats_.callback_errors;
    }

    const int64_t t1 = now_ns();
    const int64_t duration = t1 - t0;
    stats_.max_callback_ns = std::max(stats_.max_callback_ns, duration);
    if (rec) {
        if (task_lane != kNoLane)
            rec->record_event(stamped(t1, task_lane, EventKind::TaskStepEnd, cpu, uint64_t(step_outcome_)));
        rec->record_event(stamped(t1, lane_, EventKind::CallbackEnd, cpu, uint64_t(item.kind)));
    }
    if (options_.debug && duration >= options_.slow_callback_ns) {
        ++stats_.slow_callbacks;
        record(lane_, EventKind::SlowCallback, uint64_t(duration));
    }
}

void EventLoop::load_python_costs() {
    if (callback_iterations_ >= 0) return;
    const Calibration& c = calibration();
    callback_iterations_ = int64_t(c.asyncio_step_iterations + 0.5);
    io_callback_iterations_ = int64_t(c.asyncio_io_iterations + 0.5);
    connection_setup_iterations_ = int64_t(
        std::clamp(c.asyncio_connection_setup_iterations, 0.0, c.asyncio_connection_iterations) + 0.5);
    connection_iterations_ = int64_t(c.asyncio_connection_iterations + 0.5) - connection_setup_iterations_;
    connection_bytes_ = size_t(c.asyncio_connection_bytes + 0.5);
    gc_young_iterations_ = c.gc_young_iterations_per_object;
    gc_full_iterations_ = c.gc_full_iterations_per_object;
}

PyObjects EventLoop::python_objects(uint32_t count) {
    if (!options_.python_cost || count == 0) return {};
    uint64_t born = 0;
    const PythonGc::Collection due = gc_->allocate(count, &born);
    if (due.generation >= 0) run_collection(due);
    return PyObjects(gc_, count, born);
}

std::vector<PyObjects> EventLoop::python_pairs(uint32_t count) {
    std::vector<PyObjects> groups;
    if (!options_.python_cost) return groups;
    // One at a time: a burst of thousands crosses the threshold more than once; a group per
    // stretch between collections, so that each knows its generation.
    uint32_t group = 0;
    uint64_t group_born = 0;
    for (uint32_t i = 0; i < count; ++i) {
        uint64_t born = 0;
        const PythonGc::Collection due = gc_->allocate_pairs(1, &born);
        if (group == 0) group_born = born;
        ++group;
        if (due.generation >= 0) {
            groups.emplace_back(gc_, group, group_born, true);
            group = 0;
            run_collection(due);
        }
    }
    if (group > 0) groups.emplace_back(gc_, group, group_born, true);
    return groups;
}

void EventLoop::run_collection(const PythonGc::Collection& collection) {
    load_python_costs();
    const double per_object =
        collection.generation == PythonGc::kGenerations - 1 ? gc_full_iterations_ : gc_young_iterations_;
    record(lane_, EventKind::GcBegin, uint64_t(collection.generation) | (collection.objects << 8));
    // Its CPU goes into GcEnd: what python3's gc.callbacks measure (process_time), where the
    // segment's length also counts the moments a busy machine kept the loop off its core.
    const int64_t cpu_before = thread_cpu_ns();
    spend_python_iterations(int64_t(double(collection.objects) * per_object + 0.5));
    const uint64_t cpu_ns = uint64_t(std::max<int64_t>(0, thread_cpu_ns() - cpu_before));
    record(lane_, EventKind::GcEnd, uint64_t(collection.generation) | (cpu_ns << 8));
}

void EventLoop::spend_python_cost(bool reads) {
    if (!options_.python_cost) return;
    load_python_costs();
    spend_python_iterations(reads ? io_callback_iterations_ : callback_iterations_);
}

void EventLoop::spend_connection_setup_cost() {
    if (!options_.python_cost) return;
    load_python_costs();
    spend_python_iterations(connection_setup_iterations_);
}

void EventLoop::spend_connection_cost() {
    if (!options_.python_cost) return;
    load_python_costs();
    spend_python_iterations(connection_iterations_);
}

size_t EventLoop::connection_bytes() {
    if (!options_.python_cost) return 0;
    load_python_costs();
    return connection_bytes_;
}

void EventLoop::spend_python_iterations(int64_t iterations) {
    stats_.python_iterations += iterations;
    PyThread& python = python_thread();
    // Python work with check points, so the GIL's drop requests are honoured as in CPython's eval
    // loop; without the GIL in play (the loop is the only Python thread) there is nobody to yield to.
    if (python.gil() && !python.holds_gil())
        python.spin(uint32_t(iterations * int64_t(python.steps_per_iteration())));
    else
        python.run_iterations(iterations);
}

// --- running --------------------------------------------------------------------------------

void EventLoop::run_forever() {
    if (closed_) throw std::logic_error("the event loop is closed");
    if (running_) throw std::logic_error("this event loop is already running");
    if (t_running_loop) throw std::logic_error("another event loop is running on this thread");
    running_ = true;
    t_running_loop = this;
    enter_python();
    for (;;) {
        run_once();
        if (stopping_) break;
    }
    leave_python();
    stopping_ = false;
    running_ = false;
    t_running_loop = nullptr;
}

void EventLoop::enter_python() {
    if (gil_ && gil_in_play_ && !python_thread().holds_gil()) python_->enter();
}

void EventLoop::leave_python() {
    if (!python_ || !python_->holds_gil()) return;
    python_->leave(GilReleaseReason::Io);
    record(lane_, EventKind::Idle); // not running Python: the lane must not look like it holds the GIL
}

void EventLoop::stop() {
    stopping_ = true;
}

void EventLoop::run_until_done(const std::shared_ptr<FutureBase>& future) {
    future->add_done_callback([this] { stop(); }, CallbackKind::Other);
    while (!future->done())
        run_forever();
}

// --- tasks ------------------------------------------------------------------------------------

void EventLoop::register_task(std::shared_ptr<FutureBase> task, TaskCore* core) {
    core->registry_slot = tasks_.size();
    tasks_.emplace_back(std::move(task), core);
}

void EventLoop::unregister_task(TaskCore* core) {
    const size_t slot = core->registry_slot;
    if (slot >= tasks_.size() || tasks_[slot].second != core) return;
    std::shared_ptr<FutureBase> keep = std::move(tasks_[slot].first);
    if (slot + 1 != tasks_.size()) {
        tasks_[slot] = std::move(tasks_.back());
        tasks_[slot].second->registry_slot = slot;
    }
    tasks_.pop_back();
    // `keep` may be the last reference: the task is freed here, after the registry is consistent.
}

ThreadPoolExecutor& EventLoop::default_executor() {
    if (!executor_) {
        ThreadPoolExecutor::Options o;
        o.max_workers = options_.executor_workers;
        o.name_prefix = "asyncio"; // asyncio's default executor names its threads asyncio_N
        o.lane_kind = LaneKind::Executor;
        o.parent_lane = lane_;
        o.gil_for_thread = options_.gil_for_thread;
        executor_ = std::make_unique<ThreadPoolExecutor>(thread_recorder(), stop_signal(), std::move(o));
        // A second Python thread is coming: from now on the loop competes for the GIL.
        gil_in_play_ = true;
        if (running_) enter_python();
    }
    return *executor_;
}

PyThread& EventLoop::python_thread() {
    if (!python_) python_ = std::make_unique<PyThread>(thread_recorder(), lane_, gil_, stop_signal());
    return *python_;
}

Recorder& EventLoop::thread_recorder() {
    if (options_.recorder) return *options_.recorder;
    if (!own_recorder_) own_recorder_ = std::make_unique<Recorder>();
    return *own_recorder_;
}

const StopSignal& EventLoop::stop_signal() const {
    return options_.stop ? *options_.stop : never_stopped_;
}

void EventLoop::close() {
    if (closed_) return;
    if (running_) throw std::logic_error("cannot close a running event loop");
    // asyncio.run's clean-up: cancel every task still pending and let them unwind, so their
    // `finally` blocks and destructors run on the loop (bounded: a task that refuses to end is
    // dropped below).
    if (!tasks_.empty()) {
        std::vector<std::shared_ptr<FutureBase>> pending;
        for (auto& [task, core] : tasks_)
            pending.push_back(task);
        for (auto& task : pending)
            task->cancel();
        pending.clear();
        const int64_t deadline = time() + 1'000'000'000;
        t_running_loop = this;
        running_ = true;
        stopping_ = true; // select never blocks here
        enter_python();
        while (!tasks_.empty() && time() < deadline)
            run_once();
        leave_python();
        stopping_ = false;
        running_ = false;
        t_running_loop = nullptr;
    }
    // Joins its threads (their reports are dropped below); they may need the GIL to finish, and
    // the loop's thread does not hold it here.
    if (executor_) executor_->shutdown();

    auto stuck = std::move(tasks_);
    tasks_.clear();
    for (auto& [task, core] : stuck)
        core->destroy_frames();
    stuck.clear();
    ready_.clear();
    timers_.clear();
    {
        std::lock_guard lock(inbox_mutex_);
        inbox_.clear();
    }
    for (auto& [fd, watch] : fds_)
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    fds_.clear();
    executor_.reset();
    ::close(epoll_fd_);
    ::close(wake_fd_);
    epoll_fd_ = wake_fd_ = -1;
    closed_ = true;
}

} // namespace clab::aio
