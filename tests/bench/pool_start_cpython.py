#!/usr/bin/env python3
"""When CPython's ProcessPoolExecutor starts its workers, per start method: four submits waited for
one by one, then a burst of eight. What test_process_pool's
SpawnAndForkserverStartWorkersOnDemandForkAllAtTheFirstSubmit checks on our process pool.
Python 3.9-3.11: spawn and forkserver start a worker per submit that finds no idle one
(_adjust_process_count), fork starts all of them at the first submit.

Run: python3 tests/bench/pool_start_cpython.py"""
import multiprocessing as mp
import time
from concurrent.futures import ProcessPoolExecutor


def nap(seconds):
    time.sleep(seconds)
    return seconds


def main():
    for method in ("fork", "spawn", "forkserver"):
        with ProcessPoolExecutor(max_workers=4, mp_context=mp.get_context(method)) as pool:
            start = time.perf_counter()
            pool.submit(nap, 0).result()
            first = time.perf_counter() - start
            for _ in range(3):
                pool.submit(nap, 0).result()
            one_by_one = len(pool._processes)
            list(pool.map(nap, [0.05] * 8))
            burst = len(pool._processes)
        print(f"{method:10s} workers after 4 one-by-one submits: {one_by_one}, after a burst of 8: {burst}; "
              f"first submit to result {first * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
