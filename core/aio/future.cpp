#include "future.h"

#include "task.h"

#include <algorithm>

namespace clab::aio {

bool FutureBase::cancel() {
    if (state_ != State::Pending) return false;
    finish(State::Cancelled);
    return true;
}

void FutureBase::set_exception(std::exception_ptr error) {
    require_pending("set_exception");
    error_ = std::move(error);
    finish(State::Finished);
}

std::exception_ptr FutureBase::exception() const {
    if (state_ == State::Cancelled) throw CancelledError();
    if (state_ == State::Pending) throw InvalidStateError("Exception is not set.");
    return error_;
}

uint64_t FutureBase::add_done_callback(std::function<void()> fn, CallbackKind kind) {
    const uint64_t id = next_callback_id_++;
    if (done())
        loop_->call_soon(std::move(fn), kind);
    else
        callbacks_.push_back(DoneCallback{id, nullptr, std::move(fn), kind});
    return id;
}

uint64_t FutureBase::add_task_wakeup(TaskCore* task) {
    const uint64_t id = next_callback_id_++;
    if (done())
        loop_->schedule_step(task);
    else
        callbacks_.push_back(DoneCallback{id, task, {}, CallbackKind::TaskStep});
    return id;
}

bool FutureBase::remove_done_callback(uint64_t id) {
    const auto it =
        std::find_if(callbacks_.begin(), callbacks_.end(), [id](const auto& c) { return c.id == id; });
    if (it == callbacks_.end()) return false;
    callbacks_.erase(it);
    return true;
}

void FutureBase::finish(State state) {
    state_ = state;
    // Never call them here: every callback waits its turn in the ready queue.
    auto callbacks = std::move(callbacks_);
    callbacks_.clear();
    for (auto& c : callbacks) {
        if (c.task)
            loop_->schedule_step(c.task);
        else
            loop_->call_soon(std::move(c.fn), c.kind);
    }
}

void FutureBase::raise_if_not_ok() const {
    if (state_ == State::Cancelled) throw CancelledError();
    if (state_ == State::Pending) throw InvalidStateError("Result is not set.");
    if (error_) std::rethrow_exception(error_);
}

void FutureBase::require_pending(const char* what) const {
    if (state_ != State::Pending) throw InvalidStateError(std::string(what) + ": the future is already done");
}

} // namespace clab::aio
