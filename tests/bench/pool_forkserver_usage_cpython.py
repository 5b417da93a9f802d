#!/usr/bin/env python3
"""CPU time and peak RSS of forkserver pool workers, in CPython and in our process-pool engine.

A forkserver worker is the forkserver's child, not the program's: getrusage(RUSAGE_CHILDREN) of the
program never includes it, and neither does `time python3 …`. So CPython's figures are read inside
the worker (time.process_time() and ru_maxrss of RUSAGE_SELF at the end of its tasks) and printed
next to what our run's summary counts (cpu_s: the parent, its children and, through the
forkserver's reports, its grandchildren, less the lab's own 1 kHz kernel sampler; peak_rss_mb: the parent's peak plus the largest child's).

Run:  python3 tests/bench/pool_forkserver_usage_cpython.py [tasks] [iterations] [workers]
Ours: add --ours PATH/TO/concurrency-lab"""
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def count(n):
    total = 0
    for _ in range(n):
        total += 1
    return os.getpid(), time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpython(tasks, iterations, workers):
    t0 = time.perf_counter()
    c0 = time.process_time()
    per_worker = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        for pid, cpu, rss in pool.map(count, [iterations] * tasks):
            per_worker[pid] = (cpu, rss)  # process_time grows: the last one of each worker is its total
    wall = time.perf_counter() - t0
    parent_cpu = time.process_time() - c0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = sum(cpu for cpu, _ in per_worker.values())
    workers_rss = max(rss for _, rss in per_worker.values()) / 1024
    parent_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"CPython {sys.version.split()[0]}: wall {wall:.2f} s; parent CPU {parent_cpu:.2f} s, RUSAGE_CHILDREN "
          f"{children.ru_utime + children.ru_stime:.2f} s (the workers are not in it); the workers' own CPU "
          f"{workers_cpu:.2f} s -> run total {parent_cpu + workers_cpu:.2f} s; peak RSS parent {parent_rss:.1f} MB, "
          f"largest worker {workers_rss:.1f} MB")


def ours(cli, tasks, iterations, workers):
    args = [cli, "run", "--engine", "process-pool", "--start-method", "forkserver", "--workload", "cpu",
            "--tasks", str(tasks), "--workers", str(workers), "--iterations", str(iterations), "--json"]
    s = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    busy = sum(w.get("busy_s", 0) for w in s.get("worker_stats", []))
    print(f"ours: wall {s['wall_s']:.2f} s; cpu_s {s['cpu_s']:.2f} s (workers busy {busy:.2f} s of wall time by their own "
          f"events); peak_rss_mb {s['peak_rss_mb']:.1f} MB")


if __name__ == "__main__":
    argv = sys.argv[1:]
    cli = None
    if "--ours" in argv:
        i = argv.index("--ours")
        cli = argv[i + 1]
        del argv[i:i + 2]
    tasks = int(argv[0]) if len(argv) > 0 else 4
    iterations = int(argv[1]) if len(argv) > 1 else 5_000_000
    workers = int(argv[2]) if len(argv) > 2 else 2
    if cli:
        ours(cli, tasks, iterations, workers)
    else:
        cpython(tasks, iterations, workers)
