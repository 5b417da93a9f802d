#include "streams.h"

#include "core/net/socket_util.h"

#include <cerrno>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

namespace clab::aio {

namespace {
constexpr size_t kReadChunk = 256 * 1024; // selector_events.py max_size
constexpr size_t kReadLimit = 64 * 1024;  // streams.py _DEFAULT_LIMIT; pause reading past 2x
constexpr size_t kWriteHighWater = 64 * 1024;
} // namespace

// The socket, its buffers and its registrations with the loop. Loop thread only.
class SocketTransport {
public:
    SocketTransport(EventLoop& loop, int fd)
        : loop_(loop)
        , fd_(fd) {
        resume_reading();
    }
    ~SocketTransport() { close(); }
    SocketTransport(const SocketTransport&) = delete;
    SocketTransport& operator=(const SocketTransport&) = delete;

    // --- reading ----------------------------------------------------------------------------
    std::string buffer;
    bool eof = false;
    std::string error;
    std::shared_ptr<Future<void>> read_waiter;

    void resume_reading() {
        if (reading_ || fd_ < 0 || eof) return;
        reading_ = true;
        loop_.add_reader(fd_, [this] { read_ready(); });
    }
    void maybe_resume_reading() {
        if (buffer.size() <= kReadLimit) resume_reading();
    }

    // --- writing ------------------------------------------------------------------------------
    void write(std::string_view data) {
        if (fd_ < 0) return;
        if (out_.empty()) {
            // Try at once, like _SelectorSocketTransport.write.
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return fail(errno);
            if (n > 0) data.remove_prefix(size_t(n));
            if (data.empty()) return;
            loop_.add_writer(fd_, [this] { write_ready(); });
        }
        out_.append(data);
    }
    bool needs_drain() const { return out_.size() > kWriteHighWater; }
    std::shared_ptr<Future<void>> drain_waiter;

    bool closing() const { return fd_ < 0; }
    int fd() const { return fd_; }

    void close() {
        if (fd_ < 0) return;
        loop_.remove_reader(fd_);
        loop_.remove_writer(fd_);
        ::close(fd_);
        fd_ = -1;
        reading_ = false;
        eof = true;
        wake(read_waiter);
        wake(drain_waiter);
    }

private:
    void read_ready() {
        // sock.recv(max_size) into a scratch buffer, then only what arrived goes to the reader's
        // buffer (data_received -> buffer.extend): as in CPython, whose 256 KiB bytes object is
        // shrunk to the received size at once. Growing each connection's buffer by 256 KiB
        // instead kept that much per connection alive (a thousand connections: 250 MB).
        static thread_local std::unique_ptr<char[]> scratch(new char[kReadChunk]);
        const ssize_t n = ::recv(fd_, scratch.get(), kReadChunk, 0);
        if (n > 0) buffer.append(scratch.get(), size_t(n));
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
            return fail(errno);
        }
        if (n == 0) { // the peer closed: feed_eof
            eof = true;
            stop_reading();
        } else if (buffer.size() > 2 * kReadLimit) {
            stop_reading(); // pause_reading: the reader is not keeping up
        }
        wake(read_waiter);
    }

    void write_ready() {
        while (!out_.empty()) {
            const ssize_t n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) return;
                if (errno == EINTR) continue;
                return fail(errno);
            }
            out_.erase(0, size_t(n));
        }
        loop_.remove_writer(fd_);
        wake(drain_waiter);
    }

    void stop_reading() {
        if (!reading_) return;
        reading_ = false;
        loop_.remove_reader(fd_);
    }

    void fail(int err) {
        error = net::errno_message("socket");
        (void)err;
        close();
    }

    static void wake(std::shared_ptr<Future<void>>& waiter) {
        if (waiter && !waiter->done()) waiter->set_result();
        waiter.reset();
    }

    EventLoop& loop_;
    int fd_;
    bool reading_ = false;
    std::string out_;
};

// --- StreamReader ---------------------------------------------------------------------------------

Coro<void> StreamReader::wait_for_data() {
    SocketTransport& t = *transport_;
    if (t.read_waiter) throw std::logic_error("another coroutine is already waiting for incoming data");
    t.maybe_resume_reading();
    t.read_waiter = make_future<void>(*EventLoop::current());
    auto waiter = t.read_waiter;
    struct Forget { // however the wait ends (data, EOF, cancel), nobody waits any more
        std::shared_ptr<Future<void>>& slot;
        ~Forget() { slot.reset(); }
    } forget{t.read_waiter};
    co_await waiter;
}

Coro<std::string> StreamReader::read(size_t max_bytes) {
    SocketTransport& t = *transport_;
    if (t.buffer.empty() && !t.eof) co_await wait_for_data();
    const size_t n = std::min(max_bytes, t.buffer.size());
    std::string out = t.buffer.substr(0, n);
    t.buffer.erase(0, n);
    t.maybe_resume_reading();
    co_return out;
}

Coro<std::string> StreamReader::readexactly(size_t n) {
    SocketTransport& t = *transport_;
    while (t.buffer.size() < n) {
        if (t.eof)
            throw IncompleteReadError(std::to_string(t.buffer.size()) + " bytes read on a total of " +
                                      std::to_string(n) + " expected bytes" +
                                      (t.error.empty() ? "" : " (" + t.error + ")"));
        co_await wait_for_data();
    }
    std::string out = t.buffer.substr(0, n);
    t.buffer.erase(0, n);
    t.maybe_resume_reading();
    co_return out;
}

Coro<std::string> StreamReader::readline() {
    SocketTransport& t = *transport_;
    size_t nl;
    while ((nl = t.buffer.find('\n')) == std::string::npos && !t.eof)
        co_await wait_for_data();
    const size_t n = nl == std::string::npos ? t.buffer.size() : nl + 1;
    std::string out = t.buffer.substr(0, n);
    t.buffer.erase(0, n);
    t.maybe_resume_reading();
    co_return out;
}

bool StreamReader::at_eof() const {
    return transport_->eof && transport_->buffer.empty();
}
size_t StreamReader::buffered() const {
    return transport_->buffer.size();
}

// --- StreamWriter ---------------------------------------------------------------------------------

void StreamWriter::write(std::string_view data) {
    transport_->write(data);
}

Coro<void> StreamWriter::drain() {
    SocketTransport& t = *transport_;
    if (!t.error.empty()) throw ConnectionError(t.error);
    if (!t.needs_drain()) co_return; // not paused: no suspension at all, as in asyncio
    t.drain_waiter = make_future<void>(*EventLoop::current());
    auto waiter = t.drain_waiter;
    struct Forget {
        std::shared_ptr<Future<void>>& slot;
        ~Forget() { slot.reset(); }
    } forget{t.drain_waiter};
    co_await waiter;
    if (!t.error.empty()) throw ConnectionError(t.error);
}

void StreamWriter::close() {
    transport_->close();
}
bool StreamWriter::is_closing() const {
    return transport_->closing();
}
int StreamWriter::fd() const {
    return transport_->fd();
}

// --- open_connection --------------------------------------------------------------------------------

Coro<Connection> open_connection(uint16_t port) {
    EventLoop& loop = *EventLoop::current();
    std::string error;
    bool in_progress = false;
    const int fd = net::connect_loopback(port, true, &in_progress, &error);
    if (fd < 0) throw ConnectionError(error);
    if (in_progress) {
        // loop.sock_connect: wait until the socket is writable, then ask it how the connect went.
        auto connected = make_future<void>(loop);
        loop.add_writer(fd, [connected] {
            if (!connected->done()) connected->set_result();
        });
        struct CloseUnlessKept {
            EventLoop& loop;
            int fd;
            bool keep = false;
            ~CloseUnlessKept() {
                loop.remove_writer(fd);
                if (!keep) ::close(fd);
            }
        } guard{loop, fd};
        co_await connected;
        int so_error = 0;
        socklen_t len = sizeof so_error;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
        if (so_error != 0) {
            errno = so_error;
            throw ConnectionError(net::errno_message("connect to 127.0.0.1"));
        }
        guard.keep = true;
    }
    auto transport = std::make_shared<SocketTransport>(loop, fd);
    co_return Connection{std::make_shared<StreamReader>(transport),
                         std::make_shared<StreamWriter>(transport)};
}

} // namespace clab::aio
