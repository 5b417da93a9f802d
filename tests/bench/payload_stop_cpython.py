#!/usr/bin/env python3
"""How long python3 takes to stop in the middle of the threads payload workload, for comparison
with our engines' stop (tests/bench/bench_stop, threads/payload).

The child runs what our payload task does, `data = b"x" * n; back = bytearray(data)` over and over
(n = 100 MB, 4 KiB pages faulted in as they are written, as in our BigBuffer). After `after_s` the
parent sends SIGINT (Ctrl+C) and measures until the child has exited. CPython handles the signal
only between bytecodes: a copy in progress runs to its end first, then the KeyboardInterrupt
unwinds and `del` gives the pages back. Printed: the median and worst of `rounds` stops.

Run:  python3 tests/bench/payload_stop_cpython.py [rounds] [bytes]"""
import signal
import subprocess
import sys
import time

CHILD = """
import sys
n = int(sys.argv[1])
print("ready", flush=True)
try:
    while True:
        data = b"x" * n
        back = bytearray(data)
        del data, back
except KeyboardInterrupt:
    pass
"""


def one_stop(after_s, n):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(n)], stdout=subprocess.PIPE)
    child.stdout.readline()  # started: the interpreter's start-up is no part of it
    time.sleep(after_s)
    t = time.perf_counter()
    child.send_signal(signal.SIGINT)
    child.wait()
    return time.perf_counter() - t


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000_000
    # The same points in the run as bench_stop: 250 to 1250 ms in.
    stops = sorted(one_stop(0.25 + 0.2 * (k % 6), n) for k in range(rounds))
    print("python3 payload (%d MB) stopped by SIGINT: median %.1f ms, worst %.1f ms (%d rounds)"
          % (n // 1_000_000, stops[len(stops) // 2] * 1e3, stops[-1] * 1e3, rounds))


if __name__ == "__main__":
    main()
