// CoreSampler: the OS's real scheduling of worker processes on the per-core lanes. A worker
// records its own events only at its check points (task start, a core change seen between two
// blocks of work); while the kernel has it off its core (another process's time slice, two
// processes pinned to one core) nothing would say so and its core lane would stay solid. This
// follows every watched worker with the shared kernel sampler (core/sample, as the python engine
// does) and records, on the worker's lane, a CpuMigrated event whenever the core it is shown on
// changes: its core while it really used one, 0xFFFF (no core) while it waited for one or was
// blocked. The events carry kSampledBit, so the views say they were sampled from the kernel.
#pragma once

#include "core/sample/thread_sampler.h"
#include "core/sync/fork_gate.h"
#include "core/trace/recorder.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <sys/types.h>
#include <thread>

namespace clab::proc {

class CoreSampler {
public:
    explicit CoreSampler(Recorder& recorder, int hz = 1000);
    ~CoreSampler(); // stop()
    CoreSampler(const CoreSampler&) = delete;
    CoreSampler& operator=(const CoreSampler&) = delete;

    // Show process `pid` (single-threaded: a worker) on the core lanes through `lane`.
    void watch(pid_t pid, uint32_t lane);
    // Records what is left and stops sampling; nothing is recorded afterwards.
    void stop();
    int hz() const { return sampler_.hz(); }

private:
    struct Shown {
        uint32_t lane = 0;
        uint16_t cpu = 0xFFFF; // the core the lane was last shown on by a sample
    };
    void drain_loop();
    void drain();

    Recorder& recorder_;
    sample::ThreadSampler sampler_;
    std::mutex mutex_; // guards shown_, stopping_
    std::condition_variable wake_;
    std::map<pid_t, Shown> shown_;
    bool stopping_ = false;
    fork_gate::ObserverThread drainer_; // std::thread but under ASan (core/sync/fork_gate.h)
};

} // namespace clab::proc
