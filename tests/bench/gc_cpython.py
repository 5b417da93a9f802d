#!/usr/bin/env python3
"""CPython's cyclic garbage collector in the programs the asyncio engine models (core/aio/python_gc.h).

    python3 tests/bench/gc_cpython.py counts [requests (1000)] [net|sleep]
        GC-tracked objects alive (len(gc.get_objects())) and the allocation count (gc.get_count()[0])
        at each phase of `requests` concurrent requests (net: open_connection to a loopback server
        answering after 100 ms, write, drain, readexactly(64), close; sleep: asyncio.sleep(0.1)),
        per request, with the collector disabled so that nothing moves: where the per-operation
        counts in python_gc.h come from.
    python3 tests/bench/gc_cpython.py collections [requests (10000)] [net|sleep]
        the collections per generation that run during the same program, the objects each scanned
        (gc.get_objects(g) at its start, outside the timing) and their CPU time (process_time).

The server is tests/bench/many_requests_cpython.py's."""
import asyncio
import gc
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import many_requests_cpython as requests_bench  # noqa: E402


def program(n, mode, port, mark):
    state = {"opened": 0, "sent": 0, "read": 0}

    async def one():
        if mode == "sleep":
            await asyncio.sleep(0.1)
            return
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        state["opened"] += 1
        if state["opened"] == n:
            mark("all connected")
        writer.write(b"100000 64\n")
        await writer.drain()
        state["sent"] += 1
        if state["sent"] == n:
            mark("all sent, awaiting the reply")
        await reader.readexactly(64)
        state["read"] += 1
        if state["read"] == n:
            mark("all read and closed")
        writer.close()

    async def main():
        loop = asyncio.get_running_loop()
        mark("main starts")
        coros = [one() for _ in range(n)]
        mark("coroutines made")
        tasks = [asyncio.create_task(c) for c in coros]
        del coros
        mark("tasks created")
        outer = asyncio.gather(*tasks)
        mark("gather called")
        loop.call_soon(mark, "after the first steps")
        await outer
        mark("gather done")
        del tasks, outer
        await asyncio.sleep(0)
        mark("tasks released")

    asyncio.run(main())
    mark("after asyncio.run")


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "counts"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else (1000 if what == "counts" else 10_000)
    mode = sys.argv[3] if len(sys.argv) > 3 else "net"
    requests_bench.allow_open_files(4 * n + 100)
    server = subprocess.Popen([sys.executable, requests_bench.__file__, "--serve"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline())
    try:
        if what == "counts":
            gc.disable()
            marks = []
            program(n, mode, port, lambda name: marks.append((name, len(gc.get_objects()), gc.get_count()[0])))
            previous = None
            for name, objects, count in marks:
                delta = (f"  per request: objects {(objects - previous[0]) / n:+7.2f}, count {(count - previous[1]) / n:+7.2f}"
                         if previous else "")
                print(f"{name:28} objects {objects:8} count {count:8}{delta}")
                previous = (objects, count)
        else:
            rows, started = [], [0.0, 0]

            def watch(phase, info):
                g = info["generation"]
                if phase == "start":
                    started[1] = sum(len(gc.get_objects(i)) for i in range(g + 1))
                    started[0] = time.process_time()
                else:
                    rows.append((g, time.process_time() - started[0], started[1]))

            gc.callbacks.append(watch)
            cpu = time.process_time()
            program(n, mode, port, lambda name: None)
            cpu = time.process_time() - cpu
            gc.callbacks.remove(watch)
            print(f"{mode}, {n} requests: CPU {cpu:.3f} s")
            for g in range(3):
                mine = [r for r in rows if r[0] == g]
                scanned, spent = sum(r[2] for r in mine), sum(r[1] for r in mine)
                print(f"  generation {g}: {len(mine)} collections, {spent * 1e3:.1f} ms, {scanned} objects scanned"
                      + (f" ({spent / scanned * 1e9:.0f} ns each)" if scanned else ""))
    finally:
        server.stdin.close()
        server.wait()


if __name__ == "__main__":
    main()
