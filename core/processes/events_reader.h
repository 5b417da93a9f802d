// The workers' trace on a pipe of its own, read by a plain thread of the parent (both process
// engines). Not part of CPython: the trace is the lab's instrument, so reading and converting the
// workers' events never waits for the parent's GIL, never wakes the pool's manager and never queues
// behind a 100 MB result on the result pipe. Workers write it at kFdEvents (worker.h) in frames of
// at most PIPE_BUF bytes: each write is atomic, so workers share the pipe without a lock.
#pragma once

#include "core/sync/fork_gate.h"
#include "core/trace/event.h"
#include "fd_io.h"

#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace clab::proc {

class EventsReader {
public:
    // Runs on the reader thread, once per frame: `events` came from worker number `sender`.
    using Ingest = std::function<void(uint16_t sender, std::vector<Event>& events)>;

    EventsReader() = default;
    ~EventsReader(); // stop()
    EventsReader(const EventsReader&) = delete;
    EventsReader& operator=(const EventsReader&) = delete;

    // Makes the pipe and starts the thread. `write_end` receives the workers' end: the caller hands
    // it to each worker at kFdEvents and closes it once the last one holds it.
    bool start(Ingest ingest, UniqueFd& write_end, std::string* error);
    // Reads what is left and ends the thread. Call it once every worker is reaped: then all they
    // wrote is in the pipe, and it is all ingested before this returns.
    void stop();

private:
    void loop();

    Ingest ingest_;
    UniqueFd read_;
    Pipe stop_;
    fork_gate::ObserverThread thread_; // std::thread but under ASan (core/sync/fork_gate.h)
};

} // namespace clab::proc
