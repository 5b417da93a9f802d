#!/usr/bin/env python3
"""CPython's asyncio doing what bench_aio.cpp does: the cost of one task switch (sleep(0)) and of
create_task + gather per task, in CPU time (process_time) like the C++ counters, so a busy
machine does not inflate either. Run: python3 tests/bench/bench_aio_cpython.py"""
import asyncio
import time


async def yielder(count):
    for _ in range(count):
        await asyncio.sleep(0)


async def nothing():
    pass


async def switches(tasks, yields):
    t0 = time.process_time()
    await asyncio.gather(*(yielder(yields) for _ in range(tasks)))
    return (time.process_time() - t0) / (tasks * (yields + 1))


async def create_and_gather(tasks):
    t0 = time.process_time()
    await asyncio.gather(*(asyncio.create_task(nothing()) for _ in range(tasks)))
    return (time.process_time() - t0) / tasks


def best(fn, *args, runs=5):
    return min(asyncio.run(fn(*args)) for _ in range(runs))


if __name__ == "__main__":
    for tasks in (10, 1000):
        print(f"task switch ({tasks} tasks): {best(switches, tasks, 1000) * 1e6:.3f} us")
    print(f"create_task + gather: {best(create_and_gather, 10_000) * 1e6:.3f} us per task")
