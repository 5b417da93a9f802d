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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace clab::sample {

namespace {
// Look for new threads of a process every 10 ms: a stat of its task folder, whose link count is
// 2 + its number of threads, and only when that changed (or every 100 ms) a listing.
constexpr int64_t kRescanNs = 10'000'000;
constexpr int64_t kFullRescanNs = 100'000'000;
constexpr int64_t kChildrenNs = 50'000'000; // and for its new child processes every 50 ms

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
    SampledState state = SampledState::Other; // what was last reported
    uint16_t cpu = 0xFFFF;
    bool seen = false;
    // this tick's reading, decided per process (decide) and per core (arbitrate)
    bool candidate = false;
    SampledState next_state = SampledState::Other;
    uint16_t next_cpu = 0xFFFF;
    int64_t ran_delta = 0;
    int64_t owed_ns = 0;        // core time used but not yet shown (decide, arbitrate)
    uint16_t read_cpu = 0xFFFF; // its core, when this tick read its stat line and it ran
    bool alive = true;
};

struct ThreadSampler::Process {
    pid_t pid = 0;
    int64_t next_rescan = 0;
    int64_t next_full_rescan = 0;
    int64_t next_children = 0;
    DIR* task_dir = nullptr; // /proc/<pid>/task, kept open
    nlink_t task_links = 0;  // its link count at the last listing
    int children_fd = -1;    // /proc/<pid>/task/<pid>/children, kept open
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
    thread_ = fork_gate::ObserverThread([this] { loop(); });
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
    for (Process& p : processes_)
        close_process(p);
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

void ThreadSampler::close_process(Process& p) {
    if (p.task_dir) closedir(p.task_dir);
    if (p.children_fd >= 0) close(p.children_fd);
    p.task_dir = nullptr;
    p.children_fd = -1;
}

void ThreadSampler::rescan(Process& p, int64_t now) {
    p.next_rescan = now + kRescanNs;
    char path[64];
    if (!p.task_dir) {
        snprintf(path, sizeof path, "/proc/%d/task", int(p.pid));
        p.task_dir = opendir(path);
        if (!p.task_dir) {
            p.alive = false;
            return;
        }
    }
    struct stat st {};
    const bool counted = fstat(dirfd(p.task_dir), &st) == 0;
    const bool any_alive =
        std::any_of(p.threads.begin(), p.threads.end(), [](const Thread& t) { return t.alive; });
    if (counted && st.st_nlink == p.task_links && now < p.next_full_rescan && any_alive) return;
    p.task_links = counted ? st.st_nlink : 0;
    p.next_full_rescan = now + kFullRescanNs;
    rewinddir(p.task_dir);
    bool listed = false;
    std::vector<pid_t> ignored;
    {
        std::lock_guard lock(mutex_);
        ignored = ignored_;
    }
    while (const dirent* d = readdir(p.task_dir)) {
        if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
        listed = true;
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
    if (!listed) { // reaped: its folder is empty
        p.alive = false;
        close_process(p);
    }
}

void ThreadSampler::find_children(Process& p, int64_t now, std::vector<pid_t>& found) {
    // Every descendant is followed from the moment it exists, whatever its start method and
    // whether or not its tracer has said hello yet (a spawn child's interpreter takes a while).
    // Only the main thread's children are listed here (reading every thread's list cost a few
    // per cent of a core, bench_python): a child started by another thread is watched from its
    // tracer's hello, as is every Python child.
    p.next_children = now + kChildrenNs;
    if (p.children_fd < 0) {
        char path[80];
        snprintf(path, sizeof path, "/proc/%d/task/%d/children", int(p.pid), int(p.pid));
        p.children_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (p.children_fd < 0) return;
    }
    char buf[4096];
    const ssize_t n = pread(p.children_fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return;
    buf[n] = 0;
    for (char* q = buf; *q;) {
        char* end = nullptr;
        const long child = strtol(q, &end, 10);
        if (end == q) break;
        found.push_back(pid_t(child));
        q = end;
    }
}

namespace {
// The `processor` field (39) of a /proc/.../stat line, and its state letter.
bool parse_stat(const char* buf, char& letter, uint16_t& cpu) {
    const char* p = strrchr(buf, ')'); // the command name may contain anything
    if (!p || !p[1] || !p[2]) return false;
    letter = p[2];
    int field = 3; // the state, right after ')'
    for (const char* q = p + 2; *q; ++q)
        if (*q == ' ' && ++field == 39) {
            cpu = uint16_t(atoi(q + 1));
            break;
        }
    return true;
}

uint64_t read_u64(int fd, bool& ok) {
    char buf[128];
    const ssize_t n = fd >= 0 ? pread(fd, buf, sizeof buf - 1, 0) : -1;
    ok = n > 0;
    if (!ok) return 0;
    buf[n] = 0;
    return strtoull(buf, nullptr, 10);
}
} // namespace

void ThreadSampler::sample(Thread& t, int64_t now) {
    t.candidate = false;
    t.ran_delta = 0;
    t.read_cpu = 0xFFFF;
    samples_.fetch_add(1, std::memory_order_relaxed);
    // The cheapest read first: the time the thread has spent on a CPU. A thread shown blocked
    // whose time did not move has not run since the previous sample, so it still waits in the
    // same call: nothing else to read (most of an idle program's threads, every tick).
    bool have_ran = false;
    reads_.fetch_add(1, std::memory_order_relaxed);
    const uint64_t ran = read_u64(t.schedstat_fd, have_ran);
    const int64_t since = now - t.sampled_at;
    if (have_ran && t.seen) {
        t.ran_delta = int64_t(ran - t.ran_ns);
        if (t.ran_delta == 0 && t.state != SampledState::OnCpu) {
            t.sampled_at = now;
            return;
        }
    }
    if (have_ran) t.ran_ns = ran;
    t.sampled_at = now;
    // It ran: one more read says what it does now, a second one only when the first guessed
    // wrong. A thread shown running most likely still runs: its stat line says so and names its
    // core. A thread shown blocked that ran meanwhile most likely waits again: its syscall line
    // says in what (and "running" if it runs).
    SampledState state = SampledState::Other;
    if ((t.seen && t.state == SampledState::OnCpu) || !read_syscall(t, state)) {
        char letter = '?';
        if (!read_stat(t, letter, t.read_cpu)) return;
        if (letter == 'R') {
            state = SampledState::OnCpu;
        } else {
            t.read_cpu = 0xFFFF;
            if (!read_syscall(t, state)) state = SampledState::Other;
        }
    }
    if (state == SampledState::OnCpu) {
        // Runnable. State R means "running or waiting for a core", and a GIL waiter whose timed
        // wait just expired is R for a moment too: only a thread that really used a core for at
        // least a quarter of the time since the previous sample counts as on a CPU. One that did
        // not keeps the state it had (a holder the OS preempted, a waiter re-checking), but not
        // its core (decide).
        if (have_ran && t.seen && t.ran_delta * 4 < since) return;
        t.candidate = true;
        t.next_state = SampledState::OnCpu;
        return;
    }
    // Blocked: its CPU time does not move while it waits.
    t.read_cpu = 0xFFFF;
    t.candidate = true;
    t.next_state = state;
    t.next_cpu = 0xFFFF;
}

bool ThreadSampler::read_syscall(Thread& t, SampledState& state) {
    char buf[256];
    if (t.syscall_fd < 0) return false;
    reads_.fetch_add(1, std::memory_order_relaxed);
    const ssize_t n = pread(t.syscall_fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return false;
    buf[n] = 0;
    state = classify_syscall(buf);
    return true;
}

bool ThreadSampler::read_stat(Thread& t, char& letter, uint16_t& cpu) {
    char buf[512];
    reads_.fetch_add(1, std::memory_order_relaxed);
    const ssize_t n = pread(t.stat_fd, buf, sizeof buf - 1, 0);
    if (n <= 0) {
        t.alive = false; // gone
        return false;
    }
    buf[n] = 0;
    if (!parse_stat(buf, letter, cpu)) return false;
    if (letter == 'Z' || letter == 'X') {
        t.alive = false;
        return false;
    }
    return true;
}

bool ThreadSampler::core_now(Thread& t, uint16_t& cpu) {
    char letter = '?';
    return read_stat(t, letter, cpu) && letter == 'R'; // not R: went to sleep meanwhile
}

void ThreadSampler::decide(Process& p) {
    // With a GIL only one thread of a process runs Python at a time: of the threads that used a
    // core since the last tick, the one that used it most holds it; another one that was shown
    // running lost it and waits (it is runnable: it will take the GIL back).
    Thread* runner = nullptr;
    if (p.one_runner)
        for (Thread& t : p.threads)
            if (t.candidate && t.next_state == SampledState::OnCpu &&
                (!runner || t.ran_delta > runner->ran_delta))
                runner = &t;
    const int64_t tick = 1'000'000'000 / hz_;
    for (Thread& t : p.threads) {
        if (!t.alive) continue;
        if (!t.candidate) {
            // Runnable without using much of a core this tick (or blocked as before): if it was
            // shown running and another thread of its process ran, it lost the GIL.
            t.next_state = t.state;
            if (runner && t.seen && t.state == SampledState::OnCpu) t.next_state = SampledState::GilWait;
        } else if (runner && t.next_state == SampledState::OnCpu && &t != runner) {
            t.next_state = t.seen && t.state == SampledState::OnCpu ? SampledState::GilWait : t.state;
        }
        // Its core: the time it really ran there is owed to it and paid in whole ticks, so the
        // core lanes show about the CPU time each thread used, whatever the kernel's slices.
        t.next_cpu = 0xFFFF;
        if (t.next_state != SampledState::OnCpu) {
            t.owed_ns = 0;
            continue;
        }
        t.owed_ns = std::min(t.owed_ns + t.ran_delta, 8 * tick);
        if (t.owed_ns * 2 < tick) continue;
        if (t.read_cpu != 0xFFFF) { // its stat line was read this tick, and said R
            t.next_cpu = t.read_cpu;
            continue;
        }
        if (!core_now(t, t.next_cpu)) { // not on a CPU now: the next tick says what it waits in
            t.next_state = t.state;
            t.next_cpu = 0xFFFF;
        }
    }
}

void ThreadSampler::arbitrate() {
    // One thread per core: when several are to be shown on the same core in one tick (the
    // kernel shares the core between them, e.g. two processes on a busy machine), the one owed
    // the most core time is shown there and the others wait for it (no core shown).
    std::vector<std::pair<uint16_t, Thread*>> on_core;
    for (Process& p : processes_)
        for (Thread& t : p.threads)
            if (t.alive && t.next_state == SampledState::OnCpu && t.next_cpu != 0xFFFF)
                on_core.emplace_back(t.next_cpu, &t);
    std::sort(on_core.begin(), on_core.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second->owed_ns > b.second->owed_ns;
    });
    const int64_t tick = 1'000'000'000 / hz_;
    for (size_t i = 0; i < on_core.size(); ++i) {
        if (i > 0 && on_core[i].first == on_core[i - 1].first)
            on_core[i].second->next_cpu = 0xFFFF;
        else
            on_core[i].second->owed_ns -= tick;
    }
}

void ThreadSampler::emit(Process& p, int64_t now) {
    for (Thread& t : p.threads) {
        if (!t.alive) continue;
        if (!t.candidate && !t.seen) continue; // nothing known yet
        if (t.seen && t.next_state == t.state && t.next_cpu == t.cpu) continue;
        t.seen = true;
        t.state = t.next_state;
        t.cpu = t.next_cpu;
        std::lock_guard lock(mutex_);
        pending_.push_back({now, p.pid, t.tid, t.state, t.cpu, false});
    }
}

void ThreadSampler::close_thread(Thread& t, pid_t pid, int64_t now) {
    for (int* fd : {&t.stat_fd, &t.syscall_fd, &t.schedstat_fd})
        if (*fd >= 0) close(*fd), *fd = -1;
    std::lock_guard lock(mutex_);
    pending_.push_back({now, pid, t.tid, SampledState::Other, 0xFFFF, true});
}

void ThreadSampler::add_process(pid_t pid) {
    if (std::none_of(processes_.begin(), processes_.end(), [&](const Process& p) { return p.pid == pid; }))
        processes_.push_back(Process{.pid = pid});
}

void ThreadSampler::loop() {
    // A sampler that waits for a core samples late: where allowed (root, or CAP_SYS_NICE), it
    // runs as a real-time thread. It sleeps between ticks (its cost: bench_python).
    sched_param param{};
    param.sched_priority = 1;
    pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
    const int64_t period = 1'000'000'000 / hz_;
    timespec next{};
    clock_gettime(CLOCK_MONOTONIC, &next);
    std::vector<pid_t> found;
    while (!stop_.load(std::memory_order_relaxed)) {
        {
            std::vector<pid_t> add, free;
            {
                std::lock_guard lock(mutex_);
                add.swap(to_watch_);
                free.swap(free_threaded_);
            }
            for (const pid_t pid : add)
                add_process(pid);
            for (Process& p : processes_)
                if (std::find(free.begin(), free.end(), p.pid) != free.end()) p.one_runner = false;
        }
        const int64_t now = now_ns();
        found.clear();
        for (size_t i = 0; i < processes_.size(); ++i) {
            Process& p = processes_[i];
            if (!p.alive) continue;
            if (now >= p.next_rescan) rescan(p, now);
            if (now >= p.next_children) find_children(p, now, found);
            for (Thread& t : p.threads)
                if (t.alive) {
                    sample(t, now);
                    if (!t.alive) close_thread(t, p.pid, now);
                }
            decide(p);
        }
        arbitrate();
        for (Process& p : processes_) {
            emit(p, now);
            for (Thread& t : p.threads)
                if (!t.alive && t.stat_fd >= 0) close_thread(t, p.pid, now); // gone meanwhile
            p.threads.erase(
                std::remove_if(p.threads.begin(), p.threads.end(), [](const Thread& t) { return !t.alive; }),
                p.threads.end());
        }
        for (const pid_t pid : found)
            add_process(pid);
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
        const fork_gate::Waiting waiting; // a fork may go ahead (core/sync/fork_gate.h)
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
    }
}

} // namespace clab::sample
