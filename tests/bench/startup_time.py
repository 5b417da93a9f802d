#!/usr/bin/env python3
"""How long the GUI takes to show its window: launches the built binary N times (default 10) and
reports the distribution of each start-up phase, measured from the moment this script started the
process (CLOCK_MONOTONIC on both sides: the app prints its marks when CLAB_STARTUP_PROBE is set,
app/gui/startup_probe.h).

    python3 tests/bench/startup_time.py build/app/concurrency-lab            # offscreen, or $DISPLAY
    python3 tests/bench/startup_time.py build/app/concurrency-lab --xvfb     # a private Xvfb server
    python3 tests/bench/startup_time.py NEW --baseline OLD --xvfb            # A/B, launches interleaved

Every launch gets fresh settings (a first start: the window opens maximised on lesson 1) in a
temporary XDG_CONFIG_HOME; the Python-speed calibration cache is the user's, as for a student. A
benchmark, not a test: it asserts nothing and prints figures (and the load average, since a busy
machine slows every phase). With --baseline the two binaries are launched in turn, so both see the
same load, and the ratio of their medians is the figure to trust on a busy machine. Marks the app
adds between the fixed phases (startup_mark() in app/gui/startup_probe.h) are listed too.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def start_xvfb():
    """A private Xvfb on a free display number; returns (process, ':N')."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        proc.wait()
        sys.exit("startup_time: Xvfb did not start")
    return proc, ":" + number


def launch(binary, env):
    """One launch: the app's marks in ms after this script started it, and the wall time to exit."""
    with tempfile.TemporaryDirectory(prefix="clab-startup-") as config:
        env = dict(env, XDG_CONFIG_HOME=config, CLAB_STARTUP_PROBE="1")
        started = time.monotonic_ns()
        proc = subprocess.run([binary], env=env, capture_output=True, text=True, timeout=60)
        exited = time.monotonic_ns()
    line = next((l for l in proc.stdout.splitlines() if l.startswith("clab-startup ")), None)
    if proc.returncode != 0 or line is None:
        sys.exit(f"startup_time: launch failed (exit {proc.returncode}): {proc.stderr.strip()[-400:]}")
    marks = dict(field.split("=") for field in line.split()[1:])
    ms = {name[:-3]: (int(value) - started) / 1e6 for name, value in marks.items()}
    ms["exit"] = (exited - started) / 1e6
    return ms


PHASES = [("main", "main() entered (exec, dynamic linking)"),
          ("built", "main window constructed"),
          ("exposed", "window exposed by the window system"),
          ("painted", "first frame painted: the window is visible"),
          ("exit", "process ended")]


def report(binary, runs, platform):
    print(f"{len(runs)} launches of {binary} ({platform}), load average {os.getloadavg()[0]:.1f}, "
          f"{os.cpu_count()} CPUs; ms after the process was started:")
    print(f"{'phase':<22} {'min':>7} {'median':>7} {'max':>7}")
    fixed = dict(PHASES)
    marks = sorted((name for name in runs[0] if name not in fixed and all(name in r for r in runs)),
                   key=lambda name: statistics.median(r[name] for r in runs))
    rows = [(name, fixed[name]) for name, _ in PHASES[:2]] + [(m, "  mark") for m in marks if
                                                                 statistics.median(r[m] for r in runs) <
                                                                 statistics.median(r["built"] for r in runs)]
    rows += [(m, "  mark") for m in marks if (m, "  mark") not in rows]
    rows += [(name, what) for name, what in PHASES[2:]]
    rows.sort(key=lambda row: statistics.median(r[row[0]] for r in runs))
    for phase, what in rows:
        values = [r[phase] for r in runs]
        print(f"{phase:<22} {min(values):7.1f} {statistics.median(values):7.1f} {max(values):7.1f}   {what}")
    print("painted, every launch:", " ".join(f"{r['painted']:.0f}" for r in runs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("-n", "--launches", type=int, default=10)
    parser.add_argument("--baseline", help="another build to launch in turn with BINARY (A/B)")
    parser.add_argument("--xvfb", action="store_true", help="run on a private Xvfb server (xcb)")
    args = parser.parse_args()
    env = dict(os.environ)
    xvfb = None
    if args.xvfb:
        if not shutil.which("Xvfb"):
            sys.exit("startup_time: --xvfb needs Xvfb (Debian package xvfb)")
        xvfb, display = start_xvfb()
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    elif "DISPLAY" not in env and "WAYLAND_DISPLAY" not in env:
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    binaries = [args.binary] + ([args.baseline] if args.baseline else [])
    runs = {b: [] for b in binaries}
    try:
        for b in binaries:
            launch(b, env)  # warm the page cache: every launch after it reads the same files
        for _ in range(args.launches):
            for b in binaries:
                runs[b].append(launch(b, env))
    finally:
        if xvfb:
            xvfb.terminate()
            xvfb.wait()
    platform = env.get("QT_QPA_PLATFORM", "default")
    for b in binaries:
        report(b, runs[b], platform)
    if args.baseline:
        new, old = (statistics.median(r["painted"] for r in runs[b]) for b in binaries)
        print(f"painted: median {new:.1f} ms against {old:.1f} ms for the baseline: ratio {new / old:.2f}")


if __name__ == "__main__":
    main()
