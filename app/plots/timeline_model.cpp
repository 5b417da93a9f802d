#include "timeline_model.h"

#include "palette.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <unordered_set>

namespace clab::plots {

namespace {

bool is_worker_kind(LaneKind kind) {
    return kind == LaneKind::Main || kind == LaneKind::Thread || kind == LaneKind::Process ||
           kind == LaneKind::Task || kind == LaneKind::Executor;
}

bool is_gil_event(EventKind kind) {
    return kind >= EventKind::GilWaitBegin && kind <= EventKind::GilForcedWaitEnd;
}

// The live models, for live_memory(). Models are made and dropped on the GUI thread, but tests and
// benchmarks may use them elsewhere: a lock (taken twice per model's life, and by live_memory()).
struct Registry {
    std::mutex mutex;
    std::unordered_set<const TimelineModel*> models;
};

Registry& registry() {
    static Registry* r = new Registry; // never destroyed: models in static storage may outlive it
    return *r;
}

template <class T> size_t vector_bytes(const std::vector<T>& v) {
    return v.capacity() * sizeof(T);
}

size_t series_bytes(const TimeSeries& s) {
    return vector_bytes(s.t) + vector_bytes(s.v);
}

} // namespace

TimelineModel::TimelineModel() {
    reset();
    std::lock_guard lock(registry().mutex);
    registry().models.insert(this);
}

TimelineModel::~TimelineModel() {
    std::lock_guard lock(registry().mutex);
    registry().models.erase(this);
}

size_t TimelineModel::bytes_used() const {
    size_t n = workers_.bytes_used() + cores_.bytes_used() + gil_.bytes_used() + loop_.bytes_used();
    n += vector_bytes(pending_) + vector_bytes(lanes_) + vector_bytes(drop_requests_) +
         vector_bytes(forced_switches_) + vector_bytes(slow_callbacks_);
    for (const TimeSeries* s : {&gil_waiting_, &gil_forced_waiting_, &ready_length_})
        n += series_bytes(*s);
    for (const TimeSeries& s : utilisation_)
        n += series_bytes(s);
    if (own_) n += vector_bytes(own_->events);
    return n;
}

TimelineModel::Memory TimelineModel::live_memory() {
    std::lock_guard lock(registry().mutex);
    Memory m;
    for (const TimelineModel* model : registry().models) {
        ++m.models;
        m.bytes += model->bytes_used();
    }
    return m;
}

void TimelineModel::reset() {
    builder_ = SegmentBuilder();
    lanes_.clear();
    own_ = std::make_shared<Trace>();
    source_ = own_;
    // Released, not cleared: a burst of a lock-heavy run grew the hold-back to millions of events,
    // and clear() kept that capacity (69 MB) for the rest of the session (issue 19).
    pending_ = {};
    has_sampled_ = false;
    newest_ns_ = 0;
    last_fed_.reset();
    fed_out_of_order_ = false;
    origin_ns_ = 0;
    end_seconds_ = 0.0;
    finished_ = false;
    ++revision_;
    worker_row_ = {};
    worker_slot_ = {};
    slot_lanes_ = {};
    loop_row_ = {};
    util_index_ = {};
    lanes_seen_ = 0;
    workers_.clear();
    cores_.clear();
    gil_.clear();
    gil_.add_lane("GIL holder", kNoLane);
    loop_.clear();
    has_gil_events_ = false;
    gil_waiters_ = 0;
    gil_forced_ = 0;
    gil_waiting_ = TimeSeries{"threads waiting for the GIL", kNoLane, {}, {}};
    gil_forced_waiting_ = TimeSeries{"threads waiting for a taker", kNoLane, {}, {}};
    drop_requests_ = {};
    forced_switches_ = {};
    ready_length_ = TimeSeries{"ready queue", kNoLane, {}, {}};
    slow_callbacks_ = {};
    utilisation_.clear();
}

void TimelineModel::sync_lanes(const std::vector<LaneInfo>& lanes) {
    if (lanes.size() < lanes_.size()) return; // lanes are only ever added
    lanes_ = lanes;
    builder_.set_lanes(lanes);
    worker_row_.resize(lanes.size(), -1);
    worker_slot_.resize(lanes.size(), -1);
    loop_row_.resize(lanes.size(), -1);
    util_index_.resize(lanes.size(), -1);
    for (size_t id = lanes_seen_; id < lanes.size(); ++id) {
        const LaneInfo& info = lanes[id];
        if (is_worker_kind(info.kind) || info.kind == LaneKind::Loop) {
            worker_slot_[id] = int(slot_lanes_.size());
            slot_lanes_.push_back(uint32_t(id));
        }
        if (info.kind == LaneKind::Loop) loop_row_[id] = int(loop_.add_lane(info.name, uint32_t(id)));
    }
    // Names may change (rename_lane) while rows stay.
    for (size_t id = 0; id < lanes.size(); ++id) {
        if (worker_row_[id] >= 0) workers_.lane(size_t(worker_row_[id])).name = lanes[id].name;
        if (loop_row_[id] >= 0) loop_.lane(size_t(loop_row_[id])).name = lanes[id].name;
    }
    lanes_seen_ = lanes.size();
}

int TimelineModel::worker_slot(uint32_t lane) const {
    return lane < worker_slot_.size() ? worker_slot_[lane] : -1;
}

SegmentStore::Lane* TimelineModel::worker_lane(uint32_t lane) {
    if (lane >= worker_row_.size() || lane >= lanes_.size()) return nullptr;
    if (worker_row_[lane] >= 0) return &workers_.lane(size_t(worker_row_[lane]));
    if (!is_worker_kind(lanes_[lane].kind)) return nullptr;
    // A worker lane gets its row with its first segment (a main thread that never does anything
    // takes no room), in lane-id order.
    workers_.add_lane(lanes_[lane].name, lane);
    size_t row = workers_.lane_count() - 1;
    while (row > 0 && workers_.lane(row - 1).source > lane) {
        std::swap(workers_.lane(row - 1), workers_.lane(row));
        --row;
    }
    for (size_t r = 0; r < workers_.lane_count(); ++r)
        worker_row_[workers_.lane(r).source] = int(r);
    return &workers_.lane(row);
}

void TimelineModel::ensure_core_rows(uint32_t cpu) {
    while (cores_.lane_count() <= cpu) {
        const uint32_t n = uint32_t(cores_.lane_count());
        cores_.add_lane("CPU " + std::to_string(n), n);
    }
}

SegmentRecord TimelineModel::record_of(const Segment& s, bool core) const {
    SegmentRecord r;
    r.start = seconds(s.start_ns);
    r.end = seconds(s.end_ns);
    r.state = uint8_t(s.state);
    r.who = s.who;
    r.key = state_key(s.state);
    // Cores and loop callbacks are coloured by the worker that ran.
    const bool by_worker = core || s.state == SegState::Callback;
    if (by_worker) {
        const int slot = worker_slot(s.who);
        if (slot >= 0) r.key = worker_key(uint32_t(slot));
    }
    return r;
}

void TimelineModel::append_worker_segment(uint32_t lane, const SegmentRecord& r) {
    if (SegmentStore::Lane* row = worker_lane(lane)) row->segments.append(r);
    if (lane < loop_row_.size() && loop_row_[lane] >= 0)
        loop_.lane(size_t(loop_row_[lane])).segments.append(r);
    // Holding the GIL is being in the Running state: the GIL lane is derived from the thread lanes.
    if (SegState(r.state) == SegState::Running) {
        SegmentRecord held = r;
        held.who = lane;
        const int slot = worker_slot(lane);
        held.key = slot >= 0 ? worker_key(uint32_t(slot)) : r.key;
        gil_.lane(0).segments.append(held);
    }
}

void TimelineModel::take_new_segments() {
    // Every segment the builder closed since the last call moves into the stores; the builder then
    // forgets them, so each is held once (as 22 bytes in a store, not also as a 32-byte Segment).
    const SegmentSet& set = builder_.segments();
    for (size_t lane = 0; lane < set.by_lane.size(); ++lane)
        for (const Segment& s : set.by_lane[lane])
            append_worker_segment(uint32_t(lane), record_of(s, false));
    for (size_t cpu = 0; cpu < set.by_core.size(); ++cpu) {
        const std::vector<Segment>& segs = set.by_core[cpu];
        if (!segs.empty()) ensure_core_rows(uint32_t(cpu));
        for (const Segment& s : segs)
            cores_.lane(cpu).segments.append(record_of(s, true));
    }
    builder_.forget_segments();
}

void TimelineModel::add_series_point(const Event& e) {
    const double t = seconds(e.t_ns);
    switch (e.kind) {
    case EventKind::GilWaitBegin:
        gil_waiting_.add(t, ++gil_waiters_);
        break;
    case EventKind::GilAcquired:
        gil_waiters_ = std::max(0, gil_waiters_ - 1);
        gil_waiting_.add(t, gil_waiters_);
        break;
    case EventKind::GilRelease:
        // A forced switch: the holder dropped the GIL because a waiter asked it to (the summary's
        // "forced switches" counts exactly these). It waits for a taker only if none came first.
        if (GilReleaseReason(e.arg) == GilReleaseReason::Interval) forced_switches_.push_back(t);
        break;
    case EventKind::GilForcedWaitBegin:
        gil_forced_waiting_.add(t, ++gil_forced_);
        break;
    case EventKind::GilForcedWaitEnd:
        gil_forced_ = std::max(0, gil_forced_ - 1);
        gil_forced_waiting_.add(t, gil_forced_);
        break;
    case EventKind::GilDropRequest:
        drop_requests_.push_back(t);
        break;
    case EventKind::LoopIteration:
        ready_length_.add(t, double(e.arg >> 32));
        break;
    case EventKind::ReadyLength:
        ready_length_.add(t, double(e.arg));
        break;
    case EventKind::SlowCallback:
        slow_callbacks_.push_back({t - double(e.arg) * 1e-9, t, e.lane});
        break;
    case EventKind::CoreUtilisation: {
        if (e.lane >= util_index_.size()) break;
        int& index = util_index_[e.lane];
        if (index < 0) {
            index = int(utilisation_.size());
            const LaneInfo* info = lane(e.lane);
            utilisation_.push_back(TimeSeries{info ? info->name : "core", e.lane, {}, {}});
        }
        utilisation_[size_t(index)].add(t, double(e.arg) / 10.0);
        break;
    }
    default:
        break;
    }
    if (is_gil_event(e.kind)) has_gil_events_ = true;
}

void TimelineModel::touch(double t) {
    if (t > end_seconds_) end_seconds_ = t;
    ++revision_;
}

void TimelineModel::ingest(const std::vector<Event>& new_events, const std::vector<LaneInfo>& lanes,
                           int64_t origin_ns) {
    if (origin_ns_ == 0) {
        origin_ns_ = origin_ns;
        if (own_) own_->origin_ns = origin_ns;
    }
    sync_lanes(lanes);
    if (new_events.empty()) return;
    std::vector<Event> batch = new_events;
    sort_by_time(batch);
    const size_t old_size = pending_.size();
    pending_.insert(pending_.end(), batch.begin(), batch.end());
    std::inplace_merge(pending_.begin(), pending_.begin() + long(old_size), pending_.end(), event_before);
    newest_ns_ = std::max(newest_ns_, batch.back().t_ns);
    if (source_ == own_) own_->append(std::move(batch)); // else the source's owner has them already
    if (!finished_) feed_until(newest_ns_ - kHoldbackNs);
    touch(seconds(newest_ns_));
}

void TimelineModel::feed(const Event& e) {
    if (last_fed_ && event_before(e, *last_fed_)) fed_out_of_order_ = true;
    if (!last_fed_ || event_before(*last_fed_, e)) last_fed_ = e;
    has_sampled_ = has_sampled_ || is_sampled(e);
    builder_.feed(e);
    add_series_point(e);
}

void TimelineModel::feed_until(int64_t watermark_ns) {
    size_t n = 0;
    while (n < pending_.size() && pending_[n].t_ns <= watermark_ns)
        feed(pending_[n++]);
    if (n == 0) return;
    pending_.erase(pending_.begin(), pending_.begin() + long(n));
    // A burst (a lock-heavy run drains millions of events at once) must not leave its capacity
    // behind: a model that stayed on screen held 60 MB of an empty hold-back for the rest of the
    // session (issue 19).
    constexpr size_t kKeptCapacity = size_t(1) << 16;
    if (pending_.capacity() > kKeptCapacity && pending_.capacity() > 4 * pending_.size())
        std::vector<Event>(pending_.begin(), pending_.end()).swap(pending_);
    take_new_segments();
}

void TimelineModel::set_now(int64_t now_ns) {
    if (finished_) return;
    feed_until(std::max(newest_ns_, now_ns) - kHoldbackNs);
    for (size_t row = 0; row < workers_.lane_count(); ++row)
        workers_.lane(row).open.reset();
    for (size_t row = 0; row < loop_.lane_count(); ++row)
        loop_.lane(row).open.reset();
    for (size_t row = 0; row < cores_.lane_count(); ++row)
        cores_.lane(row).open.reset();
    gil_.lane(0).open.reset();
    for (const Segment& s : builder_.open_segments(now_ns)) {
        const SegmentRecord r = record_of(s, false);
        if (SegmentStore::Lane* row = worker_lane(s.lane)) row->open = r;
        if (s.lane < loop_row_.size() && loop_row_[s.lane] >= 0)
            loop_.lane(size_t(loop_row_[s.lane])).open = r;
        if (s.state == SegState::Running) {
            SegmentRecord held = r;
            held.who = s.lane;
            const int slot = worker_slot(s.lane);
            held.key = slot >= 0 ? worker_key(uint32_t(slot)) : r.key;
            auto& open = gil_.lane(0).open;
            if (!open || held.start > open->start) open = held;
        }
    }
    for (const Segment& s : builder_.open_core_segments(now_ns)) {
        ensure_core_rows(s.lane);
        cores_.lane(s.lane).open = record_of(s, true);
    }
    touch(seconds(now_ns));
}

void TimelineModel::finish(int64_t end_ns) {
    feed_until(std::numeric_limits<int64_t>::max());
    pending_ = {}; // all fed: its capacity goes
    if (fed_out_of_order_) {
        // Replay the merged trace in order: the final picture must be build_segments(trace). The
        // trace is sorted already: feed it where it lies rather than copy millions of events
        // through ingest() again (a lock-heavy run froze the window for seconds doing that).
        const std::shared_ptr<Trace> own = own_;
        const std::shared_ptr<const Trace> source = source_;
        const std::vector<LaneInfo> lanes = lanes_;
        const int64_t origin_ns = origin_ns_;
        const int64_t newest_ns = newest_ns_;
        reset();
        own_ = own;
        source_ = source;
        origin_ns_ = origin_ns;
        sync_lanes(lanes);
        take_all(source_->events);
        newest_ns_ = newest_ns;
    }
    builder_.finish(end_ns);
    take_new_segments();
    for (SegmentStore* store : {&workers_, &loop_, &cores_, &gil_})
        for (size_t row = 0; row < store->lane_count(); ++row) {
            store->lane(row).open.reset();
            store->lane(row).segments.shrink_to_fit();
        }
    finished_ = true;
    // The run's end, not the live edge: a poll that raced the run's end may have drawn "now" a little
    // past the last event, and the finished picture must be the one a loaded run shows.
    end_seconds_ = seconds(end_ns);
    touch(end_seconds_);
}

void TimelineModel::take_all(const std::vector<Event>& sorted) {
    // Segments move into the stores every so often, so the builder never holds a whole run's.
    constexpr size_t kTakeEvery = size_t(1) << 16;
    for (size_t i = 0; i < sorted.size(); ++i) {
        feed(sorted[i]);
        if (i % kTakeEvery == kTakeEvery - 1) take_new_segments();
    }
    take_new_segments();
}

void TimelineModel::share_source(std::shared_ptr<const Trace> source) {
    if (!source || source == source_) return;
    own_.reset();
    source_ = std::move(source);
}

void TimelineModel::load_trace(std::shared_ptr<const Trace> trace) {
    reset();
    if (!trace) return;
    if (!std::is_sorted(trace->events.begin(), trace->events.end(), event_before)) {
        auto sorted = std::make_shared<Trace>(*trace); // a hand-made trace: put it in order once
        sort_by_time(sorted->events);
        trace = std::move(sorted);
    }
    origin_ns_ = trace->origin_ns;
    sync_lanes(trace->lanes);
    own_.reset();
    source_ = std::move(trace);
    // Sorted already: fed where it lies, no hold-back and no copy (10 M events are 240 MB).
    take_all(source_->events);
    if (!source_->events.empty()) newest_ns_ = source_->events.back().t_ns;
    finish(source_->end_ns());
}

void TimelineModel::load_trace(const Trace& trace) {
    load_trace(std::make_shared<const Trace>(trace));
}

const Event* TimelineModel::event_at(uint32_t lane, double start_s) const {
    const int64_t t = origin_ns_ + int64_t(start_s * 1e9 + (start_s >= 0 ? 0.5 : -0.5));
    const auto& events = source_->events;
    auto it = std::lower_bound(events.begin(), events.end(), t - 1,
                               [](const Event& e, int64_t value) { return e.t_ns < value; });
    const Event* fallback = nullptr;
    for (; it != events.end() && it->t_ns <= t + 1; ++it) {
        if (it->lane != lane) continue;
        if (state_after(*it) != SegState::Count) return &*it;
        if (!fallback) fallback = &*it;
    }
    return fallback;
}

} // namespace clab::plots
