// Coroutines and tasks, after Lib/asyncio/tasks.py.
//
//   Coro<T>   a coroutine (`async def`). Lazy: nothing runs until it is awaited or wrapped in a
//             task. `co_await coro` runs it inside the awaiting task, with no trip through the
//             loop (like `await coro()` in Python).
//   Task<T>   a Future<T> that drives a Coro<T>. create_task() schedules its first step with
//             call_soon, so nothing runs until the creator yields. A step resumes the coroutine
//             and lasts until it awaits something pending: then the task registers its wake-up as
//             that future's done callback and the step ends. yield_now() (sleep(0)) just schedules
//             the next step. When the coroutine ends, the task's own callbacks are scheduled.
//   cancel()  like Task.cancel(): cancels the future the task waits on (its wake-up then throws
//             CancelledError at the await), or, if the task is ready to run, throws it at the next
//             step. A coroutine may catch it; if it lets it out, the task ends cancelled.
//
// Each task gets a timeline lane named like asyncio's task names ("Task-3"); every step is
// recorded as TaskStepBegin/TaskStepEnd on it with the outcome (awaiting, yielded, done, failed,
// cancelled), and as a TaskStep callback on the loop's lane.
#pragma once

#include "future.h"
#include "python_gc.h"

#include <coroutine>
#include <exception>
#include <memory>
#include <string>
#include <utility>

namespace clab::aio {

template <typename T> class Coro;

namespace detail {

struct PromiseBase {
    std::coroutine_handle<> continuation; // who awaits us inside the same task (none for a task's root)
    std::exception_ptr error;

    std::suspend_always initial_suspend() noexcept { return {}; }
    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        template <typename P> std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
            return finished(h.promise().continuation);
        }
        void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }
    // Hands control back to the awaiting coroutine and tells the task which frame is innermost now.
    static std::coroutine_handle<> finished(std::coroutine_handle<> continuation) noexcept;
};

template <typename T> struct Promise : PromiseBase {
    std::optional<T> value;
    Coro<T> get_return_object() noexcept;
    template <typename U> void return_value(U&& v) { value.emplace(std::forward<U>(v)); }
    T take() {
        if (error) std::rethrow_exception(error);
        return std::move(*value);
    }
};
template <> struct Promise<void> : PromiseBase {
    Coro<void> get_return_object() noexcept;
    void return_void() noexcept {}
    void take() {
        if (error) std::rethrow_exception(error);
    }
};

// The task's innermost running frame changes when a coroutine awaits another one.
void enter_frame(std::coroutine_handle<> child) noexcept;

} // namespace detail

template <typename T = void> class [[nodiscard]] Coro {
public:
    using promise_type = detail::Promise<T>;
    using Handle = std::coroutine_handle<promise_type>;

    Coro() = default;
    explicit Coro(Handle h) noexcept
        : handle_(h) {}
    Coro(Coro&& o) noexcept
        : handle_(std::exchange(o.handle_, {})) {}
    Coro& operator=(Coro&& o) noexcept {
        if (this != &o) {
            reset();
            handle_ = std::exchange(o.handle_, {});
        }
        return *this;
    }
    ~Coro() { reset(); }

    Handle handle() const noexcept { return handle_; }
    Handle release() noexcept { return std::exchange(handle_, {}); }
    void reset() noexcept {
        if (handle_) std::exchange(handle_, {}).destroy();
    }

    // `co_await coro`: run it in this task (symmetric transfer), come back when it returns.
    auto operator co_await() && noexcept {
        struct Awaiter {
            Handle child;
            bool await_ready() const noexcept { return false; }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<> parent) noexcept {
                child.promise().continuation = parent;
                detail::enter_frame(child);
                return child;
            }
            T await_resume() { return child.promise().take(); }
        };
        return Awaiter{handle_};
    }

private:
    Handle handle_;
};

namespace detail {
template <typename T> Coro<T> Promise<T>::get_return_object() noexcept {
    return Coro<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Coro<void> Promise<void>::get_return_object() noexcept {
    return Coro<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
} // namespace detail

// The part of a task that does not depend on its result type.
class TaskCore {
public:
    TaskCore(EventLoop& loop, FutureBase& as_future);
    virtual ~TaskCore();
    TaskCore(const TaskCore&) = delete;
    TaskCore& operator=(const TaskCore&) = delete;

    // Task.__step: resume the innermost frame until it awaits, yields or ends.
    void step();
    bool request_cancel(); // Task.cancel()
    uint32_t lane() const { return lane_; }
    uint64_t number() const { return number_; }
    const std::string& name() const { return name_; }
    size_t steps() const { return steps_; }

    // For the awaiters (on this task, during its step).
    void wait_on(FutureBase& future);
    void yield_step(); // sleep(0): schedule the next step
    bool consume_must_cancel() noexcept { return std::exchange(must_cancel_, false); }
    void set_frame(std::coroutine_handle<> h) noexcept { frame_ = h; }

    // The loop's registry keeps pending tasks alive; it needs our slot.
    size_t registry_slot = 0;
    // Called by the loop's close(): free the coroutine frames of a task that never finished.
    virtual void destroy_frames() noexcept = 0;

protected:
    void start(std::coroutine_handle<> root, std::shared_ptr<FutureBase> self, std::string name);
    // Completes the Future side from the finished root frame; implemented per result type.
    virtual void complete_from_root() = 0;
    virtual void cancel_before_start() = 0;
    std::coroutine_handle<> root_;

private:
    EventLoop& loop_;
    FutureBase& future_;
    std::coroutine_handle<> frame_;    // innermost frame: where the next step resumes
    FutureBase* waiting_on_ = nullptr; // asyncio's _fut_waiter
    std::shared_ptr<FutureBase> waiting_on_ref_;
    bool must_cancel_ = false;
    bool started_ = false;
    bool yielded_ = false;
    uint32_t lane_ = kNoLane;
    uint64_t number_ = 0;
    size_t steps_ = 0;
    std::string name_;
    PyObjects python_objects_; // CPython's Task, coroutine and what they hold (python_gc.h)
};

template <typename T> class Task final : public Future<T>, public TaskCore {
public:
    Task(EventLoop& loop, Coro<T> coro)
        : Future<T>(loop)
        , TaskCore(loop, *this)
        , coro_(std::move(coro)) {}
    ~Task() override { root_ = {}; } // coro_ frees the frame

    bool cancel() override { return request_cancel(); }

    static std::shared_ptr<Task> create(EventLoop& loop, Coro<T> coro, std::string name) {
        auto task = std::make_shared<Task>(loop, std::move(coro));
        task->start(task->coro_.handle(), task, std::move(name));
        return task;
    }

private:
    void destroy_frames() noexcept override {
        root_ = {};
        coro_.reset();
    }
    void cancel_before_start() override {
        root_ = {};
        coro_.reset();
        this->FutureBase::cancel();
    }
    void complete_from_root() override {
        try {
            if constexpr (std::is_void_v<T>) {
                coro_.handle().promise().take();
                coro_.reset();
                this->set_result();
            } else {
                auto value = coro_.handle().promise().take();
                coro_.reset();
                this->set_result(std::move(value));
            }
        } catch (const CancelledError&) {
            coro_.reset();
            this->FutureBase::cancel();
        } catch (...) {
            coro_.reset();
            this->set_exception(std::current_exception());
        }
        root_ = {};
    }
    friend class TaskCore;
    Coro<T> coro_;
};

// asyncio.create_task: wrap and schedule (first step via call_soon). `name` defaults to "Task-N".
template <typename T>
std::shared_ptr<Task<T>> create_task(EventLoop& loop, Coro<T> coro, std::string name = {}) {
    return Task<T>::create(loop, std::move(coro), std::move(name));
}
template <typename T> std::shared_ptr<Task<T>> create_task(Coro<T> coro, std::string name = {}) {
    return Task<T>::create(*EventLoop::current(), std::move(coro), std::move(name));
}

// `await asyncio.sleep(0)`: give every other ready callback one turn.
struct YieldNow {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const;
    void await_resume() const { detail::check_must_cancel(); }
};
inline YieldNow yield_now() {
    return {};
}

// asyncio.run(main()): a task for `coro` on `loop`, run until it is done; returns its result
// (or throws what it threw).
template <typename T> T run(EventLoop& loop, Coro<T> coro) {
    auto task = create_task(loop, std::move(coro));
    loop.run_until_done(task);
    return task->result();
}

} // namespace clab::aio
