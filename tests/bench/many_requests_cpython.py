#!/usr/bin/env python3
"""CPython doing what lesson 16 runs (engine threads / thread-pool / asyncio, workload net): N
requests to a loopback server that answers each after IO_MS, from a thread per request, a
ThreadPoolExecutor, or asyncio.gather. Prints the client's wall time, CPU time (user + system of
this process: the server runs in a child process, as concurrency-lab's does) and peak RSS, to put
beside `concurrency-lab run --engine <mode> --workload net --tasks N --io-ms IO_MS --json`.

The protocol is the slow server's (core/net/slow_server.h): "<latency_us> <reply_bytes>\\n", answered
with reply_bytes bytes after latency_us; the client reads 64 bytes, as the engines do.

Run: python3 tests/bench/many_requests_cpython.py threads|pool|asyncio [requests (1000)] [io_ms (100)]
     [concurrency (0: all at once; asyncio: a Semaphore)] [runs (3)]"""
import asyncio
import concurrent.futures
import resource
import socket
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

    async def handle(reader, writer):
        try:
            while line := await reader.readline():
                latency_us, size = (int(x) for x in line.split())
                await asyncio.sleep(latency_us / 1e6)
                writer.write(b"." * max(1, size))
                await writer.drain()
        except (ConnectionError, ValueError):
            pass
        writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096)
        print(server.sockets[0].getsockname()[1], flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes the pipe
        server.close()

    asyncio.run(main())


def recv_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed early")
        data += chunk
    return data


def fetch(port, request):
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(request)
        return recv_exactly(conn, REPLY)


def run_threads(port, request, requests, _):
    threads = [threading.Thread(target=fetch, args=(port, request)) for _ in range(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run_pool(port, request, requests, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers or None) as pool:
        list(pool.map(lambda _: fetch(port, request), range(requests)))


def run_asyncio(port, request, requests, concurrency):
    async def one(limit):
        if limit:
            await limit.acquire()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            await writer.drain()
            await reader.readexactly(REPLY)
            writer.close()
        finally:
            if limit:
                limit.release()

    async def main():
        limit = asyncio.Semaphore(concurrency) if concurrency else None
        await asyncio.gather(*(one(limit) for _ in range(requests)))

    asyncio.run(main())


def cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve()
        sys.exit(0)
    mode = sys.argv[1] if len(sys.argv) > 1 else "threads"
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    io_ms = float(sys.argv[3]) if len(sys.argv) > 3 else 100
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    runs = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    run = {"threads": run_threads, "pool": run_pool, "asyncio": run_asyncio}[mode]
    allow_open_files(4 * requests + 100)
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline())
    request = f"{int(io_ms * 1000)} {REPLY}\n".encode()
    try:
        for _ in range(runs):
            wall0, cpu0 = time.perf_counter(), cpu_s()
            run(port, request, requests, concurrency)
            wall, cpu = time.perf_counter() - wall0, cpu_s() - cpu0
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{mode} {requests} requests of {io_ms:g} ms: wall {wall:.3f} s, cpu {cpu:.3f} s, "
                  f"peak rss {peak_mb:.0f} MB (whole process)")
    finally:
        server.stdin.close()
        server.wait()
