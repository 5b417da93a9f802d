#include "streams.h"

#include "core/net/socket_util.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

namespace clab::aio {

namespace {
// A socket closed when its owner says so or, at the latest, when the owner is dropped: the
// callback that closes it (_call_connection_lost) may be dropped unrun when the loop closes.
struct OwnedFd {
    int fd;
    explicit OwnedFd(int f)
        : fd(f) {}
    ~OwnedFd() { close(); }
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    void close() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

constexpr size_t kReadChunk = 256 * 1024; // selector_events.py max_size
constexpr size_t kReadLimit = 64 * 1024;  // streams.py _DEFAULT_LIMIT; pause reading past 2x
constexpr size_t kWriteHighWater = 64 * 1024;
} // namespace

// The socket, its buffers and its registrations with the loop. Loop thread only.
class SocketTransport {
public:
    // Reads nothing yet: the reader is registered by a callback (see open_connection). Holds, until
    // the socket is closed, the memory CPython's connection holds (EventLoop::connection_bytes)
    // beyond what ours holds anyway (kOwnConnectionBytes): written through, so that it is resident
    // as CPython's objects are.
    SocketTransport(EventLoop& loop, int fd, PyObjects tracked)
        : loop_(loop)
        , fd_(fd)
        , python_objects_(python_objects(loop.connection_bytes()))
        , tracked_(std::move(tracked)) {}
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

    // _SelectorTransport.close: stop watching the socket now; the socket itself is closed one
    // callback later (call_soon(_call_connection_lost)), as in CPython.
    void close() {
        if (fd_ < 0) return;
        loop_.remove_reader(fd_);
        loop_.remove_writer(fd_);
        tracked_.free(objects::kConnectionFreedAtClose);
        if (loop_.closed()) {
            ::close(fd_);
            python_objects_.reset();
        } else {
            // _call_connection_lost closes the socket and drops the transport's objects.
            auto socket = std::make_shared<OwnedFd>(fd_);
            loop_.call_soon([socket, objects = std::move(python_objects_)] { socket->close(); });
        }
        fd_ = -1;
        reading_ = false;
        eof = true;
        wake(read_waiter);
        wake(drain_waiter);
    }

private:
    void read_ready() {
        const ssize_t n = recv_like_cpython();
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

    // sock.recv(max_size), then data_received -> buffer.extend(data). CPython's recv makes a fresh
    // max_size bytes object, shrinks it to what arrived and drops it once the reader's buffer has
    // a copy. While CPython's heap would give that object a mapping of its own (python_heap.h),
    // this makes the same system calls glibc makes for it: mmap, the page the data lands in,
    // mremap to what is left, munmap. Otherwise it comes from the heap, which costs next to
    // nothing: a scratch buffer that stays resident, as the heap's top does. Returns recv's
    // result, errno as recv left it.
    ssize_t recv_like_cpython() {
        constexpr size_t kBytesHeader = 33; // PyBytesObject_SIZE: the object's header and its NUL
        static thread_local std::unique_ptr<char[]> scratch(new char[kReadChunk]);
        if (!loop_.python_cost() || !loop_.python_heap().mapped(kBytesHeader + kReadChunk)) {
            const ssize_t n = ::recv(fd_, scratch.get(), kReadChunk, 0);
            if (n > 0) buffer.append(scratch.get(), size_t(n));
            return n;
        }
        size_t length = PythonHeap::mapping_bytes(kBytesHeader + kReadChunk);
        void* block = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (block == MAP_FAILED) {
            errno = ENOMEM;
            return -1;
        }
        char* data = static_cast<char*>(block) + 2 * sizeof(size_t) + kBytesHeader - 1;
        const ssize_t n = ::recv(fd_, data, kReadChunk, 0);
        const int recv_errno = errno;
        // _PyBytes_Resize -> realloc: a mapped chunk shrinks in place (mremap).
        const size_t kept = PythonHeap::mapping_bytes(kBytesHeader + size_t(std::max<ssize_t>(n, 0)));
        if (kept < length) {
            void* moved = ::mremap(block, length, kept, MREMAP_MAYMOVE);
            if (moved != MAP_FAILED) {
                data = static_cast<char*>(moved) + (data - static_cast<char*>(block));
                block = moved;
                length = kept;
            }
        }
        if (n > 0) buffer.append(data, size_t(n));
        ::munmap(block, length);
        loop_.note_mapped_read();
        errno = recv_errno;
        return n;
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

    static std::shared_ptr<char[]> python_objects(size_t bytes) {
        if (bytes <= kOwnConnectionBytes) return nullptr;
        bytes -= kOwnConnectionBytes;
        std::shared_ptr<char[]> held(new char[bytes]);
        std::memset(held.get(), 0x5a, bytes);
        asm volatile("" : : "r"(held.get()) : "memory"); // the writes stay: the pages are resident
        return held;
    }

    EventLoop& loop_;
    int fd_;
    std::shared_ptr<char[]> python_objects_; // shared: the deferred close takes it along
    PyObjects tracked_;                      // the GC-tracked ones among them (python_gc.h)
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

// The callbacks CPython runs for one open_connection, in its order (Lib/asyncio/base_events.py
// create_connection, selector_events.py sock_connect and _SelectorSocketTransport.__init__):
//   _sock_connect_cb (the socket became writable: the future gets the connect's outcome);
//   _sock_write_done (the future's done callback: remove_writer) and the task's wake-up, in the
//   next iteration (select() has queued the writer once more by then; remove_writer cancels it
//   before its turn, so it never runs);
//   then the transport's connection_made, _add_reader and the waiter's result, each a callback,
//   and the task's wake-up once more. Each costs what CPython spends on a callback.
Coro<Connection> open_connection(uint16_t port) {
    EventLoop& loop = *EventLoop::current();
    // open_connection's and create_connection's Python up to sock_connect, in this first step.
    loop.spend_connection_setup_cost();
    PyObjects tracked = loop.python_objects(objects::kConnectionSetup);
    std::string error;
    bool in_progress = false;
    const int fd = net::connect_loopback(port, true, &in_progress, &error);
    if (fd < 0) throw ConnectionError(error);
    if (in_progress) {
        // The writer stays registered until the future's done callback removes it (or until the
        // connect is abandoned: cancelled, failed).
        struct Watch {
            EventLoop& loop;
            int fd;
            bool watching = true;
            void stop() {
                if (watching) loop.remove_writer(fd);
                watching = false;
            }
        };
        auto watch = std::make_shared<Watch>(Watch{loop, fd});
        auto connected = make_future<void>(loop);
        loop.add_writer(fd, [connected, fd] { // _sock_connect_cb
            if (connected->done()) return;
            int so_error = 0;
            socklen_t len = sizeof so_error;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
            if (so_error == 0) return connected->set_result();
            errno = so_error;
            connected->set_exception(
                std::make_exception_ptr(ConnectionError(net::errno_message("connect to 127.0.0.1"))));
        });
        connected->add_done_callback([watch] { watch->stop(); }); // _sock_write_done
        struct CloseUnlessKept {
            Watch& watch;
            bool keep = false;
            ~CloseUnlessKept() {
                if (keep) return;
                watch.stop();
                ::close(watch.fd);
            }
        } guard{*watch};
        co_await connected;
        guard.keep = true;
    }
    // create_connection's Python from here on, the transport's, protocol's and streams' making
    // and, later, their close: spent now, in the step the connect woke.
    loop.spend_connection_cost();
    tracked.free(objects::kConnectionSetupFreed); // the connect's futures and callbacks
    auto transport = std::make_shared<SocketTransport>(loop, fd, std::move(tracked));
    auto made = make_future<void>(loop);
    loop.call_soon([] {}); // protocol.connection_made (StreamReaderProtocol: sets up the streams)
    loop.call_soon([weak = std::weak_ptr<SocketTransport>(transport)] { // _add_reader
        if (auto t = weak.lock()) t->resume_reading();
    });
    loop.call_soon([made] { // waiter._set_result_unless_cancelled
        if (!made->done()) made->set_result();
    });
    co_await made;
    co_return Connection{std::make_shared<StreamReader>(transport),
                         std::make_shared<StreamWriter>(transport)};
}

} // namespace clab::aio
