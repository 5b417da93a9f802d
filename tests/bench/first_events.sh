#!/bin/sh
# BM_RecordFirstEvents in fresh processes (one process per figure: a process's first Recorder pays
# the StampClock's calibration and meets fresh memory), for one or more builds of
# bench_trace_recorder side by side, interleaved so that they share the machine's load. Prints the
# load average next to every figure.
#   tests/bench/first_events.sh build/tests/bench/bench_trace_recorder [other build's binary ...]
runs=${RUNS:-5}
for n in 100000 1000000; do
    i=0
    while [ "$i" -lt "$runs" ]; do
        for bench in "$@"; do
            figures=$("$bench" --benchmark_filter="BM_RecordFirstEvents/$n/" 2>/dev/null | grep '^BM_' |
                awk '{ for (f = 6; f <= NF; ++f) printf "%s ", $f }')
            echo "$n events  load $(cut -d' ' -f1 /proc/loadavg)  $bench  $figures"
        done
        i=$((i + 1))
    done
done
