#include "chunk_pool.h"

#include "trace_memory.h"

#include <bit>
#include <cstdint>
#include <sys/mman.h>

namespace clab {

ChunkPool::~ChunkPool() {
    for (const auto& [address, bytes] : mappings_)
        ::munmap(address, bytes);
}

char* ChunkPool::map(size_t bytes, bool huge) noexcept {
    // On a boundary of its size (up to a block): a huge page needs a 2 MiB boundary, and pieces
    // split from a region are then aligned to their own size. Map that much more and cut off
    // what lies outside.
    const size_t align = bytes < kBlock ? bytes : kBlock;
    void* raw = ::mmap(nullptr, bytes + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return nullptr;
    char* const mapped = static_cast<char*>(raw);
    char* const start =
        reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(mapped) + align - 1) & ~(align - 1));
    if (start > mapped) ::munmap(mapped, size_t(start - mapped));
    char* const end = start + bytes;
    if (end < mapped + bytes + align) ::munmap(end, size_t(mapped + bytes + align - end));
    // Advice only: without transparent huge pages, 4 KiB pages as before.
    if (huge) ::madvise(start, bytes, MADV_HUGEPAGE);
    try {
        mappings_.emplace_back(start, bytes);
    } catch (...) {
        ::munmap(start, bytes);
        return nullptr;
    }
    return start;
}

void ChunkPool::populate(void* address, size_t bytes) noexcept {
    trace_memory::populate(address, bytes);
}

void ChunkPool::make_resident(char* piece, size_t bytes) noexcept {
    if (small_region_ == nullptr || piece < small_region_ || piece >= small_region_ + kSmallBytes) return;
    constexpr size_t kPage = 4096;
    const size_t first = size_t(piece - small_region_) / kPage;
    const size_t end = (size_t(piece - small_region_) + bytes + kPage - 1) / kPage;
    for (size_t page = first; page < end;) {
        if (small_resident_[page]) {
            ++page;
            continue;
        }
        size_t run = page;
        while (run < end && !small_resident_[run])
            small_resident_[run++] = true;
        trace_memory::populate(small_region_ + page * kPage, (run - page) * kPage);
        page = run;
    }
}

char* ChunkPool::split_from(size_t cls, size_t want) noexcept {
    char* piece = free_[cls];
    free_[cls] = nullptr;
    // Keep the front, leave the back half free at each size on the way down: the sizes between
    // were all empty (cls is the smallest with a free piece), so each still holds at most one.
    while (cls > want) {
        --cls;
        free_[cls] = piece + (size_t(1) << cls);
    }
    return piece;
}

void* ChunkPool::take(size_t bytes) noexcept {
    if (bytes < kSmallestPiece || !std::has_single_bit(bytes)) return nullptr;
    std::lock_guard lock(mutex_);
    if (bytes >= kBlock) return map(bytes, true);
    const size_t want = size_t(std::countr_zero(bytes));
    if (!small_region_made_) {
        small_region_made_ = true;
        if (char* region = map(kSmallBytes, false)) {
            free_[size_t(std::countr_zero(kSmallBytes))] = region;
            small_region_ = region;
        }
    }
    for (size_t cls = want; cls < kClasses; ++cls)
        if (free_[cls] != nullptr) {
            char* piece = split_from(cls, want);
            make_resident(piece, bytes);
            return piece;
        }
    const size_t block_class = size_t(std::countr_zero(kBlock));
    char* block = map(kBlock, true);
    if (block == nullptr) return nullptr;
    trace_memory::populate(block, kBlock); // one huge page, as its first write would have made it
    free_[block_class] = block;
    return split_from(block_class, want);
}

size_t ChunkPool::mapped_bytes() const noexcept {
    std::lock_guard lock(mutex_);
    size_t total = 0;
    for (const auto& mapping : mappings_)
        total += mapping.second;
    return total;
}

} // namespace clab
