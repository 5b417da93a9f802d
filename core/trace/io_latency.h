// I/O latency as the Python program itself would measure it (`t0 = perf_counter(); sock.recv(...);
// perf_counter() - t0`): from entering a blocking call to running Python again afterwards. Under a
// GIL that includes the wait to get the GIL back, which is what the convoy effect stretches.
// Derived from the recorded events only, so a plot of it shows what really happened.
#pragma once

#include "trace.h"

#include <cstdint>
#include <vector>

namespace clab {

struct IoLatency {
    uint32_t lane = 0;
    IoKind kind = IoKind::Sleep;
    int64_t begin_ns = 0;   // IoBegin: the thread entered the blocking call (and let go of the GIL)
    int64_t io_end_ns = 0;  // IoEnd: the call returned
    int64_t resumed_ns = 0; // the thread ran Python again (took the GIL back; = io_end_ns without a GIL)

    int64_t total_ns() const { return resumed_ns - begin_ns; }
    int64_t gil_wait_ns() const { return resumed_ns - io_end_ns; }
};

// Every completed blocking call of the trace, in the order they ended: sleeps, sockets, pipes, but
// not a main thread's join (waiting for its own threads is not I/O). A call still open when the
// trace ends (a stopped run) is left out.
std::vector<IoLatency> io_latencies(const Trace& trace);

} // namespace clab
