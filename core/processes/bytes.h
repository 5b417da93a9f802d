// Bytes: the memory of a Python bytes object as CPython allocates it, calloc'd. For a large one
// (a lesson's `payload = bytes(100_000_000)`) calloc hands out a fresh mapping without writing
// it: the pages are not resident until something touches them (python3 here: 13.5 MB resident
// before and after bytes(100_000_000); 111 MB once pickling has read it). A fork child inherits
// untouched pages as untouched: lesson 12's echo worker holds what it received and what it sends
// back (python3: 210 MB), not the parent's payload too. A std::vector<uint8_t> zeroes or fills
// its elements, which made ours resident before the fork (its worker: 386 MB).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace clab::proc {

template <typename T> struct CallocAllocator {
    using value_type = T;
    CallocAllocator() = default;
    template <typename U> CallocAllocator(const CallocAllocator<U>&) noexcept {}
    T* allocate(size_t n) {
        if (void* p = std::calloc(n, sizeof(T))) return static_cast<T*>(p);
        throw std::bad_alloc();
    }
    void deallocate(T* p, size_t) noexcept { std::free(p); }
    // New elements are left as calloc made them (zero), not written again.
    template <typename U> void construct(U* p) noexcept { ::new (static_cast<void*>(p)) U; }
    template <typename U, typename... Args> void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <typename U> bool operator==(const CallocAllocator<U>&) const noexcept { return true; }
};

using Bytes = std::vector<uint8_t, CallocAllocator<uint8_t>>;
using SharedBytes = std::shared_ptr<const Bytes>;

} // namespace clab::proc
