// A lane is one horizontal row of the timeline: a thread, a process, a coroutine task, the event
// loop, the GIL, or a CPU core. Engines create lanes; events point at them by id.
#pragma once

#include <cstdint>
#include <string>

namespace clab {

enum class LaneKind : uint8_t {
    Main = 0,
    Thread = 1,
    Process = 2,
    Task = 3,
    Loop = 4,
    Gil = 5,
    Core = 6,
    Executor = 7
};

inline constexpr uint32_t kNoLane = 0xFFFFFFFFu;

struct LaneInfo {
    uint32_t id = kNoLane;
    LaneKind kind = LaneKind::Main;
    std::string name;          // what the timeline prints: "Thread-1", "Process 4711", "Task-3", "core 0"
    uint32_t parent = kNoLane; // e.g. a thread lane inside a process lane
    int64_t os_id = 0;         // tid or pid where meaningful
};

} // namespace clab
