// Small POSIX helpers the process engines share: an owning fd, close-on-exec pipes, full reads
// and writes that survive EINTR, and a guard that turns SIGPIPE into EPIPE for one thread.
#pragma once

#include "core/sync/stop_signal.h"

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace clab::proc {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd)
        : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept
        : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    int release() noexcept { return std::exchange(fd_, -1); }
    void reset(int fd = -1) noexcept;

private:
    int fd_ = -1;
};

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

// A pipe with O_CLOEXEC on both ends (children get only the ends we hand them on purpose).
// Returns false and fills `error` on failure.
bool make_pipe(Pipe& out, std::string* error);
bool set_nonblocking(int fd, bool on) noexcept;

// Blocking full transfers. write_all: false on error (EPIPE when the reader is gone).
// read_all: false on error or end of file before `size` bytes.
bool write_all(int fd, const void* data, size_t size) noexcept;
bool read_all(int fd, void* data, size_t size) noexcept;
// Like read_all but gives up after `timeout_ms` of silence (false, errno = ETIMEDOUT).
bool read_all_timeout(int fd, void* data, size_t size, int timeout_ms) noexcept;
// Full transfers a stop ends at once (false, errno = ECANCELED), for the parent's ends of a
// worker's pipes: `fd` is made non-blocking (and stays so), and every wait for room or data is a
// poll on it, on stop.fd() and on the peer's sentinel (optional: readable or hung up once the peer
// is dead). A dead peer ends them at once: EPIPE, end of file, or (when some other process still
// holds the pipe's other end) its sentinel, with errno EPIPE.
bool write_all(int fd, const void* data, size_t size, const StopSignal& stop,
               int peer_sentinel = -1) noexcept;
bool read_all(int fd, void* data, size_t size, const StopSignal& stop, int peer_sentinel = -1) noexcept;

// While alive, SIGPIPE is blocked for the calling thread, so writing to a pipe whose reader died
// fails with EPIPE instead of killing the whole application. A SIGPIPE raised meanwhile is
// consumed before the old mask comes back.
class SigpipeGuard {
public:
    SigpipeGuard();
    ~SigpipeGuard();
    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;

private:
    sigset_t old_{};
    bool was_blocked_ = false;
};

// "signal 9 (Killed)" / "exit code 3": how a wait status reads in an error message.
std::string describe_wait_status(int status);
// Python's Process.exitcode: the exit code, or minus the signal number.
int exitcode_of(int status) noexcept;

} // namespace clab::proc
