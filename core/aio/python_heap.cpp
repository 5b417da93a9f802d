#include "python_heap.h"

namespace clab::aio {

namespace {
constexpr size_t kSizeSz = sizeof(size_t);                            // glibc's chunk header
constexpr size_t kMostMmapThreshold = 4 * 1024 * 1024 * sizeof(long); // DEFAULT_MMAP_THRESHOLD_MAX
constexpr size_t kPage = 4096;

// What glibc's chunk for a request of `requested` bytes measures (request2size; a mapped chunk
// is rounded up to whole pages).
size_t chunk_size(size_t requested) {
    return (requested + kSizeSz + 2 * kSizeSz - 1) & ~(2 * kSizeSz - 1);
}
} // namespace

size_t PythonHeap::mapping_bytes(size_t requested) {
    return (chunk_size(requested) + kPage - 1) & ~(kPage - 1);
}

void PythonHeap::freed(size_t requested) {
    if (!mapped(requested)) return; // a heap block: the threshold stays
    const size_t size = mapping_bytes(requested);
    if (size > mmap_threshold_ && size <= kMostMmapThreshold) mmap_threshold_ = size;
}

bool PythonHeap::mapped(size_t requested) const {
    return chunk_size(requested) >= mmap_threshold_;
}

size_t PythonHeap::dict_table_bytes(size_t entries) {
    // PyDict_MINSIZE 8 slots; usable = 2/3; full: the next power of two >= used * 3.
    size_t log2 = 3;
    auto usable = [](size_t slots) { return slots * 2 / 3; };
    size_t used = 0;
    while (used < entries) {
        const size_t room = usable(size_t(1) << log2);
        if (used < room) {
            used = entries < room ? entries : room;
            continue;
        }
        size_t wanted = used * 3;
        while ((size_t(1) << log2) < wanted)
            ++log2;
    }
    const size_t slots = size_t(1) << log2;
    const size_t index_bytes = slots <= 0xff ? 1 : slots <= 0xffff ? 2 : slots <= 0xffffffff ? 4 : 8;
    constexpr size_t kKeysHeader = 32; // sizeof(PyDictKeysObject), 64-bit
    constexpr size_t kEntry = 24;      // PyDictKeyEntry: hash, key, value
    return kKeysHeader + slots * index_bytes + usable(slots) * kEntry;
}

} // namespace clab::aio
