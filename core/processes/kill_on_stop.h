// Kills every watched worker process the moment a stop is requested, on the thread that requests
// it: the kernel tears down a worker holding 100 MB (tens of milliseconds on a small machine) while
// the engine's own threads wind the run down, instead of after them. Both process engines use it;
// they still reap every worker themselves (no zombie).
#pragma once

#include "core/sync/stop_signal.h"
#include "fd_io.h"

#include <mutex>
#include <optional>
#include <sys/types.h>
#include <vector>

namespace clab::proc {

class KillOnStop {
public:
    explicit KillOnStop(const StopSignal& stop);
    ~KillOnStop();
    KillOnStop(const KillOnStop&) = delete;
    KillOnStop& operator=(const KillOnStop&) = delete;

    // Kills `pid` when the stop comes (at once if it came already). Held through a pidfd, so a pid
    // that was reaped meanwhile and reused by the system is never hit.
    void watch(pid_t pid);

private:
    void kill_all();

    std::mutex mutex_; // guards pidfds_ and fired_
    std::vector<UniqueFd> pidfds_;
    bool fired_ = false;
    std::optional<StopSignal::Wake> wake_; // destroyed first (~KillOnStop)
};

} // namespace clab::proc
