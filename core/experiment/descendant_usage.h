// What getrusage(RUSAGE_CHILDREN) says for our children, for the processes of a run that are not
// our children: the forkserver's workers are its children (our grandchildren), and the forkserver
// lives on after the run, so the kernel never adds their CPU time and peak RSS to ours. The
// forkserver reaps them with wait4 and reports their rusage; the engine that collects the report
// adds it here, and the Runner reads it next to RUSAGE_CHILDREN (before and after a run).
// Thread-safe, process-wide, only ever growing, like the kernel's own counters.
#pragma once

#include <cstdint>

namespace clab {

struct DescendantUsage {
    int64_t cpu_ns = 0;    // user + system time of every reaped descendant, summed
    int64_t maxrss_kb = 0; // the largest peak RSS of one of them (ru_maxrss semantics)
};

void add_reaped_descendant(int64_t cpu_ns, int64_t maxrss_kb) noexcept;
DescendantUsage reaped_descendants() noexcept;

// The other correction, the other way: CPU time this process spent on the lab's own instruments
// (the kernel sampler that shows worker processes on the core lanes reads /proc 1000 times a
// second: 0.2-0.25 s of CPU in a 4.7 s pool run here, while python3's parent spends 0.03 s in
// all). The kernel counts it as ours; the Runner takes it out of a run's CPU time, which is the
// program's. Process-wide and only ever growing, like the counters above.
void add_instrument_cpu(int64_t cpu_ns) noexcept;
int64_t instrument_cpu_ns() noexcept;

} // namespace clab
