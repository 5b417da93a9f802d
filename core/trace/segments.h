// Segments: what the timeline draws, derived from events by one pure function. A segment is a
// stretch of time during which a lane was in one state. Nothing else decides what is drawn.
#pragma once

#include "trace.h"

#include <cstdint>
#include <vector>

namespace clab {

// Lane states. Stable values (the GUI keeps one colour per state).
enum class SegState : uint8_t {
    Running = 0,     // running Python while holding the GIL (threads)
    RunningFree = 1, // running with no GIL to hold (a process, or a thread with the GIL off)
    GilWait = 2,     // waiting for the GIL
    ForcedWait = 3,  // dropped the GIL on request, waits until another thread took it
    BlockedIo = 4,   // in a blocking call (sleep, socket, pipe)
    LockWait = 5,    // waiting for a threading.Lock
    Starting = 6,    // process start-up (fork/spawn/forkserver)
    Serializing = 7, // pickling
    Transfer = 8,    // bytes crossing a pipe
    Deserializing = 9,
    Idle = 10,         // a pool worker waiting for work; a coroutine task suspended at an await
    Select = 11,       // the event loop waiting in epoll
    Callback = 12,     // the event loop running a callback (`who`: the task lane of a task step)
    TaskStep = 13,     // a coroutine task's step is running on the loop
    Crashed = 14,      // terminal: the worker died
    Deadlocked = 15,   // waiting for a lock in a detected wait-for cycle
    Busy = 16,         // a core lane: a worker ran here (`who` says which)
    Joining = 17,      // waiting in join() for other threads or processes to end (not I/O)
    GcCollect = 18,    // CPython's cyclic garbage collector runs (the event loop, inside a callback)
    ShuttingDown = 19, // a worker process's interpreter finalises after its last task, until it exits
    Count
};

const char* seg_state_name(SegState state) noexcept;

struct Segment {
    int64_t start_ns = 0;
    int64_t end_ns = 0;
    uint32_t lane = 0; // trace lane id; for core segments, the CPU number
    SegState state = SegState::Running;
    uint32_t who = 0; // core segments: the worker lane that ran; loop callbacks: the task lane
};

struct SegmentSet {
    std::vector<LaneInfo> lanes;               // the trace's lanes
    std::vector<std::vector<Segment>> by_lane; // index = lane id; in start order, non-overlapping
    std::vector<std::vector<Segment>> by_core; // index = CPU number: who ran on that core, when
};

// The state a lane enters with this event, or SegState::Count if the event does not change it.
SegState state_after(const Event& event) noexcept;
// True for states in which the lane's thread occupies a core (these feed the core lanes).
bool occupies_core(SegState state) noexcept;

// Incremental form, for live views: feed events and read the segments at any time. Feeding all of
// a trace's events in time order and then finish(end) gives exactly build_segments(trace, end).
// Lane segments need only per-lane order; core segments (who ran on a core) also depend on the
// order across lanes, so a live view should feed in global time order (TimelineModel holds back
// the newest ~30 ms of events for that reason).
class SegmentBuilder {
public:
    SegmentBuilder();
    ~SegmentBuilder();
    SegmentBuilder(SegmentBuilder&&) noexcept;
    SegmentBuilder& operator=(SegmentBuilder&&) noexcept;

    void set_lanes(const std::vector<LaneInfo>& lanes); // call again whenever lanes were added
    void feed(const Event& event);
    void finish(int64_t end_ns); // closes every open state at end_ns
    // Still-open states as segments ending at now_ns (not stored): the live edge of the timeline.
    std::vector<Segment> open_segments(int64_t now_ns) const;
    std::vector<Segment> open_core_segments(int64_t now_ns) const;
    const SegmentSet& segments() const { return set_; }
    // Forgets the segments stored so far; lanes, cores and open states stay, so segments() then
    // holds only what is closed from now on. For an incremental consumer that copies them into its
    // own store (the GUI's timeline): millions of segments are then held once, not twice.
    void forget_segments();

private:
    struct Open {
        bool active = false;
        SegState state = SegState::Idle;
        int64_t since = 0;
        uint32_t who = 0;
        uint16_t cpu = 0xFFFF;
    };
    struct LaneState; // the open state plus a short stack of states to return to
    void close_lane(uint32_t lane, int64_t at);
    void open_lane(uint32_t lane, SegState state, int64_t at, uint32_t who, uint16_t cpu);
    void close_core(uint16_t cpu, uint32_t worker, int64_t at);
    void open_core(uint16_t cpu, uint32_t worker, int64_t at);
    void ensure_lane(uint32_t lane);
    void ensure_core(uint16_t cpu);

    SegmentSet set_;
    std::vector<LaneState> lanes_;
    std::vector<Open> cores_; // `who` = the worker currently shown on that core
};

// Builds the segments of every lane from the trace; open states close at end_ns.
SegmentSet build_segments(const Trace& trace, int64_t end_ns);

} // namespace clab
