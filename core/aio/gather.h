// asyncio.gather (Lib/asyncio/tasks.py, return_exceptions=False): one outer future for many
// children. Results come back in argument order, whatever order the children finish in. The first
// child that fails (or is cancelled) fails the outer future at once; the other children keep
// running. Cancelling the outer future cancels every child. Each child reports through a done
// callback, i.e. through the ready queue.
#pragma once

#include "event_loop.h"
#include "task.h"

#include <memory>
#include <vector>

namespace clab::aio {

namespace detail {
template <typename T> using GatherResult = std::conditional_t<std::is_void_v<T>, void, std::vector<T>>;
}

template <typename T> class GatheringFuture final : public Future<detail::GatherResult<T>> {
public:
    using Children = std::vector<std::shared_ptr<Future<T>>>;
    GatheringFuture(EventLoop& loop, Children children)
        : Future<detail::GatherResult<T>>(loop)
        , children_(std::move(children)) {}

    // _GatheringFuture.cancel: cancel the children; the outer ends when they report back.
    bool cancel() override {
        if (this->done()) return false;
        bool any = false;
        for (auto& child : children_)
            if (child->cancel()) any = true;
        if (any) cancel_requested_ = true;
        return any;
    }

    void watch_children() {
        python_objects_ = this->loop().python_objects(uint32_t(children_.size() * objects::kGatherChild));
        if (children_.empty()) return finish_with_results();
        std::weak_ptr<GatheringFuture> weak =
            std::static_pointer_cast<GatheringFuture>(this->shared_from_this());
        for (auto& child : children_) {
            Future<T>* c = child.get();
            child->add_done_callback([weak, c] {
                if (auto self = weak.lock()) self->child_done(*c);
            });
        }
    }

private:
    void child_done(Future<T>& child) {
        ++finished_;
        if (this->done()) return; // already failed: the other results are not needed
        if (child.cancelled()) return this->set_exception(std::make_exception_ptr(CancelledError()));
        if (auto error = child.exception()) return this->set_exception(error);
        if (finished_ == children_.size()) finish_with_results();
    }

    void finish_with_results() {
        if (cancel_requested_) return this->set_exception(std::make_exception_ptr(CancelledError()));
        if constexpr (std::is_void_v<T>) {
            this->set_result();
        } else {
            std::vector<T> results;
            results.reserve(children_.size());
            for (auto& child : children_)
                results.push_back(child->result()); // argument order
            this->set_result(std::move(results));
        }
    }

    Children children_;
    PyObjects python_objects_; // CPython's per child (python_gc.h)
    size_t finished_ = 0;
    bool cancel_requested_ = false;
};

template <typename T>
std::shared_ptr<Future<detail::GatherResult<T>>> gather(EventLoop& loop,
                                                        std::vector<std::shared_ptr<Future<T>>> children) {
    // gather's arg_to_fut dict, a local freed when gather returns (python_heap.h).
    loop.python_heap().freed(PythonHeap::dict_table_bytes(children.size()));
    auto outer = std::make_shared<GatheringFuture<T>>(loop, std::move(children));
    outer->watch_children();
    return outer;
}

template <typename T>
std::shared_ptr<Future<detail::GatherResult<T>>> gather(EventLoop& loop,
                                                        std::vector<std::shared_ptr<Task<T>>> tasks) {
    std::vector<std::shared_ptr<Future<T>>> children(tasks.begin(), tasks.end());
    return gather(loop, std::move(children));
}

// gather(coro1, coro2, ...) with coroutines: each is wrapped in a task first (ensure_future).
template <typename T>
std::shared_ptr<Future<detail::GatherResult<T>>> gather(EventLoop& loop, std::vector<Coro<T>> coros) {
    std::vector<std::shared_ptr<Future<T>>> children;
    children.reserve(coros.size());
    for (auto& coro : coros)
        children.push_back(create_task(loop, std::move(coro)));
    return gather(loop, std::move(children));
}

// gather(loop, coro_a(), coro_b(), ...): the same for coroutines given one by one.
template <typename T, typename... Rest>
requires(std::is_same_v<Rest, Coro<T>>&&...) auto gather(EventLoop& loop, Coro<T> first, Rest... rest) {
    std::vector<Coro<T>> coros;
    coros.reserve(1 + sizeof...(rest));
    coros.push_back(std::move(first));
    (coros.push_back(std::move(rest)), ...);
    return gather(loop, std::move(coros));
}

} // namespace clab::aio
