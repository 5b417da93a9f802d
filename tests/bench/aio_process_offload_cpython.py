#!/usr/bin/env python3
"""Lesson 17's process offload without the warm-up, in CPython and in our asyncio engine (block-loop,
blocker cpu, offload process). loop.run_in_executor(ProcessPoolExecutor(1), count, n) starts the
pool's worker on the first submit, from the thread that submits: the event loop's thread. The
tickers that fall due meanwhile come late by about as long as that start takes.

Prints, per start method: how long the first run_in_executor call held the loop (CPython only: the
call is timed around it), the worst tick lag, and the worst lag of the ticks that fell due after the
worker started (the computation itself runs in the other process: those stay on time).

Run:  python3 tests/bench/aio_process_offload_cpython.py [iterations] [io_ms] [io_count] [tasks] [repeats]
      add --warm-up: first await one trivial call, as lesson 17's fix does (then "first submit" is
      the second one, with the worker already running)
Ours: add --ours PATH/TO/concurrency-lab: runs the same experiment there and prints its
      max_loop_lag_s, and the worker's start (process start begin .. end on its lane)."""
import asyncio
import multiprocessing
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from cpython_timing import count, run_ours, take_option, ticker


async def offloaded(pool, io, iterations, held):
    await asyncio.sleep(io)
    loop = asyncio.get_running_loop()
    t0 = time.perf_counter()
    future = loop.run_in_executor(pool, count, iterations)  # the submit: starts the worker here
    held.append((t0, time.perf_counter()))
    await future


async def main(method, iterations, io, io_count, tasks, warm_up):
    lags, held = [], []
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(method)) as pool:
        if warm_up:  # lesson 17's fix: start the worker before the tickers
            await asyncio.get_running_loop().run_in_executor(pool, count, 1)
        await asyncio.gather(offloaded(pool, io, iterations, held), *(ticker(lags, io, io_count) for _ in range(tasks - 1)))
    return lags, held[0]


def cpython(method, iterations, io_ms, io_count, tasks, warm_up):
    lags, (t0, t1) = asyncio.run(main(method, iterations, io_ms / 1000, io_count, tasks, warm_up))
    after = [lag for due, lag in lags if due > t1] or [0.0]
    return (t1 - t0) * 1000, max(lag for _, lag in lags) * 1000, max(after) * 1000


def ours(cli, method, iterations, io_ms, io_count, tasks):
    summary, events = run_ours(cli, ["--engine", "asyncio", "--workload", "block-loop", "--blocker", "cpu",
                                     "--offload", "process", "--start-method", method, "--tasks", str(tasks),
                                     "--iterations", str(iterations), "--io-ms", str(io_ms),
                                     "--io-count", str(io_count)], trace=True)
    starts = [e["dur"] / 1e3 for e in events if e.get("name") == "starting up" and "dur" in e]
    start_ms = max(starts) if starts else float("nan")
    return start_ms, summary["max_loop_lag_s"] * 1000, float("nan")


if __name__ == "__main__":
    argv = sys.argv[1:]
    warm_up = "--warm-up" in argv
    if warm_up:
        argv.remove("--warm-up")
    cli = take_option(argv, "--ours")
    iterations = int(argv[0]) if len(argv) > 0 else 15_000_000
    io_ms = float(argv[1]) if len(argv) > 1 else 50.0
    io_count = int(argv[2]) if len(argv) > 2 else 20
    tasks = int(argv[3]) if len(argv) > 3 else 4
    repeats = int(argv[4]) if len(argv) > 4 else 3
    who = "ours" if cli else f"CPython {sys.version.split()[0]}" + (" (warm-up)" if warm_up else "")
    for method in ("fork", "forkserver", "spawn"):
        rows = [ours(cli, method, iterations, io_ms, io_count, tasks) if cli
                else cpython(method, iterations, io_ms, io_count, tasks, warm_up) for _ in range(repeats)]
        held, worst, after = (statistics.median(r[k] for r in rows) for k in range(3))
        label = "worker start (trace)" if cli else "first submit held the loop"
        print(f"{who} {method:10s}: {label} {held:6.1f} ms, worst tick {worst:6.1f} ms late,"
              f" after the start {after:5.1f} ms (medians of {repeats}; worst ticks "
              f"{', '.join(f'{r[1]:.0f}' for r in rows)})")
