// CPython 3.11's cyclic garbage collector (Modules/gcmodule.c), as bookkeeping: which collections
// a Python program running our loop's operations would trigger, and how many objects each scans.
//
// CPython tracks every container object (a task, a coroutine, a future, a handle, a dict, a list,
// a tuple...) in one of three generations. Allocating one adds 1 to generations[0].count and
// freeing one takes 1 off (never below 0). When the count exceeds threshold0 (700) at an
// allocation, gc_select_generation picks the oldest generation whose count exceeds its threshold
// (10 and 10): a collection of generation g scans generations 0..g, moves the survivors one
// generation up (a full collection keeps them in 2), adds 1 to generations[g+1].count and resets
// the counts of 0..g. A full collection runs only if the objects moved into generation 2 since
// the last one (long_lived_pending) are at least a quarter of those it kept (long_lived_total).
// Its cost is the traversal of every object it scans (update_refs, subtract_refs,
// move_unreachable): EventLoop spends it, calibrated per object against python3.
//
// The loop's Python-level operations say how many tracked objects they bring to life and for how
// long (PyObjects: an RAII group, freed when it goes); the counts are python3 3.11's, measured
// with gc.get_objects() and gc.get_count() (tests/bench/gc_cpython.py). An object's generation
// follows from the collections since it was born, so a group needs no list of its own.
// Garbage cycles are not modelled: asyncio's requests leave none (python3 here: 0 collected).
#pragma once

#include <array>
#include <cstdint>
#include <memory>

namespace clab::aio {

class PythonGc {
public:
    static constexpr int kGenerations = 3;
    // CPython's defaults (gc.get_threshold()).
    static constexpr std::array<int64_t, kGenerations> kThresholds = {700, 10, 10};

    struct Collection {
        int generation = -1;  // -1: none is due
        uint64_t objects = 0; // the objects it scans: generations 0..generation
    };

    // The state CPython 3.11 is in when a program's `asyncio.run(main())` starts (python3 here:
    // `import asyncio` and the interpreter's start-up leave 44, 2518 and 14313 tracked objects in
    // generations 0, 1 and 2, counts (40, 6, 3), and have never run a full collection).
    PythonGc();

    // `n` tracked objects were allocated; returns the collection CPython would run at the last of
    // those allocations (already done here: the caller spends its cost). `born` identifies their
    // cohort for free().
    Collection allocate(uint32_t n, uint64_t* born);
    // `n` objects of the cohort `born` were freed.
    void free(uint32_t n, uint64_t born);
    // The same for 2-tuples, which CPython keeps on a free list (Objects/tupleobject.c, 2000 of
    // each size): one taken from the list or put back on it is neither counted nor uncounted
    // (no _PyObject_GC_Link / PyObject_GC_Del), only tracked. Only select()'s tuples come through
    // here; the list starts empty (python3 here: the first select() reporting 1000 fds raised
    // generations[0].count by 2001, the next ones by 0).
    Collection allocate_pairs(uint32_t n, uint64_t* born);
    void free_pairs(uint32_t n, uint64_t born);

    uint64_t collections(int generation) const { return collections_[size_t(generation)]; }
    uint64_t objects_scanned(int generation) const { return scanned_[size_t(generation)]; }
    uint64_t tracked() const { return population_[0] + population_[1] + population_[2]; }
    uint64_t population(int generation) const { return population_[size_t(generation)]; }

private:
    int generation_of(uint64_t born) const;
    int select_generation() const;
    uint64_t collect(int generation);
    Collection due(); // the collection an allocation that raised the count now triggers

    std::array<int64_t, kGenerations> count_{};
    std::array<uint64_t, kGenerations> population_{};
    std::array<uint64_t, kGenerations> collections_{};
    std::array<uint64_t, kGenerations> scanned_{};
    uint64_t long_lived_pending_ = 0;
    uint64_t long_lived_total_ = 0;
    uint64_t sequence_ = 0;          // collections so far (of any generation): a cohort's birth mark
    uint64_t last_old_sequence_ = 0; // the last collection of generation 1 or 2
    uint32_t free_pairs_ = 0;        // 2-tuples on CPython's free list
    static constexpr uint32_t kMostFreePairs = 2000; // PyTuple_MAXFREELIST
};

// The tracked objects our operations bring to life in CPython 3.11 (python3 here, counted with
// gc.get_objects() at each phase of 1000 concurrent requests, gc disabled: tests/bench/gc_cpython.py
// counts; the handles queued at a phase's mark apart, as the loop counts those itself).
namespace objects {
// A Handle (call_soon, call_later, add_reader: the Handle or TimerHandle and the context it copies,
// or the bound method a task's step is), alive until it has run or is dropped.
inline constexpr uint32_t kHandle = 2;
// create_task(coro()): the coroutine and the Task and its context (its first step's handle apart).
inline constexpr uint32_t kTask = 4;
inline constexpr uint32_t kTaskFreedWhenDone = 3; // when it finishes (the rest when it goes)
// asyncio.gather: per child (the done-callback entry it adds).
inline constexpr uint32_t kGatherChild = 1;
// asyncio.sleep(d > 0): beyond the TimerHandle (and its context), until the task wakes: the
// future, the TimerHandle's args tuple (future, result), and the task's wake-up the future holds
// (the TaskWakeupMethWrapper, its (callback, context) tuple and the callbacks list). python3 3.11
// here: a sleeper's first step leaves +5.00 tracked objects (its own step's Handle and wrapper
// gone), gc_cpython.py counts 1000 sleep; with 4, 10,000 sleepers ran 143 collections during
// their first steps where python3 runs 170 (gc.callbacks, by the callback running).
inline constexpr uint32_t kSleep = 5;
// open_connection's first step (up to sock_connect: StreamReader, protocol, socket, futures...).
inline constexpr uint32_t kConnectionSetup = 40;
inline constexpr uint32_t kConnectionSetupFreed = 17;   // freed once connected; the rest are the
inline constexpr uint32_t kConnectionFreedAtClose = 13; // transport's, streams'...: these at close
} // namespace objects

// Tracked objects that live as long as this group does (moved, never copied). Empty without a
// model (the loop pays no Python costs).
class PyObjects {
public:
    PyObjects() = default;
    PyObjects(std::shared_ptr<PythonGc> gc, uint32_t count, uint64_t born, bool pairs = false)
        : gc_(std::move(gc))
        , count_(count)
        , born_(born)
        , pairs_(pairs) {}
    PyObjects(PyObjects&& o) noexcept
        : gc_(std::move(o.gc_))
        , count_(o.count_)
        , born_(o.born_)
        , pairs_(o.pairs_) {}
    PyObjects& operator=(PyObjects&& o) noexcept {
        if (this != &o) {
            reset();
            gc_ = std::move(o.gc_);
            count_ = o.count_;
            born_ = o.born_;
            pairs_ = o.pairs_;
        }
        return *this;
    }
    PyObjects(const PyObjects&) = delete;
    PyObjects& operator=(const PyObjects&) = delete;
    ~PyObjects() { reset(); }

    // Frees `n` of them now (the rest live on).
    void free(uint32_t n) {
        if (!gc_) return;
        if (n > count_) n = count_;
        release(n);
        count_ -= n;
    }
    void reset() {
        if (gc_) release(count_);
        gc_.reset();
        count_ = 0;
    }
    uint32_t count() const { return count_; }

private:
    void release(uint32_t n) {
        if (pairs_)
            gc_->free_pairs(n, born_);
        else
            gc_->free(n, born_);
    }
    std::shared_ptr<PythonGc> gc_;
    uint32_t count_ = 0;
    uint64_t born_ = 0;
    bool pairs_ = false; // 2-tuples (PythonGc::allocate_pairs)
};

} // namespace clab::aio
