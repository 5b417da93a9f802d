#!/usr/bin/env python3
"""How many times ProcessPoolExecutor's manager thread wakes up per work item in CPython: one item
at a time (submit, wait for its result), 1 worker, each item sleeping 10 ms. Counted by wrapping
_ExecutorManagerThread.wait_result_broken_or_wakeup (one call = one wake-up of its wait).
Ours: tests/core/test_process_pool --gtest_filter='*WakesForTheSubmitAndTheResultOnly' prints the
same count for the same run ("[ info ] manager wake-ups")."""
import sys
import time
from concurrent.futures import ProcessPoolExecutor, process

calls = 0
original = process._ExecutorManagerThread.wait_result_broken_or_wakeup


def counted(self):
    global calls
    calls += 1
    return original(self)


process._ExecutorManagerThread.wait_result_broken_or_wakeup = counted

if __name__ == "__main__":
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with ProcessPoolExecutor(max_workers=1) as pool:
        for i in range(items):
            pool.submit(time.sleep, 0.01).result()
        during = calls
    print(f"CPython {sys.version.split()[0]}: {during} manager wake-ups for {items} items, one at a time "
          f"({during / items:.2f} per item; {calls} including the shutdown)")
