// Workload: what one task does, for the engines whose workers are Python-like threads
// (sequential, threads, thread-pool). One Workload per run holds the state tasks share: the
// counter, the locks and the deadlock watchdog, the measured I/O latencies.
//
//   cpu       `for _ in range(iterations): count += 1`
//   sleep     io_count × time.sleep(io_ms)
//   net       io_count blocking requests to the loopback slow server, each answered after io_ms
//   mixed     task 0 is cpu; every other task does io_count sleeps of io_ms and we measure each
//             wait as Python code would (perf_counter around the call: includes taking the GIL
//             back) -> io_latency_median_ms / io_latency_max_ms (the convoy effect)
//   counter   iterations × an update of a shared counter, in one of the two Python forms:
//               inplace  `counter += 1`            read and write with no check point between
//               call     `counter = counter + f()` the call to f() is a check point between them
//             with `lock`: `with lock: counter += 1`
//   deadlock  even tasks take lock A then B, odd tasks B then A (A then B with lock_order_fixed),
//             sleeping io_ms while holding the first, io_count rounds
//   blend     cpu_percent % of `iterations` as CPU work, then io_count waits of
//             io_ms × (100 − cpu_percent) / 100
//   payload   copies payload_bytes there and back (threads share memory: nearly free)
//
// The counter's read and write are a relaxed atomic load and a relaxed atomic store: no C++ data
// race, yet an update in between is lost exactly like in Python.
#pragma once

#include "core/experiment/engine.h"
#include "py_lock.h"
#include "python_thread.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace clab {

class Workload {
public:
    Workload(const ExperimentSpec& spec, RunContext& ctx);
    ~Workload();
    Workload(const Workload&) = delete;
    Workload& operator=(const Workload&) = delete;

    // Runs task `index` on `thread` (which is running Python: it holds the GIL). Records
    // TaskBegin/TaskEnd. Returns false if the run was stopped meanwhile.
    bool run_task(PyThread& thread, int index);

    // After every task ended: counter result, lost updates, deadlock, I/O latencies.
    void finish(Summary& summary, uint32_t main_lane);

    // The run's stop signal, also requested when the workload itself gives up (a task failed):
    // PyThreads created with it stop too.
    const StopSignal& stop_signal() const { return stop_; }
    // Gives up the run: every PyThread created with stop_signal() stops at its next check point,
    // and `why` becomes the summary's error (the first reason wins); net requests still waiting
    // for an answer return at once.
    void fail(const std::string& why);
    bool deadlock_detected() const { return watchdog_ && watchdog_->detected(); }

private:
    bool cpu(PyThread& t, int64_t iterations) { return t.run_iterations(iterations); }
    bool sleeps(PyThread& t, int count, int64_t each_ns, bool measure);
    bool net(PyThread& t);
    bool counter(PyThread& t);
    bool deadlock(PyThread& t, int index);
    bool payload(PyThread& t);

    ExperimentSpec spec_;
    RunContext& ctx_;
    StopSignal stop_; // follows the run's
    std::atomic<int64_t> counter_{0};
    // The increments the threads really made (each thread adds its own when it leaves the loop): a
    // stopped run did not lose the updates it never got to.
    std::atomic<int64_t> counter_updates_{0};
    std::unique_ptr<LockTable> locks_;
    std::unique_ptr<DeadlockWatchdog> watchdog_;
    std::mutex latency_mutex_;
    std::vector<int64_t> io_latencies_ns_;
    std::vector<int> open_sockets_; // net: the connections of tasks still running (latency_mutex_)
    std::string error_;
};

int64_t ms_to_ns(double ms);

} // namespace clab
