#include "task.h"

#include "core/trace/recorder.h"

namespace clab::aio {

namespace {
thread_local TaskCore* t_current_task = nullptr;
}

TaskCore* current_task() noexcept {
    return t_current_task;
}

namespace detail {

void suspend_on(FutureBase& future) {
    TaskCore* task = t_current_task;
    if (!task) throw std::logic_error("await on a pending future outside a task");
    task->wait_on(future);
}

void check_must_cancel() {
    if (t_current_task && t_current_task->consume_must_cancel()) throw CancelledError();
}

void enter_frame(std::coroutine_handle<> child) noexcept {
    if (t_current_task) t_current_task->set_frame(child);
}

std::coroutine_handle<> PromiseBase::finished(std::coroutine_handle<> continuation) noexcept {
    if (!continuation) return std::noop_coroutine(); // a task's root: back to TaskCore::step
    enter_frame(continuation);
    return continuation;
}

} // namespace detail

void YieldNow::await_suspend(std::coroutine_handle<>) const {
    TaskCore* task = t_current_task;
    if (!task) throw std::logic_error("yield_now outside a task");
    task->yield_step();
}

TaskCore::TaskCore(EventLoop& loop, FutureBase& as_future)
    : loop_(loop)
    , future_(as_future) {}

TaskCore::~TaskCore() = default;

void TaskCore::start(std::coroutine_handle<> root, std::shared_ptr<FutureBase> self, std::string name) {
    root_ = root;
    frame_ = root;
    number_ = loop_.next_task_number();
    name_ = name.empty() ? "Task-" + std::to_string(number_) : std::move(name);
    if (Recorder* rec = loop_.recorder()) {
        lane_ = rec->add_lane(LaneKind::Task, name_, loop_.lane());
        rec->record(lane_, EventKind::TaskBegin, number_);
    }
    python_objects_ = loop_.python_objects(objects::kTask);
    loop_.register_task(std::move(self), this);
    loop_.schedule_step(this); // nothing runs until the creator yields
}

void TaskCore::step() {
    TaskCore* const outer = t_current_task;
    t_current_task = this;
    ++steps_;
    yielded_ = false;
    waiting_on_ = nullptr; // asyncio's __step: self._fut_waiter = None
    if (!started_ && must_cancel_) {
        // Cancelled before its first step: the coroutine never runs (a throw into an unstarted
        // coroutine raises at once).
        must_cancel_ = false;
        cancel_before_start();
    } else {
        started_ = true;
        frame_.resume();
        if (root_ && root_.done()) complete_from_root();
    }
    t_current_task = outer;

    if (!future_.done()) {
        loop_.note_step_outcome(yielded_ ? StepOutcome::Yielded : StepOutcome::Awaiting);
        return;
    }
    loop_.note_step_outcome(future_.cancelled()   ? StepOutcome::Cancelled
                            : future_.exception() ? StepOutcome::Failed
                                                  : StepOutcome::Done);
    python_objects_.free(objects::kTaskFreedWhenDone);
    loop_.unregister_task(this); // may destroy *this: nothing after this line
}

bool TaskCore::request_cancel() {
    if (future_.done()) return false;
    // Cancel what we wait on: our wake-up then throws CancelledError at the await. If that
    // future is already done (our wake-up is queued) or we are ready to run, throw it at the
    // next step instead.
    if (waiting_on_ && waiting_on_->cancel()) return true;
    must_cancel_ = true;
    return true;
}

void TaskCore::wait_on(FutureBase& future) {
    waiting_on_ = &future;
    future.add_task_wakeup(this);
    // Task.__step: a cancel requested during this step (nothing was awaited then) cancels the
    // future we now wait on, at once; our wake-up then throws CancelledError at the await.
    if (must_cancel_ && future.cancel()) must_cancel_ = false;
}

void TaskCore::yield_step() {
    yielded_ = true;
    loop_.schedule_step(this);
}

} // namespace clab::aio
