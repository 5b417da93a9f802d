// The kernel's view of running programs, one mechanism shared by every engine that runs real
// processes (the python engine's interpreters, the processes engine's workers): a thread that
// samples /proc/<pid>/task/<tid>/schedstat (time on a CPU), .../syscall (what a blocked thread
// waits in) and .../stat (state, last CPU) of every thread of every watched process and its
// descendants, at `hz` (1 kHz by default). Descriptors stay open and are re-read with pread, so one
// sample of one thread costs one or two small reads. Only changes are kept: a thread's entry
// appears when its state or its core changed since the previous sample. No Qt, no engine types:
// engines turn the changes into their own events (marked kSampledBit).
#pragma once

#include "core/sync/fork_gate.h"
#include "core/trace/event.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace clab::sample {

struct ThreadChange {
    int64_t t_ns = 0;
    int32_t pid = 0;
    int32_t tid = 0;
    SampledState state = SampledState::Other;
    uint16_t cpu = 0xFFFF;
    bool gone = false; // the thread no longer exists
};

// What a thread waits in, from one line of /proc/<tid>/syscall ("running", or the number and args).
SampledState classify_syscall(const char* line) noexcept;

class ThreadSampler {
public:
    explicit ThreadSampler(int hz = 1000);
    ~ThreadSampler(); // stops
    ThreadSampler(const ThreadSampler&) = delete;
    ThreadSampler& operator=(const ThreadSampler&) = delete;

    void start();
    void stop();
    // Sample every thread of this process and of every descendant it starts (until gone).
    void watch(pid_t pid);
    void ignore_thread(pid_t tid);             // a thread that is not the program's
    void no_gil(pid_t pid);                    // a free-threaded interpreter: its threads may run at once
    void take(std::vector<ThreadChange>& out); // the changes since the last call, in time order
    // How many samples were taken (one per thread per tick), and the sampler thread's own CPU time.
    uint64_t samples() const { return samples_.load(); }
    uint64_t ticks() const { return ticks_.load(); }
    uint64_t reads() const { return reads_.load(); } // of /proc files, by the sampler's own thread
    double cpu_s() const { return cpu_ns_.load() * 1e-9; }
    int hz() const { return hz_; }

private:
    struct Thread;
    struct Process;
    void loop();
    void rescan(Process& p, int64_t now);
    void close_process(Process& p);
    void find_children(Process& p, int64_t now, std::vector<pid_t>& found);
    void add_process(pid_t pid);
    void sample(Thread& t, int64_t now);
    void decide(Process& p);
    void arbitrate();
    void emit(Process& p, int64_t now);
    void close_thread(Thread& t, pid_t pid, int64_t now);
    bool read_syscall(Thread& t, SampledState& state);      // false: unreadable
    bool read_stat(Thread& t, char& letter, uint16_t& cpu); // false: gone (or unreadable)
    bool core_now(Thread& t, uint16_t& cpu);                // false: it is not on a CPU (or gone)

    const int hz_;
    fork_gate::ObserverThread thread_; // std::thread but under ASan (core/sync/fork_gate.h)
    std::atomic<bool> stop_{false};
    std::mutex mutex_; // guards pending_ and watch requests
    std::vector<pid_t> to_watch_;
    std::vector<pid_t> ignored_;
    std::vector<pid_t> free_threaded_;
    std::vector<ThreadChange> pending_;
    std::vector<Process> processes_; // sampler thread only
    std::atomic<uint64_t> samples_{0}, ticks_{0}, reads_{0}, cpu_ns_{0};
};

} // namespace clab::sample
