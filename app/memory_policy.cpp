#include "memory_policy.h"

#include <QPixmapCache>
#include <cstdlib> // defines __GLIBC__ (via features.h) for the test below

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace clab {

void apply_malloc_policy() {
#ifdef __GLIBC__
    // Fixed values also turn off glibc's dynamic thresholds (set either, both stay as set).
    // 1 MiB: a run's big buffers (recorder chunks from 1 MiB, 2 MiB huge-page chunks, the trace's
    // events, 100 MB payloads, segment stores) are mmapped, so freeing one unmaps it; the many
    // small objects of the GUI stay in the arenas. Costs a fresh page fault per 4 KiB (2 MiB for
    // the recorder's huge-page chunks) where a warm arena would have been reused.
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    // An arena's free top above 1 MiB goes back when a free makes it so (the default would become
    // 2x the dynamic mmap threshold: up to 64 MiB kept per arena, one arena per engine thread).
    mallopt(M_TRIM_THRESHOLD, 1 << 20);
#endif
}

void apply_gui_memory_policy() {
    QPixmapCache::setCacheLimit(kPixmapCacheKb);
}

} // namespace clab
