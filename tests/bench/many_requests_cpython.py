#!/usr/bin/env python3
"""CPython doing what lesson 16 runs (engine threads / thread-pool / asyncio, workload net): N
requests to a loopback server that answers each after IO_MS, from a thread per request, a
ThreadPoolExecutor, or asyncio.gather. Prints the client's wall time, CPU time (user + system of
this process: the server runs in a child process, as concurrency-lab's does), peak RSS, the median
request latency (write .. reply read, as the engines measure it; median, 90th percentile, max) and, for asyncio, the worst loop lag
(how long a ready callback waited in the loop's ready queue, a timer counted from its due time:
what our engine's max_loop_lag_s measures); for threads, how long the loop of `Thread.start()` calls
took and the main thread's CPU time (it holds the GIL whenever it runs).

The server is a lean epoll loop with a timer heap in a child process (like core/net/slow_server.cpp,
whose protocol it speaks: "<latency_us> <reply_bytes>\\n", answered with reply_bytes bytes after
latency_us; the client reads 64 bytes). An asyncio streams server spent more CPU than the client at
10,000 connections and, on 2 cores, made the client wait for it.

The loop lag is measured by replacing the loop's ready queue (loop._ready) with a deque that notes
when each callback entered it: about 0.3 us per callback (under 2 % of a request's CPU); --no-lag
leaves the loop alone.

Run: python3 tests/bench/many_requests_cpython.py threads|pool|asyncio [requests (1000)] [io_ms (100)]
     [concurrency (0: all at once; asyncio: a Semaphore)] [runs (3)] [--json] [--no-lag] [--count-callbacks] [--gc]
     --json prints one JSON object per run (tests/bench/side_by_side.py reads it).
     --gc: the cyclic garbage collector's collections per generation during the run and their CPU
     time (gc.callbacks: "start" .. "stop" of each, process_time), as gc_collections and gc_cpu_s.
     --count-callbacks (asyncio): the callbacks the loop ran per request, by function (queued
     ones that were cancelled before their turn, which _run_once skips, are not counted; what
     tests/core/test_aio_streams.cpp checks ours against)."""
import asyncio
import collections
import concurrent.futures
import gc
import heapq
import json
import os
import resource
import select
import socket
import statistics
import subprocess
import sys
import threading
import time

REPLY = 64


def allow_open_files(count):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY:
        count = min(count, hard)
    if soft != resource.RLIM_INFINITY and soft < count:
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))


def serve():
    """The server (child process): prints its port, serves until stdin closes."""
    allow_open_files(30_000)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4096)
    listener.setblocking(False)
    poller = select.epoll()
    poller.register(listener.fileno(), select.EPOLLIN)
    stdin = sys.stdin.fileno()
    poller.register(stdin, select.EPOLLIN)
    conns = {}  # fd -> [socket, bytes read so far]
    timers = []  # (due, sequence, fd, reply bytes)
    sequence = 0
    print(listener.getsockname()[1], flush=True)

    def close(fd):
        poller.unregister(fd)
        conns.pop(fd)[0].close()

    while True:
        timeout = max(0.0, timers[0][0] - time.monotonic()) if timers else -1
        for fd, _ in poller.poll(timeout):
            if fd == stdin:
                return  # the parent closed the pipe
            if fd == listener.fileno():
                while True:
                    try:
                        conn, _ = listener.accept()
                    except BlockingIOError:
                        break
                    conn.setblocking(False)
                    conns[conn.fileno()] = [conn, b""]
                    poller.register(conn.fileno(), select.EPOLLIN)
                continue
            entry = conns.get(fd)
            if entry is None:
                continue
            try:
                data = entry[0].recv(4096)
            except ConnectionError:
                data = b""
            if not data:
                close(fd)
                continue
            entry[1] += data
            while b"\n" in entry[1]:
                line, entry[1] = entry[1].split(b"\n", 1)
                latency_us, size = (int(x) for x in line.split())
                sequence += 1
                heapq.heappush(timers, (time.monotonic() + latency_us / 1e6, sequence, fd, max(1, size)))
        now = time.monotonic()
        while timers and timers[0][0] <= now:
            _, _, fd, size = heapq.heappop(timers)
            if fd in conns:
                try:
                    conns[fd][0].send(b"." * size)  # 64 bytes: always fits the socket's buffer
                except ConnectionError:
                    close(fd)


def recv_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed early")
        data += chunk
    return data


def fetch(port, request, latencies):
    with socket.create_connection(("127.0.0.1", port)) as conn:
        start = time.perf_counter()
        conn.sendall(request)
        recv_exactly(conn, REPLY)
        latencies.append(time.perf_counter() - start)


def run_threads(port, request, requests, _, figures):
    latencies = []
    threads = [threading.Thread(target=fetch, args=(port, request, latencies)) for _ in range(requests)]
    busy0, t0 = time.thread_time(), time.perf_counter()
    for t in threads:
        t.start()  # returns once the new thread runs (with the GIL released while it waits)
    figures["start_loop_s"] = time.perf_counter() - t0
    for t in threads:
        t.join()
    figures["main_thread_cpu_s"] = time.thread_time() - busy0
    return latencies


def run_pool(port, request, requests, workers, figures):
    latencies = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers or None) as pool:
        list(pool.map(lambda _: fetch(port, request, latencies), range(requests)))
    return latencies


class ReadyQueue(collections.deque):
    """loop._ready noting when each callback became ready: appended (a step, a future's callback,
    an I/O callback once select() reported its fd), or due (a timer, `_when` on the loop's clock,
    time.monotonic). The lag is how long it waited until the loop took it out to run it."""

    def __init__(self, count=False):
        super().__init__()
        self.since = collections.deque()
        self.max_lag = 0.0
        self.counts = collections.Counter() if count else None

    def append(self, handle):
        super().append(handle)
        when = getattr(handle, "_when", None)
        self.since.append(when if when is not None else time.monotonic())

    def popleft(self):
        lag = time.monotonic() - self.since.popleft()
        if lag > self.max_lag:
            self.max_lag = lag
        handle = super().popleft()
        if self.counts is not None and not handle._cancelled:  # _run_once skips a cancelled one
            callback = handle._callback
            self.counts[getattr(callback, "__qualname__", None) or type(callback).__name__] += 1
        return handle

    def clear(self):
        super().clear()
        self.since.clear()


def run_asyncio(port, request, requests, concurrency, figures, measure_lag=True, count=False):
    latencies = []

    async def one(limit):
        if limit:
            await limit.acquire()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            await reader.readexactly(REPLY)
            latencies.append(time.perf_counter() - start)
            writer.close()
        finally:
            if limit:
                limit.release()

    async def main():
        limit = asyncio.Semaphore(concurrency) if concurrency else None
        await asyncio.gather(*(one(limit) for _ in range(requests)))

    ready = ReadyQueue(count)

    def new_loop():
        loop = asyncio.new_event_loop()
        if measure_lag:
            loop._ready = ready
        return loop

    with asyncio.Runner(loop_factory=new_loop) as runner:
        runner.run(main())
    if measure_lag:
        figures["max_loop_lag_s"] = ready.max_lag
    if count:
        figures["callbacks_per_request"] = {name: n / requests for name, n in ready.counts.most_common()}
    return latencies


class GcWatch:
    """Counts CPython's automatic collections per generation and the CPU time they take."""

    def __init__(self):
        self.collections = [0, 0, 0]
        self.cpu_s = 0.0
        self.started = 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self.started = time.process_time()
        else:
            self.collections[info["generation"]] += 1
            self.cpu_s += time.process_time() - self.started


def percentile(values, fraction):
    """The value `fraction` of the way up the sorted values (0 for none): side_by_side.py takes ours
    the same way."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rss_mb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve()
        sys.exit(0)
    argv = sys.argv[1:]
    as_json = "--json" in argv
    count = "--count-callbacks" in argv
    watch_gc = "--gc" in argv
    measure_lag = "--no-lag" not in argv or count
    argv = [a for a in argv if a not in ("--json", "--no-lag", "--count-callbacks", "--gc")]
    mode = argv[0] if len(argv) > 0 else "threads"
    requests = int(argv[1]) if len(argv) > 1 else 1000
    io_ms = float(argv[2]) if len(argv) > 2 else 100
    concurrency = int(argv[3]) if len(argv) > 3 else 0
    runs = int(argv[4]) if len(argv) > 4 else 3
    allow_open_files(4 * requests + 100)
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline())
    request = f"{int(io_ms * 1000)} {REPLY}\n".encode()
    try:
        for _ in range(runs):
            figures = {}
            rss_before = rss_mb("VmRSS")
            watch = GcWatch()
            wall0, cpu0 = time.perf_counter(), cpu_s()
            if watch_gc:
                gc.callbacks.append(watch)
            if mode == "asyncio":
                latencies = run_asyncio(port, request, requests, concurrency, figures, measure_lag, count)
            else:
                latencies = {"threads": run_threads, "pool": run_pool}[mode](port, request, requests, concurrency,
                                                                             figures)
            wall, cpu = time.perf_counter() - wall0, cpu_s() - cpu0
            if watch_gc:
                gc.callbacks.remove(watch)
                figures.update(gc_collections=watch.collections, gc_cpu_s=watch.cpu_s)
            figures.update(wall_s=wall, cpu_s=cpu, peak_rss_mb=rss_mb("VmHWM"), rss_before_mb=rss_before,
                           io_latency_median_ms=statistics.median(latencies) * 1000 if latencies else 0.0,
                           io_latency_p90_ms=percentile(latencies, 0.9) * 1000,
                           io_latency_max_ms=max(latencies, default=0.0) * 1000)
            if as_json:
                print(json.dumps(figures), flush=True)
                continue
            if count:
                per = figures["callbacks_per_request"]
                print(f"{sum(per.values()):.2f} callbacks per request: " +
                      ", ".join(f"{name} {n:.2f}" for name, n in per.items()))
            extra = "".join(f", {k} {v:.3f}" for k, v in figures.items()
                            if k in ("max_loop_lag_s", "start_loop_s", "main_thread_cpu_s"))
            print(f"{mode} {requests} requests of {io_ms:g} ms: wall {wall:.3f} s, cpu {cpu:.3f} s, "
                  f"peak rss {figures['peak_rss_mb']:.0f} MB (whole process), median latency "
                  f"{figures['io_latency_median_ms']:.1f} ms{extra}")
    finally:
        server.stdin.close()
        server.wait()
