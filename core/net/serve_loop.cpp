#include "serve_loop.h"

#include "core/trace/event.h"
#include "socket_util.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace clab::net {
namespace {

constexpr uint64_t kListenId = 0;
constexpr uint64_t kStopId = 1;
constexpr size_t kMaxLine = 256;
constexpr uint64_t kMaxReplyBytes = 64u << 20;
constexpr int64_t kMaxLatencyUs = 3600LL * 1'000'000;

struct Connection {
    uint64_t id = 0;
    int fd = -1;
    std::string input;    // bytes read but not yet a whole line
    uint64_t pending = 0; // reply bytes still to write
    bool watching_out = false;
};

struct Reply {
    int64_t due_ns;
    uint64_t connection;
    uint64_t bytes;
    bool operator>(const Reply& o) const { return due_ns > o.due_ns; }
};

class ServeLoop {
public:
    ServeLoop(int listen_fd, int stop_fd, std::atomic<uint64_t>& served)
        : listen_fd_(listen_fd)
        , stop_fd_(stop_fd)
        , served_(served) {}

    void run() {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        if (epoll_ < 0) return;
        watch(listen_fd_, kListenId, EPOLLIN, EPOLL_CTL_ADD);
        watch(stop_fd_, kStopId, EPOLLIN, EPOLL_CTL_ADD);
        std::vector<epoll_event> events(1024);
        while (!stopping_) {
            resume_accepting_if_due();
            const int n = epoll_wait_ns(epoll_, events.data(), int(events.size()), next_timeout_ns());
            if (n < 0 && errno != EINTR) break;
            for (int i = 0; i < n; ++i)
                dispatch(events[size_t(i)]);
            send_due_replies();
        }
        for (auto& [id, c] : connections_)
            ::close(c.fd);
        connections_.clear();
        ::close(epoll_);
    }

private:
    void watch(int fd, uint64_t id, uint32_t mask, int op) {
        epoll_event ev{};
        ev.events = mask;
        ev.data.u64 = id;
        epoll_ctl(epoll_, op, fd, &ev);
    }

    int64_t next_timeout_ns() const {
        int64_t timeout = -1;
        if (!replies_.empty()) timeout = std::max<int64_t>(0, replies_.front().due_ns - now_ns());
        if (accept_paused_until_ns_ != 0) {
            const int64_t t = std::max<int64_t>(0, accept_paused_until_ns_ - now_ns());
            timeout = timeout < 0 ? t : std::min(timeout, t);
        }
        return timeout;
    }

    void dispatch(const epoll_event& ev) {
        if (ev.data.u64 == kStopId) {
            stopping_ = true;
        } else if (ev.data.u64 == kListenId) {
            accept_all();
        } else {
            const auto it = connections_.find(ev.data.u64);
            if (it == connections_.end()) return;
            if (ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                if (!read_requests(it->second)) return close_connection(it);
            }
            if (ev.events & EPOLLOUT) {
                if (!flush(ev.data.u64, it->second)) return close_connection(it);
            }
        }
    }

    void accept_all() {
        for (;;) {
            const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) continue;
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                    // Out of fds: stop watching the listener for a moment instead of spinning on
                    // a level-triggered event we cannot consume.
                    watch(listen_fd_, kListenId, 0, EPOLL_CTL_MOD);
                    accept_paused_until_ns_ = now_ns() + 10'000'000;
                }
                return;
            }
            set_nodelay(fd);
            const uint64_t id = next_id_++;
            Connection& c = connections_[id];
            c.id = id;
            c.fd = fd;
            watch(fd, id, EPOLLIN, EPOLL_CTL_ADD);
        }
    }

    void resume_accepting_if_due() {
        if (accept_paused_until_ns_ != 0 && now_ns() >= accept_paused_until_ns_) {
            accept_paused_until_ns_ = 0;
            watch(listen_fd_, kListenId, EPOLLIN, EPOLL_CTL_MOD);
        }
    }

    // Reads what is there and schedules one reply per complete line. False: close the connection.
    bool read_requests(Connection& c) {
        char buf[4096];
        const uint64_t id = c.id;
        for (;;) {
            const ssize_t n = ::read(c.fd, buf, sizeof buf);
            if (n == 0) return false; // the client closed
            if (n < 0) {
                if (errno == EINTR) continue;
                return errno == EAGAIN || errno == EWOULDBLOCK;
            }
            const int64_t read_at = now_ns();
            c.input.append(buf, size_t(n));
            size_t start = 0;
            for (size_t nl; (nl = c.input.find('\n', start)) != std::string::npos; start = nl + 1) {
                int64_t latency_us = 0;
                uint64_t bytes = 0;
                if (!parse_request(std::string_view(c.input).substr(start, nl - start), latency_us, bytes))
                    return false;
                replies_.push_back(Reply{read_at + latency_us * 1000, id, bytes});
                std::push_heap(replies_.begin(), replies_.end(), std::greater<>());
            }
            c.input.erase(0, start);
            if (c.input.size() > kMaxLine) return false;
        }
    }

    static bool parse_request(std::string_view line, int64_t& latency_us, uint64_t& bytes) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const char* p = line.data();
        const char* end = p + line.size();
        auto r = std::from_chars(p, end, latency_us);
        if (r.ec != std::errc() || r.ptr == end || *r.ptr != ' ') return false;
        r = std::from_chars(r.ptr + 1, end, bytes);
        if (r.ec != std::errc() || r.ptr != end) return false;
        latency_us = std::clamp<int64_t>(latency_us, 0, kMaxLatencyUs);
        bytes = std::clamp<uint64_t>(bytes, 1, kMaxReplyBytes);
        return true;
    }

    void send_due_replies() {
        const int64_t now = now_ns();
        while (!replies_.empty() && replies_.front().due_ns <= now) {
            std::pop_heap(replies_.begin(), replies_.end(), std::greater<>());
            const Reply reply = replies_.back();
            replies_.pop_back();
            const auto it = connections_.find(reply.connection);
            if (it == connections_.end()) continue; // the client left before its answer
            served_.fetch_add(1, std::memory_order_relaxed);
            it->second.pending += reply.bytes;
            if (!flush(reply.connection, it->second)) close_connection(it);
        }
    }

    // Writes pending reply bytes; watches for EPOLLOUT while the socket buffer is full.
    bool flush(uint64_t id, Connection& c) {
        static const std::string dots(64 * 1024, '.');
        while (c.pending > 0) {
            const size_t chunk = size_t(std::min<uint64_t>(c.pending, dots.size()));
            const ssize_t n = ::send(c.fd, dots.data(), chunk, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
                if (!c.watching_out) {
                    c.watching_out = true;
                    watch(c.fd, id, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
                }
                return true;
            }
            c.pending -= uint64_t(n);
        }
        if (c.watching_out) {
            c.watching_out = false;
            watch(c.fd, id, EPOLLIN, EPOLL_CTL_MOD);
        }
        return true;
    }

    void close_connection(std::unordered_map<uint64_t, Connection>::iterator it) {
        ::close(it->second.fd); // also removes it from the epoll set
        connections_.erase(it);
    }

    int listen_fd_;
    int stop_fd_;
    std::atomic<uint64_t>& served_;
    int epoll_ = -1;
    bool stopping_ = false;
    int64_t accept_paused_until_ns_ = 0;
    uint64_t next_id_ = 2;
    std::unordered_map<uint64_t, Connection> connections_;
    std::vector<Reply> replies_; // min-heap by due time
};

} // namespace

void serve_slow_requests(int listen_fd, int stop_fd, std::atomic<uint64_t>& served) {
    ServeLoop(listen_fd, stop_fd, served).run();
}

} // namespace clab::net
