#include "event.h"

#include <ctime>
#include <sched.h>

namespace clab {

int64_t now_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

uint16_t current_cpu() noexcept {
    const int cpu = sched_getcpu();
    return cpu < 0 ? uint16_t(0xFFFF) : uint16_t(cpu);
}

std::string_view kind_name(EventKind kind) noexcept {
    switch (kind) {
    case EventKind::TaskBegin:
        return "task begin";
    case EventKind::TaskEnd:
        return "task end";
    case EventKind::WorkerStart:
        return "worker start";
    case EventKind::WorkerExit:
        return "worker exit";
    case EventKind::WorkerCrashed:
        return "worker crashed";
    case EventKind::Running:
        return "running";
    case EventKind::CpuMigrated:
        return "moved to another core";
    case EventKind::Idle:
        return "idle";
    case EventKind::GilWaitBegin:
        return "waits for the GIL";
    case EventKind::GilDropRequest:
        return "drop request set";
    case EventKind::GilAcquired:
        return "GIL acquired";
    case EventKind::GilRelease:
        return "GIL released";
    case EventKind::GilForcedWaitBegin:
        return "forced-switch wait";
    case EventKind::GilForcedWaitEnd:
        return "forced-switch wait ends";
    case EventKind::IoBegin:
        return "blocking call";
    case EventKind::IoEnd:
        return "blocking call returns";
    case EventKind::LockWaitBegin:
        return "waits for a lock";
    case EventKind::LockAcquired:
        return "lock acquired";
    case EventKind::LockRelease:
        return "lock released";
    case EventKind::DeadlockDetected:
        return "deadlock detected";
    case EventKind::CounterResult:
        return "counter result";
    case EventKind::ProcessStartBegin:
        return "process start";
    case EventKind::ProcessStartEnd:
        return "process started";
    case EventKind::SerializeBegin:
        return "serialise";
    case EventKind::SerializeEnd:
        return "serialised";
    case EventKind::IpcSendBegin:
        return "send";
    case EventKind::IpcSendEnd:
        return "sent";
    case EventKind::IpcRecvBegin:
        return "receive";
    case EventKind::IpcRecvEnd:
        return "received";
    case EventKind::DeserializeBegin:
        return "deserialise";
    case EventKind::DeserializeEnd:
        return "deserialised";
    case EventKind::WorkerGet:
        return "worker takes work";
    case EventKind::WorkerPut:
        return "worker puts result";
    case EventKind::SentinelFired:
        return "sentinel fired";
    case EventKind::PoolBroken:
        return "pool broken";
    case EventKind::ProcessExitBegin:
        return "interpreter shuts down";
    case EventKind::LoopIteration:
        return "loop iteration";
    case EventKind::SelectBegin:
        return "select";
    case EventKind::SelectEnd:
        return "select returns";
    case EventKind::TimerFire:
        return "timer fires";
    case EventKind::CallbackBegin:
        return "callback";
    case EventKind::CallbackEnd:
        return "callback ends";
    case EventKind::TaskStepBegin:
        return "task step";
    case EventKind::TaskStepEnd:
        return "task step ends";
    case EventKind::ExecutorSubmit:
        return "executor submit";
    case EventKind::ExecutorDone:
        return "executor done";
    case EventKind::SlowCallback:
        return "slow callback";
    case EventKind::ReadyLength:
        return "ready queue length";
    case EventKind::CallbackLag:
        return "callback lag";
    case EventKind::GcBegin:
        return "gc collection";
    case EventKind::GcEnd:
        return "gc collection ends";
    case EventKind::CoreUtilisation:
        return "core utilisation";
    case EventKind::Marker:
        return "marker";
    case EventKind::ThreadSample:
        return "kernel sample";
    case EventKind::TracerNote:
        return "tracer note";
    case EventKind::ProgramExit:
        return "program exit";
    }
    return "unknown";
}

} // namespace clab
