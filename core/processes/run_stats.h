// RunStats: the parent's bookkeeping for a process run. Every event the parent records itself or
// receives from a worker passes through here on its way into the Recorder, so the summary's
// figures (start time per process, bytes over pipes, pickling time, busy time per worker) are
// measured from the same events the timeline draws. Thread-safe (the pool's manager and feeder
// threads and the submitting thread all record).
#pragma once

#include "core/experiment/summary.h"
#include "core/trace/recorder.h"

#include <memory>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <unordered_map>
#include <vector>

namespace clab::proc {

class CoreSampler;

class RunStats {
public:
    explicit RunStats(Recorder& recorder);
    ~RunStats();

    Recorder& recorder() { return recorder_; }
    // A lane for one worker process (tracked for the per-worker summary).
    uint32_t add_worker_lane(std::string name, uint32_t parent);
    void rename(uint32_t lane, std::string name);
    // The worker process behind `lane` is shown on the core lanes as the kernel schedules it
    // (sampled at 1 kHz, core_sampler.h), from now until fill().
    void watch_process(uint32_t lane, pid_t pid);

    // Parent-side events, stamped now (or at `t_ns`).
    void record(uint32_t lane, EventKind kind, uint64_t arg = 0);
    void record_at(int64_t t_ns, uint32_t lane, EventKind kind, uint64_t arg = 0);
    // Events a worker streamed: lane 0 means "the sender's lane" -> `lane`. Recorded as stamped.
    void ingest(uint32_t lane, std::vector<Event>& events);
    // Real message bytes that crossed a pipe (call items, results; not the trace's own events).
    void add_ipc_bytes(uint64_t bytes);

    // Python-style numbers for the summary: process_start_s (median), ipc_bytes, serialize_s
    // (pickling + unpickling, both sides), and one WorkerStats per worker lane; sample_hz when
    // processes were sampled (sampling stops here: the run is over).
    void fill(Summary& summary) const;
    std::vector<double> start_durations_s() const;
    uint64_t ipc_bytes() const;
    double serialize_s() const;

private:
    struct LaneTrack {
        std::string name;
        bool worker = false;
        int64_t start_begin = -1, serialize_begin = -1, deserialize_begin = -1, running_since = -1,
                io_begin = -1;
        double busy_s = 0, blocked_s = 0;
        int tasks_done = 0;
    };
    void track(LaneTrack& lane, const Event& e);

    Recorder& recorder_;
    mutable std::mutex mutex_;
    std::unordered_map<uint32_t, LaneTrack> lanes_;
    std::vector<uint32_t> worker_order_;
    std::vector<double> start_durations_s_;
    uint64_t ipc_bytes_ = 0;
    int64_t serialize_ns_ = 0;
    std::unique_ptr<CoreSampler> cores_; // created at the first watch_process
};

} // namespace clab::proc
