#include "events_reader.h"

#include "core/sync/fork_gate.h"
#include "wire.h"

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace clab::proc {

namespace {
constexpr size_t kReadChunk = 64 << 10; // one default pipe buffer
}

EventsReader::~EventsReader() {
    stop();
}

bool EventsReader::start(Ingest ingest, UniqueFd& write_end, std::string* error) {
    Pipe events;
    if (!make_pipe(events, error) || !make_pipe(stop_, error)) return false;
    set_nonblocking(events.read.get(), true);
    read_ = std::move(events.read);
    write_end = std::move(events.write);
    ingest_ = std::move(ingest);
    thread_ = fork_gate::ObserverThread([this] { loop(); });
    return true;
}

void EventsReader::stop() {
    if (!thread_.joinable()) return;
    const char byte = 1;
    write_all(stop_.write.get(), &byte, 1);
    thread_.join();
}

// Reads until stop(), then drains what the pipe still holds before it ends.
void EventsReader::loop() {
    FrameParser parser;
    std::vector<uint8_t> chunk(kReadChunk);
    bool open = true; // false: end of file, or a corrupt stream nothing after can be trusted in
    for (bool stopping = false; !stopping;) {
        pollfd fds[2] = {{open ? read_.get() : -1, POLLIN, 0}, {stop_.read.get(), POLLIN, 0}};
        {
            const fork_gate::Waiting waiting; // a fork may go ahead (core/sync/fork_gate.h)
            if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
        }
        stopping = fds[1].revents != 0;
        while (open) {
            // Between chunks a waiting fork goes ahead: a steady stream cannot hold one back.
            { const fork_gate::Waiting let_a_fork_pass; }
            const ssize_t n = ::read(read_.get(), chunk.data(), chunk.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) break; // EAGAIN: all read for now
            if (n == 0) {
                open = false;
                break;
            }
            parser.feed(chunk.data(), size_t(n));
            FrameHeader header;
            std::vector<uint8_t> body;
            std::vector<Event> events;
            bool corrupt = false;
            while (parser.next(header, body, corrupt)) {
                events.clear();
                if (MsgType(header.type) == MsgType::Events && decode_events(header, body, events))
                    ingest_(header.sender, events);
            }
            if (parser.corrupt()) open = false;
        }
    }
}

} // namespace clab::proc
