#include "task_runner.h"

#include "core/workload/cpu_work.h"

#include <algorithm>
#include <csignal>
#include <ctime>

namespace clab::proc {

namespace {

constexpr int64_t kProgressEveryNs = 50'000'000;
constexpr int64_t kIterationsPerCheck = 1024; // ~35 µs of Python-speed work between CPU samples

// time.sleep(seconds) in a worker: a blocking call with its own lane state.
void blocking_sleep(int64_t ns, EventSink& sink) {
    sink.add(EventKind::IoBegin, uint64_t(IoKind::Sleep));
    sink.flush(); // what happened up to the blocking call is shown while it blocks
    const int64_t begin = now_ns();
    timespec deadline{};
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += ns / 1'000'000'000;
    deadline.tv_nsec += ns % 1'000'000'000;
    if (deadline.tv_nsec >= 1'000'000'000) {
        ++deadline.tv_sec;
        deadline.tv_nsec -= 1'000'000'000;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
    }
    sink.add(EventKind::IoEnd, uint64_t(now_ns() - begin));
}

} // namespace

uint64_t python_loop(int64_t iterations, uint32_t steps_per_iteration, uint64_t seed, EventSink& sink) {
    uint64_t x = seed;
    uint16_t cpu = current_cpu();
    int64_t next_progress = now_ns() + kProgressEveryNs;
    for (int64_t done = 0; done < iterations;) {
        const int64_t block = std::min(kIterationsPerCheck, iterations - done);
        for (int64_t i = 0; i < block; ++i)
            x = spin_steps(x, steps_per_iteration);
        done += block;
        // The OS may move us to another core at any time: sample it, as a profiler would.
        if (const uint16_t now_cpu = current_cpu(); now_cpu != cpu) {
            cpu = now_cpu;
            sink.add(EventKind::CpuMigrated, now_cpu);
        }
        if (const int64_t t = now_ns(); t >= next_progress) {
            next_progress = t + kProgressEveryNs;
            sink.progress();
        }
    }
    return x;
}

void run_task(const CallItem& item, uint64_t task, EventSink& sink, TaskResult& result) {
    const TaskParams& p = item.params;
    result.task = task;
    sink.add(EventKind::TaskBegin, task);
    sink.add(EventKind::Running, task);
    if (p.crash_task >= 0 && uint64_t(p.crash_task) == task) {
        // The "worker dies" demo: what SIGKILL from the OOM killer or `kill -9` looks like.
        sink.flush();
        raise(SIGKILL);
    }
    const int64_t sleep_ns = int64_t(p.io_ms * 1e6 * p.time_scale);
    switch (p.workload) {
    case WorkloadKind::Cpu:
        result.value =
            python_loop(int64_t(double(p.iterations) * p.time_scale), p.steps_per_iteration, task + 1, sink);
        break;
    case WorkloadKind::Sleep:
        for (int i = 0; i < p.io_count; ++i) {
            blocking_sleep(sleep_ns, sink);
            sink.add(EventKind::Running, task);
        }
        break;
    case WorkloadKind::Blend: {
        const auto cpu_iterations = int64_t(double(p.iterations) * p.cpu_percent / 100.0 * p.time_scale);
        result.value = python_loop(cpu_iterations, p.steps_per_iteration, task + 1, sink);
        // The waiting part is the rest of io_ms, as in the threads and asyncio engines.
        const auto wait_ns = int64_t(double(sleep_ns) * (100 - p.cpu_percent) / 100.0);
        if (wait_ns > 0)
            for (int i = 0; i < p.io_count; ++i) {
                blocking_sleep(wait_ns, sink);
                sink.add(EventKind::Running, task);
            }
        break;
    }
    case WorkloadKind::Payload:
        // The work on the data: read every byte once (the checksum goes back as the value); the
        // same bytes object travels back as the result (`return data`, no copy).
        if (item.payload) {
            result.value = checksum_bytes(item.payload->data(), item.payload->size());
            result.payload = item.payload;
        }
        break;
    default:
        break; // the engines refuse other workloads before starting any process
    }
    sink.add(EventKind::TaskEnd, task);
}

} // namespace clab::proc
