#!/usr/bin/env python3
"""CPython's ProcessPoolExecutor.map over 1000 tiny tasks on 2 workers, chunksize 1 / 50 / 500: what
bench_process.cpp's BM_PoolMapTinyTasks runs on our process pool. Wall time of the `with` block
(pool start, map, shutdown), best of a few runs, so a busy machine inflates it less.

Run: python3 tests/bench/pool_map_cpython.py [iterations per task (10)] [runs (5)]"""
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def count(n):
    total = 0
    for _ in range(n):
        total += 1
    return total


def run(iterations, chunksize, tasks=1000, workers=2):
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(count, [iterations] * tasks, chunksize=chunksize))
    assert len(results) == tasks
    return time.perf_counter() - start


if __name__ == "__main__":
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    for chunksize in (1, 50, 500):
        times = sorted(run(iterations, chunksize) for _ in range(runs))
        print(f"chunksize {chunksize:3d}: best {times[0] * 1000:7.1f} ms, median {times[len(times) // 2] * 1000:7.1f} ms"
              f" (1000 tasks x count({iterations}), 2 workers)")
