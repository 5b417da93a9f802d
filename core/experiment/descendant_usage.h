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

} // namespace clab
