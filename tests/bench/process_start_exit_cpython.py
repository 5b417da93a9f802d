#!/usr/bin/env python3
"""A multiprocessing.Process's start-up and exit in CPython, per start method (fork, spawn,
forkserver): how long from Process.start() until the target's first line runs (the child's
interpreter start, unpickling the process object, importing the main module for spawn and
forkserver), and from the target's return until join() returns in the parent (the child's
atexit handlers, finalisation and exit, and the parent's wake-up). All on CLOCK_MONOTONIC
(time.monotonic_ns is the same clock in both processes). The worker does nothing else.

Run: python3 tests/bench/process_start_exit_cpython.py [processes per method (20)] [--json]
With --json one object: {method: {"start_ms": [...], "exit_ms": [...]}}. Processes run one at a time;
the forkserver's own start (the first process) is reported apart and left out of the figures."""
import json
import multiprocessing as mp
import statistics
import sys
import time


def target(conn):
    conn.send(time.monotonic_ns())  # the target's first line
    conn.send(time.monotonic_ns())  # and its return (nothing in between)
    conn.close()


def one(ctx):
    here, there = ctx.Pipe(duplex=False)
    process = ctx.Process(target=target, args=(there,))
    t0 = time.monotonic_ns()
    process.start()
    there.close()
    first_line = here.recv()
    returned = here.recv()
    process.join()
    joined = time.monotonic_ns()
    return (first_line - t0) / 1e6, (joined - returned) / 1e6


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    n = int(args[0]) if args else 20
    figures = {}
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        first = one(ctx)  # forkserver: starts the server too
        runs = [one(ctx) for _ in range(n)]
        figures[method] = {"first_start_ms": first[0], "start_ms": [r[0] for r in runs],
                           "exit_ms": [r[1] for r in runs]}
    if "--json" in sys.argv:
        print(json.dumps(figures))
        return
    for method, f in figures.items():
        print(f"{method:10}: start {statistics.median(f['start_ms']):6.2f} ms (median of {n}; first "
              f"{f['first_start_ms']:.1f} ms), exit {statistics.median(f['exit_ms']):6.2f} ms")


if __name__ == "__main__":
    main()
