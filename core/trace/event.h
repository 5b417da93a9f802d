// The one record every engine writes: what happened, when (CLOCK_MONOTONIC, comparable across
// processes), on which lane, on which CPU. 24 bytes, trivially copyable, so it can be streamed over
// a pipe from a worker process as raw bytes.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

namespace clab {

// Monotonic nanoseconds. CLOCK_MONOTONIC is system-wide on Linux, so a child process's stamps
// sit on the same axis as the parent's.
int64_t now_ns() noexcept;
// The CPU this thread runs on right now (sched_getcpu); 0xFFFF when unknown.
uint16_t current_cpu() noexcept;

// What an event says. Values are stable: they are stored in saved runs and streamed between
// processes. Append new kinds at the end of a group's range; never renumber.
enum class EventKind : uint16_t {
    // --- life of a worker (thread, process, coroutine task) ---------------------------------
    TaskBegin = 1, // arg: task index
    TaskEnd = 2,   // arg: task index
    WorkerStart = 3,
    WorkerExit = 4,    // arg: exit status (processes) or 0
    WorkerCrashed = 5, // arg: signal number
    Running = 6,       // the lane runs without any GIL (processes, GIL off); arg: task index
    CpuMigrated = 7,   // the lane now runs on `cpu` (sampled during work)
    Idle = 8,          // worker waits for work (pool idle); arg: 0

    // --- the GIL (lane = the thread) ------------------------------------------------------
    GilWaitBegin = 20,       // the thread asks for the GIL
    GilDropRequest = 21,     // the waiter set a drop request on the holder; arg: holder lane
    GilAcquired = 22,        // arg: nanoseconds waited
    GilRelease = 23,         // arg: GilReleaseReason
    GilForcedWaitBegin = 24, // dropper waits until someone else took the GIL
    GilForcedWaitEnd = 25,

    // --- blocking calls and locks ----------------------------------------------------------
    IoBegin = 40,          // arg: IoKind
    IoEnd = 41,            // arg: latency in ns
    LockWaitBegin = 42,    // arg: lock id
    LockAcquired = 43,     // arg: lock id
    LockRelease = 44,      // arg: lock id
    DeadlockDetected = 45, // arg: number of threads in the wait-for cycle
    CounterResult = 46,    // arg: final counter value (lane: the engine's main lane)

    // --- processes ---------------------------------------------------------------------------
    ProcessStartBegin = 60, // arg: StartMethod
    ProcessStartEnd = 61,   // arg: StartMethod
    SerializeBegin = 62,    // arg: bytes
    SerializeEnd = 63,
    IpcSendBegin = 64, // arg: bytes
    IpcSendEnd = 65,
    IpcRecvBegin = 66,
    IpcRecvEnd = 67,       // arg: bytes
    DeserializeBegin = 68, // arg: bytes
    DeserializeEnd = 69,
    WorkerGet = 70,     // a pool worker took a call item; arg: first task index
    WorkerPut = 71,     // a pool worker put a result; arg: first task index
    SentinelFired = 72, // arg: pid
    PoolBroken = 73,
    // A worker process's interpreter finalises after its last task (atexit, finalisers, module
    // teardown) until it exits: its lane shows "interpreter shutting down" until WorkerExit.
    ProcessExitBegin = 74,

    // --- the event loop (lane = the loop thread, or a coroutine task's lane) -----------------
    LoopIteration = 80, // arg: (ready length << 32) | timer count
    SelectBegin = 81,   // arg: timeout in ns, or UINT64_MAX for "block"
    SelectEnd = 82,     // arg: number of ready fds
    TimerFire = 83,     // arg: lateness in ns
    CallbackBegin = 84, // arg: CallbackKind
    CallbackEnd = 85,
    TaskStepBegin = 86, // on a task lane; arg: task index
    TaskStepEnd = 87,   // arg: StepOutcome
    ExecutorSubmit = 88,
    ExecutorDone = 89,
    SlowCallback = 90, // arg: duration in ns
    ReadyLength = 91,  // arg: ready-queue length after this iteration's scheduling
    // At a callback's begin, on the loop lane: how long it waited since it became ready (a timer's
    // due time, call_soon, call_soon_threadsafe, select() reporting its fd); arg: ns. The loop lag.
    CallbackLag = 92,
    // CPython's cyclic GC collects (modelled: core/aio/python_gc.h), on the loop lane inside the
    // callback whose allocation triggered it. Begin's arg: generation | (objects scanned << 8).
    GcBegin = 93,
    GcEnd = 94, // arg: generation | (the collection's CPU in ns, the loop thread's clock << 8)

    // --- machine ------------------------------------------------------------------------------
    CoreUtilisation = 100, // lane: a core lane; arg: busy per mille over the last sample period
    Marker = 101,          // a bookmark; arg: marker id

    // --- the python engine: a real interpreter (core/python) ----------------------------------
    // Events from the program's tracer use the kinds above (WorkerStart, LockWaitBegin, TaskStep...);
    // those the app infers from kernel thread samples use them too, with kSampledBit set in arg.
    ThreadSample = 120, // a kernel sample changed a thread's state; arg: kSampledBit | SampledState
    TracerNote = 121,   // the tracer recorded less than usual or a limit was hit; arg: index into
                        // Summary::notes
    ProgramExit = 122,  // the program's root process ended; arg: exit status (-N: signal N)
};

// Set in `arg` of an event the python engine inferred from /proc samples rather than recorded.
inline constexpr uint64_t kSampledBit = uint64_t(1) << 63;
// What a sampled thread was doing (ThreadSample's arg, without kSampledBit).
enum class SampledState : uint64_t { OnCpu = 0, GilWait = 1, LockWait = 2, Sleep = 3, Io = 4, Other = 5 };

enum class GilReleaseReason : uint64_t { Interval = 0, Io = 1, Exit = 2, Lock = 3 };
// Connect: opening a socket (getaddrinfo, socket, connect), blocking calls but not one of the
// workload's requests. SocketCall: a socket call that returns at once (a send, a close), which
// CPython still makes without the GIL.
enum class IoKind : uint64_t { Sleep = 0, Socket = 1, Pipe = 2, Join = 3, Connect = 4, SocketCall = 5 };
enum class CallbackKind : uint64_t {
    TaskStep = 0,
    FutureDone = 1,
    Timer = 2,
    IoReady = 3,
    Threadsafe = 4,
    Other = 5
};
enum class StepOutcome : uint64_t { Awaiting = 0, Yielded = 1, Done = 2, Failed = 3, Cancelled = 4 };

struct Event {
    int64_t t_ns = 0;
    uint32_t lane = 0;
    EventKind kind{};
    uint16_t cpu = 0xFFFF;
    uint64_t arg = 0;
};
static_assert(sizeof(Event) == 24, "Event is streamed and stored as 24 raw bytes");
static_assert(std::is_trivially_copyable_v<Event>);

// An event the python engine inferred from kernel thread samples (kSampledBit in arg) rather than
// recorded. Only the kinds the sampler emits are asked: others' args may be negative statuses.
constexpr bool is_sampled(const Event& e) noexcept {
    switch (e.kind) {
    case EventKind::Running:
    case EventKind::CpuMigrated:
    case EventKind::GilWaitBegin:
    case EventKind::GilAcquired:
    case EventKind::GilRelease:
    case EventKind::IoBegin:
    case EventKind::IoEnd:
    case EventKind::LockWaitBegin:
    case EventKind::LockAcquired:
        return (e.arg & kSampledBit) != 0;
    default:
        return false;
    }
}

std::string_view kind_name(EventKind kind) noexcept;

} // namespace clab
