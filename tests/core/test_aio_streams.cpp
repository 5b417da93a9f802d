// asyncio's streams against the loopback slow server: what one request costs the loop, counted in
// callbacks (structure, no timings). Each callback costs what CPython spends on one
// (EventLoop::spend_python_cost), so a request that runs fewer callbacks than CPython's costs less
// CPU than CPython's and shows fewer loop switches.
#include "core/aio/aio.h"
#include "core/net/slow_server.h"
#include "core/workload/calibration.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cstdio>
#include <ctime>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using namespace clab;
using namespace clab::aio;

struct Counts {
    uint64_t callbacks = 0, task_steps = 0;
    double cpu_s = 0; // of this thread, the loop's, while it ran
};

double thread_cpu_s() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// `requests` concurrent requests as lesson 16 makes them: open_connection, write, drain,
// readexactly(64), close; gathered by one main task.
Counts run_requests(uint16_t port, int requests, bool python_cost = false) {
    LoopOptions options;
    options.python_cost = python_cost;
    EventLoop loop(options);
    auto one = [port]() -> Coro<void> {
        Connection conn = co_await open_connection(port);
        conn.writer->write("1000 64\n"); // answered after 1 ms
        co_await conn.writer->drain();
        co_await conn.reader->readexactly(64);
        conn.writer->close();
    };
    auto main = [&]() -> Coro<void> {
        std::vector<Coro<void>> coros;
        for (int i = 0; i < requests; ++i)
            coros.push_back(one());
        co_await gather(loop, std::move(coros));
    };
    const double cpu0 = thread_cpu_s();
    run(loop, main());
    Counts counts{loop.stats().callbacks, loop.stats().task_steps, thread_cpu_s() - cpu0};
    loop.close();
    return counts;
}

// python3 3.11 runs 12 callbacks per request, 4 of them task steps (tests/bench/many_requests_cpython.py
// asyncio 1000 100 0 1 --count-callbacks): the task's first step; _sock_connect_cb; _sock_write_done
// (the connect future's done callback: remove_writer) and the wake-up; connection_made, _add_reader
// and the waiter's result (the transport's __init__ queues them) and the wake-up; _read_ready and
// the wake-up (readexactly returns, close() queues _call_connection_lost); _call_connection_lost;
// gather's done callback. Before, ours ran 6 (3 steps): no transport callbacks, the socket closed at once.
TEST(Streams, ARequestRunsTheCallbacksCPythonRuns) {
    net::SlowServer server;
    std::string error;
    ASSERT_TRUE(server.start(&error)) << error;
    // The difference between two runs is what the requests alone cost (not main and gather).
    const Counts few = run_requests(server.port(), 10);
    const Counts many = run_requests(server.port(), 50);
    const double callbacks = double(many.callbacks - few.callbacks) / 40.0;
    const double steps = double(many.task_steps - few.task_steps) / 40.0;
    EXPECT_NEAR(callbacks, 12.0, 0.3) << "callbacks per request";
    EXPECT_NEAR(steps, 4.0, 0.1) << "task steps per request";
    std::printf("[ info ] per request: %.2f callbacks, %.2f task steps (CPython 3.11: 12, 4)\n", callbacks,
                steps);
}

} // namespace

namespace {

// The loop thread's CPU per request, of 40 requests (50 minus 10: main and gather apart), best of 3.
double cpu_per_request_s(uint16_t port, bool python_cost) {
    double best = 1e9;
    for (int round = 0; round < 3; ++round)
        best = std::min(
            best,
            (run_requests(port, 50, python_cost).cpu_s - run_requests(port, 10, python_cost).cpu_s) / 40);
    return best;
}

// Issue 18.2: a request costs the CPU CPython spends on it. Beyond its 12 callbacks (one of them a
// stream read), CPython runs create_connection's Python, makes the transport, protocol and streams
// and closes them: about as much again as the read (python3 here: open_connection + close 150-240 us
// per connection, 25-35 us of it system calls). The calibration measures it with the callbacks'
// cost, and the loop spends it once per connection. Ratio of what the loop spent (CPU with the
// Python costs minus without) to what the calibration says, never an absolute time.
TEST(Streams, ARequestCostsItsCallbacksAndItsConnection) {
    (void)calibration(); // python3 (if it measures) runs before any clock starts
    net::SlowServer server;
    std::string error;
    ASSERT_TRUE(server.start(&error)) << error;
    const double spent_ns =
        (cpu_per_request_s(server.port(), true) - cpu_per_request_s(server.port(), false)) * 1e9;
    const Calibration& c = calibration();
    const double callbacks_ns =
        (11 * c.asyncio_step_iterations + c.asyncio_io_iterations) * c.python_ns_per_iteration;
    const double connection_ns = c.asyncio_connection_iterations * c.python_ns_per_iteration;
    const double expected_ns = callbacks_ns + connection_ns;
    EXPECT_GT(connection_ns, 0.2 * callbacks_ns) << "the calibration has no connection cost";
    EXPECT_GT(spent_ns, 0.85 * expected_ns) << "spent " << spent_ns << " ns per request; callbacks "
                                            << callbacks_ns << " ns + connection " << connection_ns << " ns";
    EXPECT_LT(spent_ns, 3 * expected_ns) << spent_ns;
    std::printf("[ info ] per request: spent %.0f us of Python cost; calibrated: callbacks %.0f us + "
                "connection %.0f us (%s)\n",
                spent_ns * 1e-3, callbacks_ns * 1e-3, connection_ns * 1e-3, c.source.c_str());
}

} // namespace

namespace {

size_t resident_bytes() {
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return size_t(resident) * size_t(sysconf(_SC_PAGESIZE));
}

// A listening socket on 127.0.0.1 (the kernel completes the handshakes: nobody accepts).
int loopback_listener(uint16_t* port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 1024) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        return -1;
    *port = ntohs(addr.sin_port);
    return fd;
}

// What the calibration's probe measures in python3, measured the same way in our loop: `n` tasks
// each open a connection (or not) and wait; the resident set's growth while all of them wait, per
// task. In a fresh fork each time (a run after another reuses the memory it freed); -1 on failure.
double held_bytes_per_task(int n, bool connect, bool python_cost) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return -1;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipe_fds[0]);
        double per_task = -1;
        uint16_t port = 0;
        if (loopback_listener(&port) >= 0) {
            LoopOptions options;
            options.python_cost = python_cost;
            EventLoop loop(options);
            auto release = make_future<void>(loop);
            int waiting = 0;
            size_t during = 0;
            auto one = [&]() -> Coro<void> {
                Connection conn;
                if (connect) conn = co_await open_connection(port);
                if (++waiting == n) {
                    during = resident_bytes();
                    release->set_result();
                }
                co_await release;
                if (connect) conn.writer->close();
            };
            auto main = [&]() -> Coro<void> {
                std::vector<Coro<void>> coros;
                for (int i = 0; i < n; ++i)
                    coros.push_back(one());
                co_await gather(loop, std::move(coros));
            };
            const size_t before = resident_bytes();
            run(loop, main());
            loop.close();
            per_task = (double(during) - double(before)) / n;
        }
        const bool written = ::write(pipe_fds[1], &per_task, sizeof per_task) == sizeof per_task;
        ::_exit(written ? 0 : 1);
    }
    ::close(pipe_fds[1]);
    double per_task = -1;
    if (pid < 0 || ::read(pipe_fds[0], &per_task, sizeof per_task) != sizeof per_task) per_task = -1;
    ::close(pipe_fds[0]);
    if (pid > 0) ::waitpid(pid, nullptr, 0);
    return per_task;
}

// Issue 18.2: an open connection holds the memory CPython's holds (its transport, protocol,
// streams, selector key, socket object and buffers: python3 3.11 here ~6 KB beyond its task), so
// that a thousand waiting requests take what they take in CPython. Per connection, beyond what a
// waiting task holds, in ratio to the calibrated figure (never an absolute size); and our own
// objects hold about what streams.h says they hold (kOwnConnectionBytes, what the Python costs
// leave out not to count them twice).
TEST(Streams, AnOpenConnectionHoldsWhatCPythonsHolds) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP()
        << "a sanitizer's allocator (redzones, quarantine, shadow) changes what objects take in memory";
#endif
    const Calibration& c = calibration(); // python3 (if it measures) runs before any fork
    ASSERT_GT(c.asyncio_connection_bytes, 1000)
        << "the calibration has no connection memory (" << c.source << ")";
    constexpr int kTasks = 500;
    const double tasks = held_bytes_per_task(kTasks, false, true);
    const double connections = held_bytes_per_task(kTasks, true, true);
    const double bare = held_bytes_per_task(kTasks, true, false);
    ASSERT_GE(tasks, 0);
    ASSERT_GE(connections, 0);
    ASSERT_GE(bare, 0);
    const double per_connection = connections - tasks;
    const double own = bare - tasks;
    std::printf(
        "[ info ] per open connection beyond its task: %.0f B (our own objects %.0f B, streams.h says "
        "%zu B); calibrated %.0f B (%s)\n",
        per_connection, own, kOwnConnectionBytes, c.asyncio_connection_bytes, c.source.c_str());
    EXPECT_GT(per_connection, 0.8 * c.asyncio_connection_bytes) << per_connection;
    EXPECT_LT(per_connection, 1.25 * c.asyncio_connection_bytes) << per_connection;
    EXPECT_GT(own, 0.5 * double(kOwnConnectionBytes)) << own;
    EXPECT_LT(own, 2.0 * double(kOwnConnectionBytes)) << own;
}

} // namespace

namespace {

// CPython's dict: the keys table gather's arg_to_fut allocates for n awaitables
// (Objects/dictobject.c, 3.11: 32-byte header, 1-8 byte indices, 24-byte entries, 2/3 usable).
TEST(PythonHeap, GathersTableIsCPythonsDict) {
    EXPECT_EQ(PythonHeap::dict_table_bytes(0), 32u + 8 + 5 * 24);
    EXPECT_EQ(PythonHeap::dict_table_bytes(5), 32u + 8 + 5 * 24);
    EXPECT_EQ(PythonHeap::dict_table_bytes(6), 32u + 16 + 10 * 24);
    EXPECT_EQ(PythonHeap::dict_table_bytes(5461), 32u + 8192 * 2 + 5461 * 24);
    // python3 here, 6000 requests: gather's dict freed as a 299,008-byte mapping (gdb, munmap).
    EXPECT_EQ(PythonHeap::dict_table_bytes(6000), 32u + 16384 * 2 + 10922 * 24);
    EXPECT_EQ(PythonHeap::mapping_bytes(PythonHeap::dict_table_bytes(6000)), 299'008u);
}

// glibc's dynamic mmap threshold: a 256 KiB bytes object gets its own mapping until a larger
// mapped block has been freed; freeing smaller ones (or heap blocks) changes nothing.
TEST(PythonHeap, AReadBufferIsMappedUntilALargerMappedBlockIsFreed) {
    constexpr size_t kReadBytes = 33 + 256 * 1024;
    PythonHeap heap;
    EXPECT_TRUE(heap.mapped(kReadBytes));
    heap.freed(100 * 1024);                         // below the threshold: a heap block
    heap.freed(PythonHeap::dict_table_bytes(5461)); // 147 KB: mapped, the threshold rises to it
    EXPECT_TRUE(heap.mapped(kReadBytes));
    EXPECT_FALSE(heap.mapped(140 * 1024));
    heap.freed(PythonHeap::dict_table_bytes(5462)); // 295 KB
    EXPECT_FALSE(heap.mapped(kReadBytes));
    heap.freed(64 << 20); // above glibc's 32 MiB ceiling: the threshold stays
    EXPECT_FALSE(heap.mapped(kReadBytes));
    EXPECT_TRUE(heap.mapped(300 * 1024));
}

// Issue 18.2 at scale: python3 pays a mapping for each stream read (mmap, mremap, munmap: 1000
// requests, 1000 mremaps) until gather's table of more than 5461 awaitables has been freed (6000
// requests: none); at 10,000 requests its reads cost 8 us, at 1000 ~80 us (strace, thread time).
// Ours made every read from one scratch buffer and charged the mapping's cost as calibrated
// Python instead: at 10,000 requests each read cost ~30 times CPython's, and the replies waited
// behind them (median request latency 2.7 times python3's). Structure: which reads are mapped.
uint64_t mapped_reads(uint16_t port, int requests, int gathered_before) {
    EventLoop loop; // with the Python costs: the mapping is one of them
    auto one = [port]() -> Coro<void> {
        Connection conn = co_await open_connection(port);
        conn.writer->write("1000 64\n");
        co_await conn.writer->drain();
        co_await conn.reader->readexactly(64);
        conn.writer->close();
    };
    auto main = [&]() -> Coro<void> {
        if (gathered_before > 0) {
            std::vector<std::shared_ptr<Future<void>>> done;
            for (int i = 0; i < gathered_before; ++i) {
                done.push_back(make_future<void>(loop));
                done.back()->set_result();
            }
            co_await gather(loop, std::move(done));
        }
        std::vector<Coro<void>> coros;
        for (int i = 0; i < requests; ++i)
            coros.push_back(one());
        co_await gather(loop, std::move(coros));
    };
    run(loop, main());
    const uint64_t mapped = loop.stats().mapped_reads;
    loop.close();
    return mapped;
}

TEST(Streams, AReadPaysForAFreshMappingWhileCPythonsWould) {
    net::SlowServer server;
    std::string error;
    ASSERT_TRUE(server.start(&error)) << error;
    EXPECT_EQ(mapped_reads(server.port(), 20, 0), 20u);
    EXPECT_EQ(mapped_reads(server.port(), 20, 5461), 20u);
    EXPECT_EQ(mapped_reads(server.port(), 20, 5462), 0u);
}

} // namespace

namespace {

// python3 3.11 spends most of a connection's Python in the task's first step, before the connect
// (StreamReader, the protocol, create_connection up to sock_connect: here ~70 % of it, measured by
// the calibration's probe; at 10,000 requests its first steps took 1.49 s of 3.0 s of CPU); the
// transport, protocol and streams are made after it. Ours spent all of it once connected, so a
// large run's first iteration was short and its third long. Structure: the Python iterations the
// loop spent by the end of the first step.
TEST(Streams, TheConnectionsSetUpIsSpentInTheFirstStep) {
    net::SlowServer server;
    std::string error;
    ASSERT_TRUE(server.start(&error)) << error;
    const Calibration& c = calibration();
    EventLoop loop; // with the Python costs
    const uint16_t port = server.port();
    auto task = create_task(loop, [](uint16_t p) -> Coro<void> { co_await open_connection(p); }(port));
    loop.run_once(); // the task's first step: open_connection up to the connect
    const double spent = double(loop.stats().python_iterations);
    const double step = double(int64_t(c.asyncio_step_iterations + 0.5));
    const double setup = double(int64_t(c.asyncio_connection_setup_iterations + 0.5));
    std::printf(
        "[ info ] first step: %.0f Python iterations (a step %.0f, the connection's set-up %.0f of its "
        "%.0f; %s)\n",
        spent, step, setup, c.asyncio_connection_iterations, c.source.c_str());
    EXPECT_GT(setup, 0.3 * c.asyncio_connection_iterations) << "the calibration has no set-up part";
    EXPECT_GE(spent, step + setup - 1);
    EXPECT_LE(spent, step + setup + 1);
    task->cancel();
    loop.close();
}

} // namespace
