#!/usr/bin/env python3
"""The forkserver's first start, in CPython and in our process-pool engine, side by side.

CPython's first forkserver submit starts the server (an exec of the real python3 binary that
imports multiprocessing), which then forks the worker; ours posix_spawns our own (Qt-linked)
executable in forkserver mode. Each figure is a fresh process, so the server starts every time.
Printed: the first submit's wait for its result (python3) next to our run's wall time and median
process start (ours), and the CPU time each server's start costs by itself (the exec alone).

Run:  python3 tests/bench/pool_forkserver_first_start_cpython.py [--ours PATH/TO/concurrency-lab] [repeats]"""
import json
import multiprocessing
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def nap(seconds):
    return seconds


def first_submit():
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        pool.submit(nap, 0).result()
        first = time.perf_counter() - t0
        t1 = time.perf_counter()
        pool.submit(nap, 0).result()
        second = time.perf_counter() - t1
    return first, second


def exec_cpu(args):
    """CPU time (user + system) and wall time of running `args` to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall


if __name__ == "__main__":
    argv = sys.argv[1:]
    cli = None
    if "--ours" in argv:
        i = argv.index("--ours")
        cli = argv[i + 1]
        del argv[i:i + 2]
    if "--child" in argv:
        first, second = first_submit()
        print(json.dumps([first, second]))
        sys.exit(0)
    repeats = int(argv[0]) if argv else 3
    for _ in range(repeats):
        # A fresh interpreter each time (the real binary: a pyenv shim would add its own start-up).
        out = subprocess.run([sys.executable, __file__, "--child"], check=True, capture_output=True, text=True)
        first, second = json.loads(out.stdout)
        cpu, wall = exec_cpu([sys.executable, "-c",
                              "import multiprocessing.forkserver, multiprocessing.connection, "
                              "concurrent.futures.process"])
        line = (f"python3: first submit {first * 1e3:6.0f} ms (next {second * 1e3:4.1f} ms); the server's imports "
                f"alone {cpu * 1e3:4.0f} ms CPU, {wall * 1e3:5.0f} ms wall")
        if cli:
            args = [cli, "run", "--engine", "process-pool", "--start-method", "forkserver", "--workload", "sleep",
                    "--tasks", "1", "--workers", "1", "--io-ms", "0", "--json"]
            s = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
            # The server mode with no request socket: it starts, finds no socket and ends.
            cpu, wall = exec_cpu([cli, "__clab_forkserver__"])
            line += (f" | ours: run {s['wall_s'] * 1e3:5.0f} ms, process start {s['process_start_s'] * 1e3:5.0f} ms; "
                     f"the server's exec alone {cpu * 1e3:4.0f} ms CPU, {wall * 1e3:5.0f} ms wall")
        print(line)
