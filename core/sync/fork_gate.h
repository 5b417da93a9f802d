// The fork gate: no helper thread of ours is inside the allocator while a worker process is forked.
//
// A child forked from a multithreaded parent has only the forking thread, and every lock as it was
// at that instant. glibc's malloc takes its locks around fork() and resets them in the child;
// AddressSanitizer's allocator in GCC 12's libasan does neither (LLVM's compiler-rt added such
// atfork handlers later), so a worker forked while an observer thread was refilling its allocator
// cache deadlocked at its first allocation (test_process_pool under ASan: a worker stuck in
// SizeClassAllocator64::GetFromAllocator, the others waiting behind it for the call queue's lock,
// the test's future waiting 30 s; 5 runs of 7 with two tests side by side).
//
// The threads that observe running workers (the events reader, the core sampler, the thread
// sampler) hold the gate shared while they work - never while they wait - and the thread that
// forks holds it exclusively across fork(): the child starts with none of their allocations in
// progress. Header-only: clab_sample, below clab_processes, takes it too.
#pragma once

#include <shared_mutex>

namespace clab {

inline std::shared_mutex& fork_gate() noexcept {
    static std::shared_mutex gate;
    return gate;
}

} // namespace clab
