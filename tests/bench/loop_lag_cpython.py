#!/usr/bin/env python3
"""The worst loop lag of lesson 18's asyncio run at 100 % computing, in CPython and in our engine.

Four tasks each count `iterations` without awaiting. asyncio.gather makes all four first steps ready
at once; each waits in the ready queue for the ones before it, so the last one runs about three
counts late. The loop lag of a callback is how long it waited between becoming ready and running
(what a loop monitor's timer measures for itself): here each task notes when it was created (its
first step was queued then) and when its first step began; the worst difference is the lag
max_loop_lag_s reports.

Run:  python3 tests/bench/loop_lag_cpython.py [iterations] [tasks]
Ours: add --ours PATH/TO/concurrency-lab: runs `--engine asyncio --workload blend --cpu-percent 100`
      with the same iterations and tasks and prints its max_loop_lag_s next to CPython's."""
import asyncio
import sys
import time

from cpython_timing import count, run_ours, take_option


async def task(created, lags, iterations):
    lags.append(time.perf_counter() - created)  # the first step begins here
    count(iterations)


async def main(iterations, tasks):
    lags = []
    coros = [task(time.perf_counter(), lags, iterations) for _ in range(tasks)]
    t0 = time.perf_counter()
    await asyncio.gather(*coros)  # wraps each in a task: all first steps queued now
    return max(lags), (time.perf_counter() - t0) / tasks


def ours(cli, iterations, tasks):
    summary, _ = run_ours(cli, ["--engine", "asyncio", "--workload", "blend", "--cpu-percent", "100",
                                "--tasks", str(tasks), "--iterations", str(iterations), "--io-ms", "0"])
    return summary["max_loop_lag_s"], summary["wall_s"] / tasks


if __name__ == "__main__":
    argv = sys.argv[1:]
    cli = take_option(argv, "--ours")
    iterations = int(argv[0]) if len(argv) > 0 else 10_000_000
    tasks = int(argv[1]) if len(argv) > 1 else 4
    lag, step = asyncio.run(main(iterations, tasks))
    print(f"CPython {sys.version.split()[0]}: worst loop lag {lag * 1000:.1f} ms, "
          f"{lag / step:.2f} counts of {step * 1000:.1f} ms")
    if cli:
        lag, step = ours(cli, iterations, tasks)
        print(f"ours: max_loop_lag_s {lag * 1000:.1f} ms, {lag / step:.2f} counts of {step * 1000:.1f} ms")
