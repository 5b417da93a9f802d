"""What the side-by-side scripts here share: the Python loop our workloads count like, an asyncio
ticker that notes how late each wake-up came, the --ours option, and one run of our command line
with its summary (and, when asked, its recorded trace). Import it from a script in this folder
(`python3 tests/bench/NAME_cpython.py` puts the folder on sys.path)."""
import asyncio
import json
import os
import subprocess
import tempfile
import time


def count(n):
    """The CPU workload: a pure-Python counting loop (what --workload cpu's iterations stand for)."""
    total = 0
    for _ in range(n):
        total += 1
    return total


async def ticker(lags, io, io_count):
    """Sleeps `io` seconds `io_count` times; appends (due, how late it woke) for each sleep."""
    for _ in range(io_count):
        due = time.perf_counter() + io
        await asyncio.sleep(io)
        lags.append((due, time.perf_counter() - due))


def take_option(argv, name):
    """Removes `name VALUE` from argv and returns VALUE (None when absent)."""
    if name not in argv:
        return None
    at = argv.index(name)
    value = argv[at + 1]
    del argv[at:at + 2]
    return value


def run_ours(cli, args, trace=False):
    """Runs `cli run ARGS --json` (with --trace when asked): the summary, and the trace's events or None."""
    with tempfile.TemporaryDirectory() as tmp:
        trace_path = os.path.join(tmp, "run.json")
        extra = ["--json"] + (["--trace", trace_path] if trace else [])
        out = subprocess.run([cli, "run", *args, *extra], check=True, capture_output=True, text=True).stdout
        events = json.load(open(trace_path))["traceEvents"] if trace else None
    return json.loads(out), events
