// Segments: what the timeline draws, derived from events by one pure function. A segment is a
// stretch of time during which a lane was in one state. Nothing else decides what is drawn.
#pragma once

#include "trace.h"

#include <cstdint>
#include <vector>

namespace clab {

// Lane states. Stable values (the GUI keeps one colour per state).
enum class SegState : uint8_t {
    Running = 0,      // running Python while holding the GIL (threads)
    RunningFree = 1,  // running with no GIL to hold (a process, or a thread with the GIL off)
    GilWait = 2,      // waiting for the GIL
    ForcedWait = 3,   // dropped the GIL on request, waits until another thread took it
    BlockedIo = 4,    // in a blocking call (sleep, socket, pipe)
    LockWait = 5,     // waiting for a threading.Lock
    Starting = 6,     // process start-up (fork/spawn/forkserver)
    Serializing = 7,  // pickling
    Transfer = 8,     // bytes crossing a pipe
    Deserializing = 9,
    Idle = 10,        // a pool worker waiting for work; a task awaiting
    Select = 11,      // the event loop waiting in epoll
    Callback = 12,    // the event loop running a callback / task step
    TaskStep = 13,    // a coroutine task's step is running on the loop
    Crashed = 14,     // terminal: the worker died
    Deadlocked = 15,  // waiting for a lock in a detected wait-for cycle
    Busy = 16,        // a core lane: some worker ran here (`who` says which)
    Count
};

const char* seg_state_name(SegState state) noexcept;

struct Segment {
    int64_t start_ns = 0;
    int64_t end_ns = 0;
    uint32_t lane = 0;
    SegState state = SegState::Running;
    uint32_t who = 0; // for core lanes: the worker lane that ran; for loop callbacks: the task lane
};

// Per lane, in start order, non-overlapping. Core lanes (one per CPU seen) are appended after the
// trace's own lanes and listed in `core_lanes`.
struct SegmentSet {
    std::vector<LaneInfo> lanes;             // trace lanes + synthesised core lanes
    std::vector<std::vector<Segment>> by_lane; // index = lane id
    std::vector<uint32_t> core_lanes;        // lane ids of the synthesised core lanes, by CPU number
};

// Builds the segments of every lane from the trace. Open states are closed at `end_ns` (pass the
// current time for a live view, or trace.end_ns() for a finished run).
SegmentSet build_segments(const Trace& trace, int64_t end_ns);

// The state a lane enters with this event, or Count if the event does not change the lane's state.
SegState state_after(const Event& event) noexcept;

} // namespace clab
