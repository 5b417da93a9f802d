// asyncio streams over real non-blocking sockets: open_connection() gives a StreamReader and a
// StreamWriter sharing one socket transport (Lib/asyncio/streams.py + selector_events.py).
//
// The transport keeps a reader registered with the loop while it wants data: each time the
// socket is readable the loop queues the transport's read callback, which does one recv() into
// the reader's buffer and wakes a waiting reader through its future (so the reading task's step
// comes one ready-queue trip later). Past 128 KiB of unread data it stops reading (flow control)
// until the buffer drains. write() sends at once what the socket takes and keeps the rest for
// a writer callback; drain() waits only while more than 64 KiB is still buffered.
#pragma once

#include "task.h"

#include <memory>
#include <string>
#include <string_view>

namespace clab::aio {

class SocketTransport;

// What one of our open connections holds of its own beyond its task (the transport, streams,
// their control blocks, the loop's registration of the socket): measured, 1.9 KB, by
// test_aio_streams (AnOpenConnectionHoldsWhatCPythonsHolds, which checks this figure too). A
// connection holds the rest of what CPython's holds (EventLoop::connection_bytes), so that its
// objects are not counted twice.
inline constexpr size_t kOwnConnectionBytes = 1900;

class StreamReader {
public:
    explicit StreamReader(std::shared_ptr<SocketTransport> transport)
        : transport_(std::move(transport)) {}
    Coro<std::string> read(size_t max_bytes); // up to max_bytes; "" at EOF
    Coro<std::string> readexactly(size_t n);  // IncompleteReadError if EOF comes first
    Coro<std::string> readline();             // through '\n' (or what is left at EOF)
    bool at_eof() const;
    size_t buffered() const;

private:
    Coro<void> wait_for_data();
    std::shared_ptr<SocketTransport> transport_;
};

class StreamWriter {
public:
    explicit StreamWriter(std::shared_ptr<SocketTransport> transport)
        : transport_(std::move(transport)) {}
    void write(std::string_view data);
    Coro<void> drain();
    void close();
    bool is_closing() const;
    int fd() const;

private:
    std::shared_ptr<SocketTransport> transport_;
};

struct Connection {
    std::shared_ptr<StreamReader> reader;
    std::shared_ptr<StreamWriter> writer;
};

// asyncio.open_connection("127.0.0.1", port): a non-blocking connect, awaited through the loop
// (the socket is watched for writability). Throws ConnectionError with the reason.
Coro<Connection> open_connection(uint16_t port);

} // namespace clab::aio
