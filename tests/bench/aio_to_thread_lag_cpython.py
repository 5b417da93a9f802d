#!/usr/bin/env python3
"""Loop lag while a CPU-bound function runs in asyncio.to_thread, in CPython and in our asyncio engine
(block-loop, blocker cpu, offload thread). The loop's thread and the executor's thread share one GIL,
so every wake-up of the loop waits for the counting thread to drop it: about one switch interval.
Same shape as lesson 17: one blocker (sleeps io_ms first, then offloads the count) and `tasks - 1`
tickers that sleep io_ms, io_count times, and note how late each wake-up came. Only the ticks that
fell due while the thread was counting compete with it, so those are summarised.

Run:  python3 tests/bench/aio_to_thread_lag_cpython.py [iterations] [io_ms] [io_count] [tasks]
Ours: add --ours PATH/TO/concurrency-lab [--gil on|off]: runs the same experiment there (--trace) and
      reads the same figures from the recorded task steps."""
import asyncio
import statistics
import sys
import time

from cpython_timing import count, run_ours, take_option, ticker


async def blocker(io, iterations, busy):
    await asyncio.sleep(io)
    t0 = time.perf_counter()
    await asyncio.to_thread(count, iterations)
    busy.append((t0, time.perf_counter()))


async def main(iterations, io, io_count, tasks):
    ticks, busy = [], []
    await asyncio.gather(blocker(io, iterations, busy), *(ticker(ticks, io, io_count) for _ in range(tasks - 1)))
    return ticks, busy[0]


def cpython(iterations, io_ms, io_count, tasks):
    ticks, window = asyncio.run(main(iterations, io_ms / 1000, io_count, tasks))
    return ticks, window, f"CPython {sys.version.split()[0]}, switch interval {sys.getswitchinterval() * 1000:.1f} ms"


def ours(cli, gil, iterations, io_ms, io_count, tasks):
    """Ticks from the trace: a ticker's step k + 1 began (step k's begin + io_ms + lag)."""
    summary, events = run_ours(cli, ["--engine", "asyncio", "--workload", "block-loop", "--blocker", "cpu",
                                     "--offload", "thread", "--tasks", str(tasks), "--iterations", str(iterations),
                                     "--io-ms", str(io_ms), "--io-count", str(io_count), "--gil", gil], trace=True)
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    steps, window = {}, [None, None]
    for e in sorted((e for e in events if e.get("ph") != "M"), key=lambda e: e["ts"]):
        lane = names.get((e["pid"], e["tid"]), "")
        if e["name"] == "task step running" and lane.startswith("Task-"):
            steps.setdefault(lane, []).append(e["ts"] / 1e6)
        elif e["name"] == "executor submit":
            window[0] = e["ts"] / 1e6
        elif e["name"] == "executor done":
            window[1] = e["ts"] / 1e6
    io = io_ms / 1000
    # Task-1 is main, Task-2 the blocker; the others tick.
    # (lanes are named "Task-N (coroutine)")
    tickers = [s for lane, s in steps.items() if int(lane.split("-")[1].split()[0]) >= 3]
    ticks = [(s[k] + io, s[k + 1] - s[k] - io) for s in tickers for k in range(len(s) - 1)]
    return ticks, tuple(window), f"ours (gil {gil}), max_loop_lag_s {summary['max_loop_lag_s'] * 1000:.2f} ms"


if __name__ == "__main__":
    argv = sys.argv[1:]
    cli = take_option(argv, "--ours")
    gil = take_option(argv, "--gil")
    iterations = int(argv[0]) if len(argv) > 0 else 15_000_000
    io_ms = float(argv[1]) if len(argv) > 1 else 50.0
    io_count = int(argv[2]) if len(argv) > 2 else 20
    tasks = int(argv[3]) if len(argv) > 3 else 4
    if cli:
        ticks, (begin, end), who = ours(cli, gil or "on", iterations, io_ms, io_count, tasks)
    else:
        ticks, (begin, end), who = cpython(iterations, io_ms, io_count, tasks)
    during = [lag for due, lag in ticks if begin <= due <= end] or [0.0]
    lags = [lag for _, lag in ticks]
    print(f"{who}: to_thread(count({iterations})) took {(end - begin) * 1000:.0f} ms")
    print(f"tick lag while it ran: max {max(during) * 1000:.2f} ms, median {statistics.median(during) * 1000:.2f} ms"
          f" over {len(during)} ticks; all ticks: max {max(lags) * 1000:.2f} ms")
