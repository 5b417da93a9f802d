// asyncio's streams against the loopback slow server: what one request costs the loop, counted in
// callbacks (structure, no timings). Each callback costs what CPython spends on one
// (EventLoop::spend_python_cost), so a request that runs fewer callbacks than CPython's costs less
// CPU than CPython's and shows fewer loop switches.
#include "core/aio/aio.h"
#include "core/net/slow_server.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

using namespace clab;
using namespace clab::aio;

struct Counts {
    uint64_t callbacks = 0, task_steps = 0;
};

// `requests` concurrent requests as lesson 16 makes them: open_connection, write, drain,
// readexactly(64), close; gathered by one main task.
Counts run_requests(uint16_t port, int requests) {
    LoopOptions options;
    options.python_cost = false; // counting, not timing
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
    run(loop, main());
    Counts counts{loop.stats().callbacks, loop.stats().task_steps};
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
