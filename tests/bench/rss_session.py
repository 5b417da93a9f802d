#!/usr/bin/env python3
"""The GUI's resident memory over a long session (issues 17 and 19): runs the app test
tst_random_session in one of two modes and reports the RSS curve, sampled from /proc/<pid>/status
every 0.25 s by this script, beside what the test prints (the app's own accounting: the history's
bytes against its budget, the live timeline models, malloc's heap in use).

    python3 tests/bench/rss_session.py build/tests/app/tst_random_session runs 100
    python3 tests/bench/rss_session.py build/tests/app/tst_random_session actions 2000 [--seed N]

`runs N`: N plain Run/finish cycles of the first lesson's experiment after three warm-up runs
(the start is after the warm-up). `actions N`: one seeded random session of N actions (the start is
the window just shown). A benchmark, not a test: it prints figures (start, end, peak, the curve)
and the load average, and asserts nothing.
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time


def status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def huge_pages_mb(pid):
    """Transparent huge pages among the process's anonymous memory (2 MiB each, wholly resident)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("AnonHugePages:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("mode", choices=["runs", "actions"])
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=192026)
    parser.add_argument("--every", type=int, default=100, help="the test's own line every N actions")
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CLAB_LESSONS_DIR=os.path.join(root, "lessons"),
               QTEST_FUNCTION_TIMEOUT="10800000")
    if args.mode == "runs":
        env["CLAB_RSS_RUNS"] = str(args.count)
        function = "manyRunsInOneSessionKeepMemoryFlat"
    else:
        env.update(CLAB_RANDOM_ACTIONS=str(args.count), CLAB_RANDOM_SEED=str(args.seed),
                   CLAB_RANDOM_RSS_EVERY=str(args.every))
        function = "aRandomSessionDoesNotCrashStallNestOrLeak"
    print(f"load average at the start: {os.getloadavg()}", flush=True)
    started = time.monotonic()
    proc = subprocess.Popen([args.binary, function, "-maxwarnings", "0"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    samples = []  # (seconds, RSS MB)
    huge = [None]  # the latest AnonHugePages, MB
    done = threading.Event()

    def sample():
        while not done.is_set():
            rss = status_kb(proc.pid, "VmRSS")
            if rss is not None:
                samples.append((time.monotonic() - started, rss / 1024.0))
                huge[0] = huge_pages_mb(proc.pid)
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start_mb = None
    marks = []  # (label, RSS MB the test printed, the test's accounting)
    for line in proc.stdout:
        m = re.search(r"(RSS at the start|RSS after 3 warm-up runs): ([\d.]+) MB", line)
        if m:
            start_mb = float(m.group(2))
        m = re.search(r"after (\d+) (actions|runs)[^:]*: RSS ([\d.]+) MB(.*)", line)
        if m:
            accounting = m.group(4).strip(" ,;")
            if huge[0] is not None:
                accounting += f"; huge pages {huge[0]:.0f} MB"
            marks.append((f"{m.group(1)} {m.group(2)}", float(m.group(3)), accounting))
        if "FAIL" in line or "PASS" in line and function in line or "growth" in line:
            print(line.rstrip(), flush=True)
    proc.wait()
    done.set()
    sampler.join()
    print(f"load average at the end: {os.getloadavg()}")
    if start_mb is None:
        print("the test printed no start line", file=sys.stderr)
        return 1
    print(f"\n{'after':>14} {'RSS MB':>8} {'vs start':>9}  the app's accounting")
    for label, mb, accounting in marks:
        print(f"{label:>14} {mb:8.1f} {mb - start_mb:+9.1f}  {accounting}")
    after_start = [mb for t, mb in samples if mb >= start_mb * 0.5]
    peak = max(after_start) if after_start else float("nan")
    end = marks[-1][1] if marks else float("nan")
    print(f"\nstart {start_mb:.1f} MB, end {end:.1f} MB ({end - start_mb:+.1f}), peak {peak:.1f} MB "
          f"(sampled every 0.25 s), {time.monotonic() - started:.0f} s")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
