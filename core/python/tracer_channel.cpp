#include "tracer_channel.h"

#include "core/trace/event.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <poll.h>
#include <random>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace clab::py {

TracerChannel::~TracerChannel() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) close(listen_fd_);
}

bool TracerChannel::open(std::string* error) {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    name_ = "clab-trace-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
            std::to_string(random());
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path + 1, name_.data(), name_.size()); // sun_path[0] = 0: the abstract namespace
    const socklen_t len = socklen_t(offsetof(sockaddr_un, sun_path) + 1 + name_.size());
    if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(listen_fd_, 128) != 0) {
        if (error) *error = std::string("could not open the tracer's socket: ") + strerror(errno);
        if (listen_fd_ >= 0) close(listen_fd_);
        listen_fd_ = -1;
        return false;
    }
    return true;
}

void TracerChannel::start(int out_fd, int err_fd, size_t cap, OnRecord on_record) {
    out_fd_ = out_fd;
    err_fd_ = err_fd;
    cap_ = cap;
    on_record_ = std::move(on_record);
    thread_ = std::thread([this] { loop(); });
}

void TracerChannel::finish(int64_t deadline_ns) {
    finish_by_.store(std::max<int64_t>(deadline_ns, 1));
    if (thread_.joinable()) thread_.join();
}

CapturedOutput TracerChannel::out() const {
    std::lock_guard lock(mutex_);
    return out_;
}

CapturedOutput TracerChannel::err() const {
    std::lock_guard lock(mutex_);
    return err_;
}

void TracerChannel::loop() {
    struct Stream {
        int id;
        RecordStream records;
    };
    std::map<int, Stream> streams; // by descriptor
    int next_id = 0;
    bool out_open = out_fd_ >= 0, err_open = err_fd_ >= 0;
    std::vector<char> buf(1 << 16);
    std::vector<pollfd> fds;
    auto keep = [&](CapturedOutput& into, const char* data, size_t n) {
        size_t kept = 0;
        {
            std::lock_guard lock(mutex_);
            const size_t room = into.text.size() < cap_ ? cap_ - into.text.size() : 0;
            kept = std::min(room, n);
            into.text.append(data, kept);
            into.dropped += n - kept;
        }
        if (on_output_ && kept > 0) on_output_(&into == &out_ ? 1 : 2, std::string_view(data, kept));
    };
    while (!stop_.load()) {
        const int64_t finish_by = finish_by_.load();
        // Finishing: every process is gone, so every stream ends soon; stop once all did.
        if (finish_by != 0 && ((streams.empty() && !out_open && !err_open) || now_ns() >= finish_by)) break;
        fds.clear();
        fds.push_back({listen_fd_, POLLIN, 0});
        fds.push_back({out_open ? out_fd_ : -1, POLLIN, 0});
        fds.push_back({err_open ? err_fd_ : -1, POLLIN, 0});
        for (const auto& [fd, s] : streams)
            fds.push_back({fd, POLLIN, 0});
        if (poll(fds.data(), nfds_t(fds.size()), finish_by != 0 ? 5 : 20) <= 0) continue;
        if (fds[0].revents & POLLIN) {
            while (true) {
                const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (fd < 0) break;
                ucred cred{};
                socklen_t len = sizeof cred;
                if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != getuid()) {
                    close(fd); // someone else's process: not ours to draw
                    continue;
                }
                streams.emplace(fd, Stream{next_id++, {}});
            }
        }
        for (int which = 1; which <= 2; ++which) {
            if (!(fds[size_t(which)].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = read(fds[size_t(which)].fd, buf.data(), buf.size());
            if (n > 0) {
                keep(which == 1 ? out_ : err_, buf.data(), size_t(n));
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                (which == 1 ? out_open : err_open) = false;
            }
        }
        for (size_t i = 3; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const auto it = streams.find(fds[i].fd);
            const ssize_t n = read(fds[i].fd, buf.data(), buf.size());
            if (n > 0) {
                bytes_.fetch_add(uint64_t(n));
                it->second.records.append(buf.data(), size_t(n));
                Record r;
                while (it->second.records.next(r))
                    on_record_(it->second.id, r);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(fds[i].fd);
                streams.erase(it);
            }
        }
    }
    for (const auto& [fd, s] : streams)
        close(fd);
}

} // namespace clab::py
