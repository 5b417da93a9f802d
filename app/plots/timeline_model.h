// What the timeline shows, built incrementally from the events of a run (live or finished). No
// widgets: the GUI polls the run's Recorder 30-60 times a second, hands the new events here, and the
// view reads the stores and series. Segments come only from clab::SegmentBuilder (core/trace), the
// one pure function that derives them; the model adds colour keys and a few derived series (who
// holds the GIL, how many threads wait for it, ready-queue length, core utilisation).
#pragma once

#include "core/trace/segments.h"
#include "core/trace/trace.h"
#include "segment_store.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clab::plots {

// A step or line series: values change at the given times.
struct TimeSeries {
    std::string name;
    uint32_t lane = kNoLane;
    std::vector<double> t;
    std::vector<double> v;
    void add(double time, double value) {
        t.push_back(time);
        v.push_back(value);
    }
    bool empty() const { return t.empty(); }
};

struct TimeInterval {
    double start = 0.0;
    double end = 0.0;
    uint32_t lane = kNoLane;
};

class TimelineModel {
public:
    TimelineModel();
    ~TimelineModel();
    // Counted in live_memory(): a model is shared (shared_timelines.h), never copied.
    TimelineModel(const TimelineModel&) = delete;
    TimelineModel& operator=(const TimelineModel&) = delete;

    void reset();
    // New events of a live run (any order across threads; each lane's in time order), the run's lanes
    // so far, and the run's t = 0.
    void ingest(const std::vector<Event>& new_events, const std::vector<LaneInfo>& lanes, int64_t origin_ns);
    // The live edge: still-open states are drawn up to now.
    void set_now(int64_t now_ns);
    // The run ended: open states close at end_ns.
    void finish(int64_t end_ns);
    // A finished or saved run, all at once. The shared one is read where it lies, not copied.
    void load_trace(std::shared_ptr<const Trace> trace);
    void load_trace(const Trace& trace);
    // After reset(), before the first ingest(): the events handed to ingest() are also appended to
    // `source` by its owner (the run controller) before they arrive here, so the model reads them
    // there (tooltips, the final replay) instead of keeping a copy of every event of the run.
    void share_source(std::shared_ptr<const Trace> source);

    // Lane groups, one per stacked view.
    const SegmentStore& workers() const { return workers_; }
    const SegmentStore& cores() const { return cores_; }
    const SegmentStore& gil() const { return gil_; }
    const SegmentStore& loop() const { return loop_; }

    const TimeSeries& gil_waiting() const { return gil_waiting_; }
    const TimeSeries& gil_forced_waiting() const { return gil_forced_waiting_; }
    const std::vector<double>& drop_requests() const { return drop_requests_; }
    // Times a holder dropped the GIL because a waiter asked it to: the summary's "forced switches".
    const std::vector<double>& forced_switches() const { return forced_switches_; }
    const TimeSeries& ready_length() const { return ready_length_; }
    const std::vector<TimeInterval>& slow_callbacks() const { return slow_callbacks_; }
    const std::vector<TimeSeries>& utilisation() const { return utilisation_; } // percent busy per core

    // Which views apply to this run.
    bool has_workers() const { return workers_.lane_count() > 0; }
    bool has_cores() const { return cores_.lane_count() > 0; }
    bool has_gil() const { return has_gil_events_; }
    bool has_loop() const { return loop_.lane_count() > 0; }
    bool has_utilisation() const { return !utilisation_.empty(); }
    // Some states were inferred from kernel thread samples (the python engine), not recorded.
    bool has_sampled() const { return has_sampled_; }

    // Seconds from the run's start; the latest time known (now while live, the end once finished).
    double seconds(int64_t t_ns) const { return double(t_ns - origin_ns_) * 1e-9; }
    double end_seconds() const { return end_seconds_; }
    bool finished() const { return finished_; }
    int64_t origin_ns() const { return origin_ns_; }
    // Bumped by every change, so a view replots only when something changed.
    uint64_t revision() const { return revision_; }

    const std::vector<LaneInfo>& lanes() const { return lanes_; }
    const LaneInfo* lane(uint32_t id) const { return id < lanes_.size() ? &lanes_[id] : nullptr; }
    // Colour slot of a lane that runs code (cores, the GIL holder and loop callbacks are coloured by
    // it), or -1. Slots follow lane ids, so a worker keeps its colour for the whole run.
    int worker_slot(uint32_t lane) const;
    // Lane ids in slot order (slot i is colour i % kWorkerColours).
    const std::vector<uint32_t>& slot_lanes() const { return slot_lanes_; }
    // The event that put `lane` into the state starting at `start_s` (for tooltips), or nullptr.
    const Event* event_at(uint32_t lane, double start_s) const;
    // Every event received, merged in time order (maybe more: a shared source may be ahead of what
    // a paused view has ingested).
    const std::vector<Event>& events() const { return source_->events; }
    // The trace the events are read from (the model's own while it ingests a run without a shared
    // source).
    const std::shared_ptr<const Trace>& source() const { return source_; }

    // The memory the model holds, counted by its containers (capacity, not size): segments, series,
    // events waiting for the hold-back, and the events themselves when they are the model's own (a
    // shared trace is counted by its owner, the run history).
    size_t bytes_used() const;
    // Every model alive in the process (the lab's timeline, replay and compare windows): how many
    // and the bytes_used() of all of them. What a session's timelines hold, not RSS.
    struct Memory {
        size_t models = 0;
        size_t bytes = 0;
    };
    static Memory live_memory();

private:
    void sync_lanes(const std::vector<LaneInfo>& lanes);
    void ensure_core_rows(uint32_t cpu);
    SegmentStore::Lane* worker_lane(uint32_t lane); // creates the row on first use
    void take_new_segments();
    void add_series_point(const Event& e);
    SegmentRecord record_of(const Segment& s, bool core) const;
    void append_worker_segment(uint32_t lane, const SegmentRecord& r);
    void touch(double t);
    void feed_until(int64_t watermark_ns);
    void feed(const Event& e);
    void take_all(const std::vector<Event>& sorted); // feeds everything in order, at once

    // Core lanes depend on the order of events ACROSS lanes, but a live drain delivers each thread's
    // buffer in turn: an event can arrive after younger events of other lanes. So events wait in
    // `pending_` until they are kHoldbackNs older than the newest one seen, and are fed in time order;
    // if one still arrives too late, finish() replays the whole (sorted) trace once, so the final
    // picture is exactly build_segments(trace).
    static constexpr int64_t kHoldbackNs = 30'000'000;
    std::vector<Event> pending_;
    int64_t newest_ns_ = 0;
    std::optional<Event> last_fed_; // the latest event fed, in event_before's order
    bool fed_out_of_order_ = false;
    bool has_sampled_ = false;

    SegmentBuilder builder_;
    std::vector<LaneInfo> lanes_;
    // The run's events: the model's own (`own_`, filled by ingest()) or a shared trace. One copy.
    std::shared_ptr<Trace> own_;
    std::shared_ptr<const Trace> source_;
    int64_t origin_ns_ = 0;
    double end_seconds_ = 0.0;
    bool finished_ = false;
    uint64_t revision_ = 0;

    std::vector<int> worker_row_;  // trace lane id -> row in workers_, or -1 (rows appear with
                                   // a lane's first segment, kept in lane-id order)
    std::vector<int> worker_slot_; // trace lane id -> colour slot, or -1
    std::vector<uint32_t> slot_lanes_;
    std::vector<int> loop_row_;   // trace lane id -> row in loop_, or -1
    std::vector<int> util_index_; // trace lane id -> index in utilisation_, or -1
    size_t lanes_seen_ = 0;

    SegmentStore workers_;
    SegmentStore cores_;
    SegmentStore gil_;
    SegmentStore loop_;
    bool has_gil_events_ = false;
    int gil_waiters_ = 0;
    int gil_forced_ = 0;
    TimeSeries gil_waiting_;
    TimeSeries gil_forced_waiting_;
    std::vector<double> drop_requests_;
    std::vector<double> forced_switches_;
    TimeSeries ready_length_;
    std::vector<TimeInterval> slow_callbacks_;
    std::vector<TimeSeries> utilisation_;
};

} // namespace clab::plots
