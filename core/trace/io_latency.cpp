#include "io_latency.h"

#include <unordered_map>

namespace clab {

std::vector<IoLatency> io_latencies(const Trace& trace) {
    // Per lane: the call under way (begin set), then waiting to run Python again (io_end set).
    std::unordered_map<uint32_t, IoLatency> open;
    std::vector<IoLatency> done;
    for (const Event& e : trace.events) {
        auto it = open.find(e.lane);
        switch (e.kind) {
        case EventKind::IoBegin:
            if (IoKind(e.arg) == IoKind::Join)
                open.erase(e.lane);
            else
                open[e.lane] = IoLatency{e.lane, IoKind(e.arg), e.t_ns, 0, 0};
            break;
        case EventKind::IoEnd:
            if (it != open.end()) it->second.io_end_ns = e.t_ns;
            break;
        case EventKind::GilWaitBegin:
        case EventKind::GilDropRequest:
        case EventKind::CpuMigrated:
            break; // still on the way back to running Python
        case EventKind::GilAcquired:
        case EventKind::Running:
            if (it != open.end() && it->second.io_end_ns != 0) {
                it->second.resumed_ns = e.t_ns;
                done.push_back(it->second);
                open.erase(it);
            }
            break;
        default:
            // Anything else after the call returned (the task ended, a process without a GIL lane
            // went on): the call's own end is where Python resumed.
            if (it != open.end() && it->second.io_end_ns != 0) {
                it->second.resumed_ns = it->second.io_end_ns;
                done.push_back(it->second);
                open.erase(it);
            }
            break;
        }
    }
    return done;
}

} // namespace clab
