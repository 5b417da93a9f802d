// The lab's own trace memory is no part of the Python program a run shows, so a run's peak
// resident set size leaves it out, exactly.
//
// A Recorder's events take ~24 bytes each (lesson 16's 1000 asyncio requests: ~45,000 events,
// 1.1 MB) and its ChunkPool hands them out of 2 MiB huge pages: resident a whole block at a time.
// Counted in the run's peak, they made asyncio's memory per request step with the number of
// requests (python3 here, 1000 requests: 7.3 KB each; ours 9.2-9.5 KB, of which ~2.5 MB of trace
// memory for 1.1 MB of events; 300 requests: 7.4 KB) while CPython, which records nothing, grows
// linearly. So the pool makes its memory resident itself, a block (or its first 512 KiB region)
// at a time (populate), and tells this module first: the high-water mark of the stretch that
// ends there is folded into the peak less the trace memory resident during it, and the mark
// restarts (/proc/self/clear_refs "5"). The trace memory is constant within each stretch, so
// the program's peak is the largest (VmHWM - trace memory) over the stretches.
#pragma once

#include <cstddef>

namespace clab::trace_memory {

// Starts a measurement (a run's start): the high-water mark restarts at the present resident
// size, and trace memory made resident from now on is left out of peak_kb().
void start_peak() noexcept;

// Makes [address, address + bytes) resident now (fresh trace memory, whole pages), between two
// stretches of the measurement. Any thread.
void populate(void* address, size_t bytes) noexcept;

// The process's peak resident set size since start_peak(), less the trace memory made resident
// since then (kB).
double peak_kb() noexcept;

// Trace memory made resident since start_peak() (bytes).
size_t populated_bytes() noexcept;

} // namespace clab::trace_memory
