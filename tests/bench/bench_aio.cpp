// The cost of asyncio's basic moves on our loop: one task switch (a task yields with sleep(0)
// and the loop resumes the next), and create_task + gather per task. With and without recording
// events, so we see what recording adds. CPython's figures for the same code come from
// bench_aio_cpython.py (run it with python3 and compare).
#include "core/aio/aio.h"
#include "core/trace/recorder.h"

#include <benchmark/benchmark.h>
#include <memory>

namespace {

using namespace clab;
using namespace clab::aio;

Coro<void> yielder(int count) {
    for (int i = 0; i < count; ++i)
        co_await yield_now();
}

Coro<void> nothing() {
    co_return;
}

// state.range(0): tasks; state.range(1): 1 = record events.
void BM_TaskSwitch(benchmark::State& state) {
    const int tasks = int(state.range(0));
    constexpr int kYields = 1000;
    uint64_t switches = 0;
    for (auto _ : state) {
        std::unique_ptr<Recorder> recorder = state.range(1) ? std::make_unique<Recorder>() : nullptr;
        LoopOptions options;
        options.recorder = recorder.get();
        options.python_cost = false; // the loop's own machinery, not CPython's cost it models
        EventLoop loop(options);
        auto main = [&]() -> Coro<void> {
            std::vector<Coro<void>> coros;
            for (int i = 0; i < tasks; ++i)
                coros.push_back(yielder(kYields));
            co_await gather(loop, std::move(coros));
        };
        run(loop, main());
        switches += loop.stats().task_steps;
    }
    state.counters["ns_per_switch"] =
        benchmark::Counter(double(switches), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_TaskSwitch)
    ->Args({10, 0})
    ->Args({10, 1})
    ->Args({1000, 0})
    ->Args({1000, 1})
    ->Unit(benchmark::kMillisecond);

void BM_CreateTaskAndGather(benchmark::State& state) {
    const int tasks = int(state.range(0));
    uint64_t created = 0;
    for (auto _ : state) {
        std::unique_ptr<Recorder> recorder = state.range(1) ? std::make_unique<Recorder>() : nullptr;
        LoopOptions options;
        options.recorder = recorder.get();
        options.python_cost = false; // the loop's own machinery, not CPython's cost it models
        EventLoop loop(options);
        auto main = [&]() -> Coro<void> {
            std::vector<std::shared_ptr<Task<void>>> children;
            children.reserve(size_t(tasks));
            for (int i = 0; i < tasks; ++i)
                children.push_back(create_task(nothing()));
            co_await gather(loop, children);
        };
        run(loop, main());
        created += uint64_t(tasks);
    }
    state.counters["ns_per_task"] =
        benchmark::Counter(double(created), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CreateTaskAndGather)->Args({10'000, 0})->Args({10'000, 1})->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
