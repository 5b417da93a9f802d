// The code a worker process runs: Python's multiprocessing child / ProcessPoolExecutor's
// _process_worker. It waits for a call item, deserialises it, runs its tasks, serialises the
// results and sends them back. It never touches the parent's Recorder (a forked child must not
// take locks other parent threads may have held at fork time): it stamps its own events with
// CLOCK_MONOTONIC into a local buffer and streams them to the parent as raw Events.
#pragma once

#include "wire.h"

#include <sched.h>

namespace clab::proc {

// The fixed descriptor layout of every worker process, whatever the start method: the parent (or
// the forkserver) moves the child's pipe ends to these numbers and closes everything else.
inline constexpr int kFdControl = 3;   // parent -> child: Preparation, then (engine) call items
inline constexpr int kFdResult = 4;    // child -> parent: results, goodbye
inline constexpr int kFdCall = 5;      // pool: the shared call queue
inline constexpr int kFdCallLockR = 6; // pool: the call queue's lock (a one-byte token pipe)
inline constexpr int kFdCallLockW = 7;
inline constexpr int kFdResultLockR = 8; // pool: the result queue's lock
inline constexpr int kFdResultLockW = 9;
// the events pipe (both engines). The worker's trace events go here, not onto the result pipe, so
// the parent reads them on a thread of its own (events_reader.h), without the GIL, never behind a
// result and never waking the manager. Each write is one frame of at most PIPE_BUF bytes: atomic,
// so the workers need no lock.
inline constexpr int kFdEvents = 10;
// pool: the call queue's free slots (a token pipe, multiprocessing.Queue's BoundedSemaphore): the
// worker gives a slot back when it takes an item, without waking the manager (CPython's get()
// releases the semaphore; the manager only looks at it when something else woke it up).
inline constexpr int kFdSlots = 11;
inline constexpr int kFdDeath = 12; // the write end of the sentinel pipe: closes when we die
inline constexpr int kFirstFreeFd = 13;
// How many fixed descriptors a child may get (kFdControl .. kFdDeath).
inline constexpr int kLayoutFds = kFdDeath - kFdControl + 1;

// Runs the worker loop until Stop or end of input. Returns the process exit code.
int run_worker(const Preparation& prep);

// Process-wide set-up of a fresh child: pin to the first `cpus` cores, die with the parent.
void prepare_child_process(int cpus) noexcept;
// The first `cpus` cores this thread may use; false when `cpus` <= 0 or none is known.
bool first_cores(int cpus, cpu_set_t& out) noexcept;

} // namespace clab::proc
