#include "core_sampler.h"

#include "core/experiment/descendant_usage.h"

#include <chrono>
#include <vector>

namespace clab::proc {

namespace {
// How often the changes are moved into the recorder: often enough for a live view.
constexpr auto kDrainEvery = std::chrono::milliseconds(20);
} // namespace

CoreSampler::CoreSampler(Recorder& recorder, int hz)
    : recorder_(recorder)
    , sampler_(hz) {}

CoreSampler::~CoreSampler() {
    stop();
}

void CoreSampler::watch(pid_t pid, uint32_t lane) {
    if (pid <= 0) return;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        shown_[pid] = Shown{lane, 0xFFFF};
        if (!drainer_.joinable()) {
            sampler_.start();
            drainer_ = fork_gate::ObserverThread([this] { drain_loop(); });
        }
    }
    sampler_.watch(pid);
}

void CoreSampler::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (drainer_.joinable()) drainer_.join();
    sampler_.stop();
    drain(); // the changes of the last ticks
    // The sampler's thread is the lab's instrument, not the program: its CPU is no part of cpu_s.
    add_instrument_cpu(int64_t(sampler_.cpu_s() * 1e9));
}

void CoreSampler::drain_loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        {
            const fork_gate::Waiting waiting; // a fork may go ahead (core/sync/fork_gate.h)
            wake_.wait_for(lock, kDrainEvery, [this] { return stopping_; });
        }
        lock.unlock();
        drain();
        lock.lock();
    }
}

void CoreSampler::drain() {
    std::vector<sample::ThreadChange> changes;
    sampler_.take(changes);
    std::lock_guard lock(mutex_);
    for (const sample::ThreadChange& c : changes) {
        const auto it = shown_.find(c.pid);
        // A worker's own thread only (a helper thread of the process is not the worker), and not
        // after it is gone.
        if (it == shown_.end() || c.tid != c.pid || c.gone) continue;
        const uint16_t cpu = c.state == SampledState::OnCpu ? c.cpu : uint16_t(0xFFFF);
        if (cpu == it->second.cpu) continue;
        it->second.cpu = cpu;
        Event e;
        e.t_ns = c.t_ns;
        e.lane = it->second.lane;
        e.kind = EventKind::CpuMigrated;
        e.cpu = cpu;
        e.arg = kSampledBit;
        recorder_.record_event(e);
    }
}

} // namespace clab::proc
