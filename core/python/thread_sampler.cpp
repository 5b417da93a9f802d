#include "thread_sampler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace clab::py {

namespace {
constexpr int64_t kRescanNs = 10'000'000; // look for new threads of a process every 10 ms

bool is_io_syscall(long nr) {
    switch (nr) {
#ifdef SYS_read
    case SYS_read:
#endif
#ifdef SYS_readv
    case SYS_readv:
#endif
#ifdef SYS_pread64
    case SYS_pread64:
#endif
#ifdef SYS_recvfrom
    case SYS_recvfrom:
#endif
#ifdef SYS_recvmsg
    case SYS_recvmsg:
#endif
#ifdef SYS_poll
    case SYS_poll:
#endif
#ifdef SYS_ppoll
    case SYS_ppoll:
#endif
#ifdef SYS_select
    case SYS_select:
#endif
#ifdef SYS_pselect6
    case SYS_pselect6:
#endif
#ifdef SYS_epoll_wait
    case SYS_epoll_wait:
#endif
#ifdef SYS_epoll_pwait
    case SYS_epoll_pwait:
#endif
#ifdef SYS_accept
    case SYS_accept:
#endif
#ifdef SYS_accept4
    case SYS_accept4:
#endif
#ifdef SYS_connect
    case SYS_connect:
#endif
#ifdef SYS_wait4
    case SYS_wait4:
#endif
#ifdef SYS_waitid
    case SYS_waitid:
#endif
#ifdef SYS_write
    case SYS_write:
#endif
#ifdef SYS_sendto
    case SYS_sendto:
#endif
        return true;
    default:
        return false;
    }
}
} // namespace

SampledState classify_syscall(const char* line) noexcept {
    if (strncmp(line, "running", 7) == 0) return SampledState::OnCpu;
    char* end = nullptr;
    const long nr = strtol(line, &end, 10);
    if (end == line) return SampledState::Other;
    if (nr == SYS_futex) {
        // args: uaddr op val timeout ...: a timed futex wait is how CPython's take_gil waits
        // (pthread_cond_timedwait, one switch interval at a time); a lock acquired without a
        // timeout, an idle pool worker, a join wait with no timeout (sem_wait) pass no timeout.
        unsigned long long args[4] = {};
        const char* p = end;
        for (int i = 0; i < 4; ++i) {
            char* next = nullptr;
            args[i] = strtoull(p, &next, 16);
            if (next == p) return SampledState::LockWait;
            p = next;
        }
        return args[3] != 0 ? SampledState::GilWait : SampledState::LockWait;
    }
#ifdef SYS_nanosleep
    if (nr == SYS_nanosleep) return SampledState::Sleep;
#endif
    if (nr == SYS_clock_nanosleep) return SampledState::Sleep;
    if (is_io_syscall(nr)) return SampledState::Io;
    return SampledState::Other;
}

struct ThreadSampler::Thread {
    pid_t tid = 0;
    int stat_fd = -1;
    int syscall_fd = -1;
    int schedstat_fd = -1;
    uint64_t ran_ns = 0; // schedstat's time on a CPU at the previous sample
    int64_t sampled_at = 0;
    SampledState state = SampledState::Other;
    uint16_t cpu = 0xFFFF;
    bool seen = false;
    // this tick's reading, committed per process (commit)
    bool candidate = false;
    SampledState next_state = SampledState::Other;
    uint16_t next_cpu = 0xFFFF;
    int64_t ran_delta = 0;
    bool needs_cpu = false;
    bool alive = true;
};

struct ThreadSampler::Process {
    pid_t pid = 0;
    int64_t next_rescan = 0;
    std::vector<Thread> threads;
    bool alive = true;
    bool one_runner = true; // runs Python under a GIL
};

ThreadSampler::ThreadSampler(int hz)
    : hz_(std::clamp(hz, 10, 20000)) {}

ThreadSampler::~ThreadSampler() {
    stop();
}

void ThreadSampler::start() {
    if (thread_.joinable()) return;
    stop_.store(false);
    thread_ = std::thread([this] { loop(); });
}

void ThreadSampler::stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    for (Process& p : processes_)
        for (Thread& t : p.threads) {
            if (t.stat_fd >= 0) close(t.stat_fd);
            if (t.syscall_fd >= 0) close(t.syscall_fd);
            if (t.schedstat_fd >= 0) close(t.schedstat_fd);
            t.stat_fd = t.syscall_fd = t.schedstat_fd = -1;
        }
    processes_.clear();
}

void ThreadSampler::watch(pid_t pid) {
    std::lock_guard lock(mutex_);
    to_watch_.push_back(pid);
}

void ThreadSampler::no_gil(pid_t pid) {
    std::lock_guard lock(mutex_);
    free_threaded_.push_back(pid);
}

void ThreadSampler::ignore_thread(pid_t tid) {
    std::lock_guard lock(mutex_);
    ignored_.push_back(tid);
}

void ThreadSampler::take(std::vector<ThreadChange>& out) {
    std::lock_guard lock(mutex_);
    out.insert(out.end(), pending_.begin(), pending_.end());
    pending_.clear();
}

void ThreadSampler::rescan(Process& p, int64_t now) {
    p.next_rescan = now + kRescanNs;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", int(p.pid));
    DIR* dir = opendir(path);
    if (!dir) {
        p.alive = false;
        return;
    }
    std::vector<pid_t> ignored;
    {
        std::lock_guard lock(mutex_);
        ignored = ignored_;
    }
    while (const dirent* d = readdir(dir)) {
        if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
        const pid_t tid = pid_t(atoi(d->d_name));
        if (std::find(ignored.begin(), ignored.end(), tid) != ignored.end()) continue;
        if (std::any_of(p.threads.begin(), p.threads.end(), [&](const Thread& t) { return t.tid == tid; }))
            continue;
        Thread t;
        t.tid = tid;
        snprintf(path, sizeof path, "/proc/%d/task/%d/stat", int(p.pid), int(tid));
        t.stat_fd = open(path, O_RDONLY | O_CLOEXEC);
        snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", int(p.pid), int(tid));
        t.syscall_fd = open(path, O_RDONLY | O_CLOEXEC);
        snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", int(p.pid), int(tid));
        t.schedstat_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (t.stat_fd < 0) {
            if (t.syscall_fd >= 0) close(t.syscall_fd);
            if (t.schedstat_fd >= 0) close(t.schedstat_fd);
            continue;
        }
        p.threads.push_back(t);
    }
    closedir(dir);
}

void ThreadSampler::sample(Thread& t, pid_t pid, int64_t now) {
    char buf[512];
    SampledState state = SampledState::Other;
    uint16_t cpu = 0xFFFF;
    ssize_t n = t.syscall_fd >= 0 ? pread(t.syscall_fd, buf, sizeof buf - 1, 0) : -1;
    if (n > 0) {
        buf[n] = 0;
        state = classify_syscall(buf);
    }
    if (n <= 0 || state == SampledState::OnCpu) {
        // Runnable. State R means "running or waiting for a core", and a GIL waiter whose timed
        // wait just expired is R for a moment too: only a thread that really used a core for at
        // least a quarter of the time since the previous sample counts as on a CPU. One that did
        // not keeps the state it had (a holder the OS preempted, a waiter re-checking).
        if (t.schedstat_fd >= 0 && (n = pread(t.schedstat_fd, buf, sizeof buf - 1, 0)) > 0) {
            buf[n] = 0;
            const uint64_t ran = strtoull(buf, nullptr, 10);
            const int64_t since = now - t.sampled_at;
            const bool used_a_core = !t.seen || int64_t(ran - t.ran_ns) * 4 >= since;
            t.ran_delta = int64_t(ran - t.ran_ns);
            t.ran_ns = ran;
            t.sampled_at = now;
            samples_.fetch_add(1, std::memory_order_relaxed);
            if (!used_a_core) return;
            // Which core: read in commit(), only for the thread shown running (saves a read per
            // runnable thread per tick).
            t.candidate = true;
            t.next_state = SampledState::OnCpu;
            t.next_cpu = 0xFFFF;
            t.needs_cpu = true;
            return;
        }
        n = pread(t.stat_fd, buf, sizeof buf - 1, 0);
        if (n <= 0) {
            t.alive = false;
            return;
        }
        buf[n] = 0;
        const char* p = strrchr(buf, ')');
        if (!p) return;
        const char letter = p[2];
        if (letter == 'Z' || letter == 'X') {
            t.alive = false;
            return;
        }
        if (letter != 'R') {
            if (state == SampledState::OnCpu) state = SampledState::Other; // just went to sleep
        } else {
            state = SampledState::OnCpu;
            // field 39 (processor), counting from field 3 (the state) after ')'
            int field = 3;
            for (const char* q = p + 2; *q; ++q)
                if (*q == ' ' && ++field == 39) {
                    cpu = uint16_t(atoi(q + 1));
                    break;
                }
        }
    } else {
        // Blocked: its CPU time does not move while it waits, so it is read once, on entering the
        // wait; the next runnable sample compares against it.
        if (t.schedstat_fd >= 0 && (!t.seen || t.state != state) &&
            (n = pread(t.schedstat_fd, buf, sizeof buf - 1, 0)) > 0) {
            buf[n] = 0;
            t.ran_ns = strtoull(buf, nullptr, 10);
        }
        t.sampled_at = now;
    }
    samples_.fetch_add(1, std::memory_order_relaxed);
    t.candidate = true;
    t.next_state = state;
    t.next_cpu = cpu;
    (void)pid;
}

void ThreadSampler::read_cpu(Thread& t, SampledState& state, uint16_t& cpu) {
    char buf[512];
    const ssize_t n = pread(t.stat_fd, buf, sizeof buf - 1, 0);
    if (n <= 0) {
        t.alive = false;
        return;
    }
    buf[n] = 0;
    const char* p = strrchr(buf, ')');
    if (!p) return;
    if (p[2] != 'R') {
        state = SampledState::Other; // went to sleep meanwhile; the next tick says in what
        return;
    }
    int field = 3; // field 39 (processor), counting from field 3 (the state) after ')'
    for (const char* q = p + 2; *q; ++q)
        if (*q == ' ' && ++field == 39) {
            cpu = uint16_t(atoi(q + 1));
            break;
        }
}

void ThreadSampler::commit(Process& p, int64_t now) {
    // With a GIL only one thread of a process runs Python at a time: of the threads that used a
    // core since the last tick, the one that used it most holds it; another one that was shown
    // running lost it and waits (it is runnable: it will take the GIL back).
    Thread* runner = nullptr;
    if (p.one_runner)
        for (Thread& t : p.threads)
            if (t.candidate && t.next_state == SampledState::OnCpu &&
                (!runner || t.ran_delta > runner->ran_delta))
                runner = &t;
    for (Thread& t : p.threads) {
        if (!t.candidate) {
            // Runnable without using a core this tick: if it was shown running and another thread
            // ran, it lost the GIL.
            if (runner && t.alive && t.seen && t.state == SampledState::OnCpu) {
                t.state = SampledState::GilWait;
                t.cpu = 0xFFFF;
                std::lock_guard lock(mutex_);
                pending_.push_back({now, p.pid, t.tid, t.state, t.cpu, false});
            }
            continue;
        }
        t.candidate = false;
        SampledState state = t.next_state;
        if (runner && state == SampledState::OnCpu && &t != runner) {
            t.needs_cpu = false;
            if (!t.seen || t.state != SampledState::OnCpu) continue; // keeps what it did
            state = SampledState::GilWait;
        }
        if (t.needs_cpu) {
            t.needs_cpu = false;
            read_cpu(t, state, t.next_cpu);
            if (!t.alive) { // gone meanwhile: its descriptors go now (the loop erases it)
                for (int* fd : {&t.stat_fd, &t.syscall_fd, &t.schedstat_fd})
                    if (*fd >= 0) close(*fd), *fd = -1;
                continue;
            }
        }
        const uint16_t cpu = state == SampledState::OnCpu ? t.next_cpu : uint16_t(0xFFFF);
        if (t.seen && state == t.state && cpu == t.cpu) continue;
        t.seen = true;
        t.state = state;
        t.cpu = cpu;
        std::lock_guard lock(mutex_);
        pending_.push_back({now, p.pid, t.tid, state, cpu, false});
    }
}

void ThreadSampler::loop() {
    // A sampler that waits for a core samples late: where allowed (root, or CAP_SYS_NICE), it
    // runs as a real-time thread. It sleeps between ticks, using ~1-3 % of a core (bench_python).
    sched_param param{};
    param.sched_priority = 1;
    pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
    const int64_t period = 1'000'000'000 / hz_;
    timespec next{};
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (!stop_.load(std::memory_order_relaxed)) {
        {
            std::vector<pid_t> add;
            {
                std::lock_guard lock(mutex_);
                add.swap(to_watch_);
            }
            std::vector<pid_t> free;
            {
                std::lock_guard lock(mutex_);
                free.swap(free_threaded_);
            }
            for (Process& p : processes_)
                if (std::find(free.begin(), free.end(), p.pid) != free.end()) p.one_runner = false;
            for (const pid_t pid : add)
                if (std::none_of(processes_.begin(), processes_.end(),
                                 [&](const Process& p) { return p.pid == pid; }))
                    processes_.push_back(Process{pid, 0, {}, true, true});
        }
        const int64_t now = now_ns();
        for (Process& p : processes_) {
            if (!p.alive) continue;
            if (now >= p.next_rescan) rescan(p, now);
            for (Thread& t : p.threads) {
                if (!t.alive) continue;
                sample(t, p.pid, now);
                if (!t.alive) {
                    close(t.stat_fd);
                    if (t.syscall_fd >= 0) close(t.syscall_fd);
                    if (t.schedstat_fd >= 0) close(t.schedstat_fd);
                    t.stat_fd = t.syscall_fd = t.schedstat_fd = -1;
                    std::lock_guard lock(mutex_);
                    pending_.push_back({now, p.pid, t.tid, SampledState::Other, 0xFFFF, true});
                }
            }
            commit(p, now);
            p.threads.erase(
                std::remove_if(p.threads.begin(), p.threads.end(), [](const Thread& t) { return !t.alive; }),
                p.threads.end());
        }
        ticks_.fetch_add(1, std::memory_order_relaxed);
        timespec cpu{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
        cpu_ns_.store(uint64_t(cpu.tv_sec) * 1'000'000'000ull + uint64_t(cpu.tv_nsec));
        next.tv_nsec += period;
        while (next.tv_nsec >= 1'000'000'000) {
            next.tv_nsec -= 1'000'000'000;
            ++next.tv_sec;
        }
        // Behind schedule (a busy machine): skip ahead rather than sample in a burst.
        timespec now_ts{};
        clock_gettime(CLOCK_MONOTONIC, &now_ts);
        if (now_ts.tv_sec > next.tv_sec || (now_ts.tv_sec == next.tv_sec && now_ts.tv_nsec > next.tv_nsec))
            next = now_ts;
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
    }
}

} // namespace clab::py
