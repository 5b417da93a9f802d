// Starting a worker process with one of the three start methods, and ending it.
//
//   fork        fork() here; the child continues from a copy of this process and calls the worker
//               loop directly (no exec, no message: it already has everything in memory).
//   spawn       posix_spawn() of our own executable (/proc/self/exe) in worker mode; the fresh
//               process reads a length-prefixed Preparation from its control pipe.
//   forkserver  a single-threaded helper (started once) forks the child on request; the child
//               reads its Preparation like a spawned one.
//
// Every child gets its pipe ends in the fixed layout of worker.h and one sentinel: the read end of
// a pipe whose only write end the child holds, so it becomes readable (end of file) the moment the
// child dies, however it dies (this is what multiprocessing's Process.sentinel is).
#pragma once

#include "fd_io.h"
#include "wire.h"
#include "worker.h"

#include <array>
#include <string>
#include <sys/types.h>

namespace clab::proc {

// The child's ends, indexed by (fixed fd - kFdControl); -1 = not used. The death pipe is added by
// start_worker itself.
struct ChildEnds {
    ChildEnds() { fds.fill(-1); }
    std::array<int, kLayoutFds - 1> fds;
    int& control() { return fds[0]; }
    int& result() { return fds[1]; }
    int& call() { return fds[2]; }
};

struct Child {
    pid_t pid = -1;
    StartMethod method = StartMethod::Fork;
    UniqueFd sentinel; // readable once the process has died
    UniqueFd status;   // forkserver only: the server reports the wait status here
    bool reaped = false;
    int wait_status = 0;
};

// Starts a worker. `control_write` is the parent's end of the control pipe (spawn and forkserver
// send the Preparation there; fork passes it in memory and ignores it).
bool start_worker(StartMethod method, const Preparation& prep, const ChildEnds& ends, int control_write,
                  Child& out, std::string* error);

// SIGKILL (if not reaped yet). Safe to call twice.
void kill_child(Child& child) noexcept;
// Collects the exit status: for our children, a poll on their pidfd (no polling loop) and waitpid;
// for forkserver children, the server's report.
// Returns false if it did not arrive within timeout_ms (the child is then killed and
// waited for once more).
bool reap_child(Child& child, int timeout_ms);

// "Process", "SpawnProcess", "ForkServerProcess" (multiprocessing's class names; a pool's fork
// workers are "ForkProcess").
const char* process_class_name(StartMethod method, bool pool);

// True once main() has called the worker-mode hook (worker_entry.h): spawn and forkserver exec
// this executable and need it.
bool worker_mode_available() noexcept;
void mark_worker_mode_available() noexcept;

// Child side (fork children, forkserver children): moves `fds` (index = fixed fd - kFdControl,
// -1 = absent, the last one the death pipe) into the fixed layout and closes every other
// descriptor. Async-signal-safe.
void install_fixed_fds(const int (&fds)[kLayoutFds]) noexcept;

} // namespace clab::proc
