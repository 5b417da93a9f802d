#include "segments.h"

#include <algorithm>

namespace clab {

namespace {

// What an event does to its lane's state. Sub-activities (a blocking call, a pipe transfer, a
// callback) push a state and their end pops back to what the lane did before, so an engine never
// has to repeat "running" after every short excursion.
enum class Effect : uint8_t { None, Enter, Push, Pop, End };

struct Transition {
    Effect effect = Effect::None;
    SegState state = SegState::Count;
};

constexpr Transition none() {
    return {};
}
constexpr Transition enter(SegState s) {
    return {Effect::Enter, s};
}
constexpr Transition push(SegState s) {
    return {Effect::Push, s};
}
constexpr Transition pop() {
    return {Effect::Pop, SegState::Count};
}
constexpr Transition end() {
    return {Effect::End, SegState::Count};
}

Transition transition(const Event& e) noexcept {
    switch (e.kind) {
    case EventKind::WorkerExit:
        return end();
    case EventKind::WorkerCrashed:
        return enter(SegState::Crashed);
    case EventKind::Running:
        return enter(SegState::RunningFree);
    case EventKind::Idle:
        return enter(SegState::Idle);
    case EventKind::GilWaitBegin:
        return enter(SegState::GilWait);
    case EventKind::GilAcquired:
        return enter(SegState::Running);
    case EventKind::GilForcedWaitBegin:
        return enter(SegState::ForcedWait);
    case EventKind::IoBegin:
        return push(IoKind(e.arg) == IoKind::Join ? SegState::Joining : SegState::BlockedIo);
    case EventKind::IoEnd:
        return pop();
    case EventKind::LockWaitBegin:
        return push(SegState::LockWait);
    case EventKind::LockAcquired:
        return pop();
    case EventKind::DeadlockDetected:
        return enter(SegState::Deadlocked);
    case EventKind::ProcessStartBegin:
        return push(SegState::Starting);
    case EventKind::ProcessStartEnd:
        return pop();
    case EventKind::ProcessExitBegin:
        return enter(SegState::ShuttingDown);
    case EventKind::SerializeBegin:
        return push(SegState::Serializing);
    case EventKind::SerializeEnd:
        return pop();
    case EventKind::IpcSendBegin:
        return push(SegState::Transfer);
    case EventKind::IpcSendEnd:
        return pop();
    case EventKind::IpcRecvBegin:
        return push(SegState::Transfer);
    case EventKind::IpcRecvEnd:
        return pop();
    case EventKind::DeserializeBegin:
        return push(SegState::Deserializing);
    case EventKind::DeserializeEnd:
        return pop();
    case EventKind::SelectBegin:
        return push(SegState::Select);
    case EventKind::SelectEnd:
        return pop();
    case EventKind::CallbackBegin:
        return push(SegState::Callback);
    case EventKind::CallbackEnd:
        return pop();
    case EventKind::GcBegin:
        return push(SegState::GcCollect);
    case EventKind::GcEnd:
        return pop();
    case EventKind::TaskStepBegin:
        return enter(SegState::TaskStep);
    case EventKind::TaskStepEnd: {
        const auto outcome = StepOutcome(e.arg);
        if (outcome == StepOutcome::Awaiting || outcome == StepOutcome::Yielded) return enter(SegState::Idle);
        return end();
    }
    default:
        return none();
    }
}

// CallbackBegin carries the task lane + 1 in its upper half when the callback is a task step.
uint32_t who_of(const Event& e, uint32_t lane) noexcept {
    if (e.kind == EventKind::CallbackBegin) {
        const uint64_t task = e.arg >> 32;
        return task == 0 ? kNoLane : uint32_t(task - 1);
    }
    return lane;
}

constexpr uint16_t kUnknownCpu = 0xFFFF;
constexpr size_t kMaxCores = 4096;
constexpr size_t kMaxStack = 4;

} // namespace

const char* seg_state_name(SegState state) noexcept {
    switch (state) {
    case SegState::Running:
        return "running Python (holds the GIL)";
    case SegState::RunningFree:
        return "running (no GIL to share)";
    case SegState::GilWait:
        return "waiting for the GIL";
    case SegState::ForcedWait:
        return "forced-switch wait";
    case SegState::BlockedIo:
        return "blocked in I/O";
    case SegState::LockWait:
        return "waiting for a lock";
    case SegState::Starting:
        return "starting up";
    case SegState::Serializing:
        return "serialising";
    case SegState::Transfer:
        return "sending over a pipe";
    case SegState::Deserializing:
        return "deserialising";
    case SegState::Idle:
        return "idle / awaiting";
    case SegState::Select:
        return "loop waits in select";
    case SegState::Callback:
        return "loop runs a callback";
    case SegState::TaskStep:
        return "task step running";
    case SegState::Crashed:
        return "crashed";
    case SegState::Deadlocked:
        return "deadlocked";
    case SegState::Busy:
        return "on this core";
    case SegState::Joining:
        return "waiting (join)";
    case SegState::GcCollect:
        return "garbage collector runs";
    case SegState::ShuttingDown:
        return "interpreter shutting down";
    case SegState::Count:
        break;
    }
    return "?";
}

SegState state_after(const Event& event) noexcept {
    const Transition t = transition(event);
    return (t.effect == Effect::Enter || t.effect == Effect::Push) ? t.state : SegState::Count;
}

bool occupies_core(SegState state) noexcept {
    switch (state) {
    case SegState::Running:
    case SegState::RunningFree:
    case SegState::Serializing:
    case SegState::Deserializing:
    case SegState::Callback:
    case SegState::GcCollect:
    // A process's start-up and its interpreter's finalisation burn CPU (CPython's import, unpickling,
    // teardown): it is shown on the core the kernel ran it on. The parent's ProcessStartBegin names
    // no core (it is not the child's); the child's own events and the kernel samples do.
    case SegState::Starting:
    case SegState::ShuttingDown:
        return true;
    default:
        return false;
    }
}

// --- SegmentBuilder ---------------------------------------------------------------------------

struct SegmentBuilder::LaneState {
    Open open;
    SegState stack[kMaxStack]{};
    uint32_t stack_who[kMaxStack]{};
    uint8_t depth = 0;
};

SegmentBuilder::SegmentBuilder() = default;
SegmentBuilder::~SegmentBuilder() = default;
SegmentBuilder::SegmentBuilder(SegmentBuilder&&) noexcept = default;
SegmentBuilder& SegmentBuilder::operator=(SegmentBuilder&&) noexcept = default;

void SegmentBuilder::set_lanes(const std::vector<LaneInfo>& lanes) {
    set_.lanes = lanes;
    if (!lanes.empty()) ensure_lane(uint32_t(lanes.size() - 1));
}

void SegmentBuilder::forget_segments() {
    for (auto* group : {&set_.by_lane, &set_.by_core})
        for (std::vector<Segment>& segments : *group) {
            segments.clear();
            if (segments.capacity() > 4096) segments.shrink_to_fit(); // a whole loaded run: give it back
        }
}

void SegmentBuilder::ensure_lane(uint32_t lane) {
    if (lane >= lanes_.size()) {
        lanes_.resize(size_t(lane) + 1);
        set_.by_lane.resize(size_t(lane) + 1);
    }
}

void SegmentBuilder::ensure_core(uint16_t cpu) {
    if (cpu >= cores_.size()) {
        cores_.resize(size_t(cpu) + 1);
        set_.by_core.resize(size_t(cpu) + 1);
    }
}

void SegmentBuilder::feed(const Event& e) {
    if (e.lane == kNoLane) return;
    ensure_lane(e.lane);
    LaneState& lane = lanes_[e.lane];
    // A late event from another thread must not make time run backwards within the lane.
    const int64_t at = lane.open.active ? std::max(e.t_ns, lane.open.since) : e.t_ns;

    if (e.kind == EventKind::CpuMigrated) {
        if (lane.open.active && occupies_core(lane.open.state) && e.cpu != lane.open.cpu) {
            close_core(lane.open.cpu, e.lane, at);
            open_core(e.cpu, e.lane, at);
        }
        lane.open.cpu = e.cpu;
        return;
    }

    const Transition t = transition(e);
    switch (t.effect) {
    case Effect::None:
        return;
    case Effect::Enter:
        close_lane(e.lane, at);
        open_lane(e.lane, t.state, at, who_of(e, e.lane), e.cpu);
        return;
    case Effect::Push:
        if (lane.open.active && lane.depth < kMaxStack) {
            lane.stack[lane.depth] = lane.open.state;
            lane.stack_who[lane.depth] = lane.open.who;
            ++lane.depth;
        }
        close_lane(e.lane, at);
        open_lane(e.lane, t.state, at, who_of(e, e.lane), e.cpu);
        return;
    case Effect::Pop:
        close_lane(e.lane, at);
        if (lane.depth > 0) {
            --lane.depth;
            open_lane(e.lane, lane.stack[lane.depth], at, lane.stack_who[lane.depth], e.cpu);
        }
        return;
    case Effect::End:
        close_lane(e.lane, at);
        lane.depth = 0;
        return;
    }
}

void SegmentBuilder::close_lane(uint32_t lane_id, int64_t at) {
    Open& open = lanes_[lane_id].open;
    if (!open.active) return;
    set_.by_lane[lane_id].push_back({open.since, std::max(at, open.since), lane_id, open.state, open.who});
    if (occupies_core(open.state)) close_core(open.cpu, lane_id, at);
    open.active = false;
}

void SegmentBuilder::open_lane(uint32_t lane_id, SegState state, int64_t at, uint32_t who, uint16_t cpu) {
    Open& open = lanes_[lane_id].open;
    open.active = true;
    open.state = state;
    open.since = at;
    open.who = who;
    open.cpu = cpu;
    if (occupies_core(state)) open_core(cpu, lane_id, at);
}

void SegmentBuilder::close_core(uint16_t cpu, uint32_t worker, int64_t at) {
    if (cpu == kUnknownCpu || cpu >= cores_.size()) return;
    Open& core = cores_[cpu];
    if (!core.active || core.who != worker) return; // someone else was shown there meanwhile
    set_.by_core[cpu].push_back({core.since, std::max(at, core.since), cpu, SegState::Busy, worker});
    core.active = false;
}

void SegmentBuilder::open_core(uint16_t cpu, uint32_t worker, int64_t at) {
    if (cpu == kUnknownCpu || cpu >= kMaxCores) return;
    ensure_core(cpu);
    Open& core = cores_[cpu];
    // Two lanes claiming one core at once means the earlier one was descheduled: the OS ran the
    // newcomer there from this moment on.
    if (core.active) close_core(cpu, core.who, at);
    core.active = true;
    core.state = SegState::Busy;
    core.since = at;
    core.who = worker;
    core.cpu = cpu;
}

void SegmentBuilder::finish(int64_t end_ns) {
    for (uint32_t lane = 0; lane < lanes_.size(); ++lane) {
        close_lane(lane, end_ns);
        lanes_[lane].depth = 0;
    }
    for (uint16_t cpu = 0; cpu < cores_.size(); ++cpu)
        if (cores_[cpu].active) close_core(cpu, cores_[cpu].who, end_ns);
}

std::vector<Segment> SegmentBuilder::open_segments(int64_t now_ns) const {
    std::vector<Segment> out;
    for (uint32_t lane = 0; lane < lanes_.size(); ++lane) {
        const Open& open = lanes_[lane].open;
        if (open.active)
            out.push_back({open.since, std::max(now_ns, open.since), lane, open.state, open.who});
    }
    return out;
}

std::vector<Segment> SegmentBuilder::open_core_segments(int64_t now_ns) const {
    std::vector<Segment> out;
    for (uint16_t cpu = 0; cpu < cores_.size(); ++cpu) {
        const Open& core = cores_[cpu];
        if (core.active)
            out.push_back({core.since, std::max(now_ns, core.since), cpu, SegState::Busy, core.who});
    }
    return out;
}

SegmentSet build_segments(const Trace& trace, int64_t end_ns) {
    SegmentBuilder builder;
    builder.set_lanes(trace.lanes);
    for (const Event& e : trace.events)
        builder.feed(e);
    builder.finish(end_ns);
    return builder.segments();
}

} // namespace clab
