#!/usr/bin/env python3
"""A multiprocessing.Process's start-up and exit in CPython, per start method (fork, spawn,
forkserver): how long from Process.start() until the target's first line runs (the child's
interpreter start, unpickling the process object, importing the main module for spawn and
forkserver), and from the target's return until join() returns in the parent (the child's
atexit handlers, finalisation and exit, and the parent's wake-up). All on CLOCK_MONOTONIC
(time.monotonic_ns is the same clock in both processes). The worker does nothing else.
And the CPU the child spends: before its target's first line (its own CPU clock there) and after
the target's return (its whole CPU, as RUSAGE_CHILDREN grows when join() reaps it, minus that; a
forkserver child is the server's, not ours: its exit CPU is not counted, "-").

Run: python3 tests/bench/process_start_exit_cpython.py [processes per method (20)] [--json] [--ours CLI]
With --json one object: {method: {"start_ms": [...], "exit_ms": [...], "start_cpu_ms": [...],
"exit_cpu_ms": [...]}}. Processes run one at a time;
the forkserver's own start (the first process) is reported apart and left out of the figures.
--ours CLI: the same from our processes engine (`CLI run --engine processes --tasks 1 --trace`, one
process per run, python3's and ours alternating): start = the worker lane's "starting up" segment
(Process.start() in the parent .. the child ready to run Python), exit = its task's end .. the end of
its lane (the parent saw it exit). And our CPU per worker process: the run's CPU time (`--json`
summary, which counts every reaped child and the forkserver's) with 11 processes, less that with 1,
over 10 (the parent's own share cancels out).
Prints the machine's load average too: figures from a busy machine are not comparable."""
import json
import os
import resource
import subprocess
import tempfile
import multiprocessing as mp
import statistics
import sys
import time


def cpu_ns():
    return time.clock_gettime_ns(time.CLOCK_PROCESS_CPUTIME_ID)


def children_cpu_ns():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round((r.ru_utime + r.ru_stime) * 1e9)


def target(conn):
    conn.send((time.monotonic_ns(), cpu_ns()))  # the target's first line
    conn.send(time.monotonic_ns())  # and its return (nothing in between)
    conn.close()


def one(ctx):
    here, there = ctx.Pipe(duplex=False)
    process = ctx.Process(target=target, args=(there,))
    cpu_before = children_cpu_ns()
    t0 = time.monotonic_ns()
    process.start()
    there.close()
    first_line, first_cpu = here.recv()
    returned = here.recv()
    process.join()
    joined = time.monotonic_ns()
    exit_cpu = (children_cpu_ns() - cpu_before - first_cpu) / 1e6
    return (first_line - t0) / 1e6, (joined - returned) / 1e6, first_cpu / 1e6, exit_cpu


def ours_cpu_ms(cli, method):
    """Our CPU per worker process (ms): the run's CPU with 11 processes less that with 1, over 10."""
    def run_cpu_s(tasks):
        out = subprocess.run([cli, "run", "--engine", "processes", "--workload", "cpu", "--tasks", str(tasks),
                              "--iterations", "1", "--start-method", method, "--json"], check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])["cpu_s"]
    return (run_cpu_s(11) - run_cpu_s(1)) / 10 * 1e3


def ours_one(cli, method):
    """One worker of our processes engine: (start ms, exit ms) from its trace."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.json")
        subprocess.run([cli, "run", "--engine", "processes", "--workload", "cpu", "--tasks", "1", "--iterations",
                        "1", "--start-method", method, "--trace", path], check=True, capture_output=True)
        with open(path) as f:
            events = json.load(f)["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in events if e.get("name") == "thread_name" and e["pid"] == 1}
    worker = next(tid for tid, name in names.items() if "Process-" in name)
    mine = [e for e in events if e["pid"] == 1 and e.get("tid") == worker]
    start = sum(e["dur"] for e in mine if e.get("ph") == "X" and e["name"] == "starting up")
    task_end = max(e["ts"] for e in mine if e.get("ph") == "i" and e["name"] == "task end")
    lane_end = max(e["ts"] + e["dur"] for e in mine if e.get("ph") == "X")
    return start / 1e3, (lane_end - task_end) / 1e3


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    cli = None
    if "--ours" in args:
        cli = args[args.index("--ours") + 1]
        args = [a for a in args if a not in ("--ours", cli)]
    n = int(args[0]) if args else 20
    figures = {}
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        first = one(ctx)  # forkserver: starts the server too
        runs, ours, ours_cpu = [], [], []
        for _ in range(n):
            runs.append(one(ctx))
            if cli:
                ours.append(ours_one(cli, method))
                ours_cpu.append(ours_cpu_ms(cli, method))
        figures[method] = {"first_start_ms": first[0], "start_ms": [r[0] for r in runs],
                           "exit_ms": [r[1] for r in runs], "start_cpu_ms": [r[2] for r in runs],
                           "exit_cpu_ms": [r[3] for r in runs] if method != "forkserver" else None}
        if cli:
            figures[method].update(ours_start_ms=[r[0] for r in ours], ours_exit_ms=[r[1] for r in ours],
                                   ours_cpu_ms=ours_cpu)
    figures["load"] = os.getloadavg()
    if "--json" in sys.argv:
        print(json.dumps(figures))
        return
    print("load average (1, 5, 15 min): %.2f %.2f %.2f" % figures.pop("load"))
    for method, f in figures.items():
        exit_cpu = f"{statistics.median(f['exit_cpu_ms']):6.2f}" if f["exit_cpu_ms"] else "     -"
        print(f"{method:10}: start {statistics.median(f['start_ms']):6.2f} ms (median of {n}; first "
              f"{f['first_start_ms']:.1f} ms), exit {statistics.median(f['exit_ms']):6.2f} ms; CPU start "
              f"{statistics.median(f['start_cpu_ms']):6.2f} ms, exit {exit_cpu} ms" +
              (f"; ours: start {statistics.median(f['ours_start_ms']):6.2f} ms, exit "
               f"{statistics.median(f['ours_exit_ms']):6.2f} ms, CPU per process "
               f"{statistics.median(f['ours_cpu_ms']):6.2f} ms" if cli else ""))


if __name__ == "__main__":
    main()
