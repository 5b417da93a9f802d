// A small valid lesson, shared by the lesson tests: each test changes one thing and looks at the message.
#pragma once

#include <QByteArray>
#include <QString>

namespace lesson_samples {

// Line numbers matter: the tests expect problems on specific lines of this text.
inline const char* const kGoodLesson = R"(---
id: gil
number: 4
title: The GIL
summary: Threads take turns.
---

Some intro text.

## Two threads, one interpreter

Two threads count. Python:

```python
import threading

def count(n):
    while n > 0:
        n -= 1

threads = [threading.Thread(target=count, args=(10_000_000,)) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
```

```experiment
engine: threads
workload: cpu
tasks: 2
iterations: 10_000_000
controls: tasks 1..8, switch_interval_ms 0.5..50, gil
expect: speedup < 1.3
expect: wall_s 0.1..20
```

```predict
question: Two threads instead of one: how much faster?
choices: about 2x faster | about the same | slower
answer: 2
reveal: speedup
```

```notice
lane: gil
from: 0.0
to: 0.2
text: The holder changes about every 5 ms.
```

## Side by side

```experiment
engine: threads
workload: blend
tasks: 4
cpu_percent: 50
compare: sequential, threads, processes, asyncio
expect: processes.speedup > 1.2
```

```predict
question: How long will the threads take, in seconds?
number: 2
tolerance: 0.5
reveal: wall_s
```

## Recap

- One thread at a time runs Python.

```check
question: Why no speedup?
choices: The OS | The GIL | Memory
answer: 2
explain: The GIL lets one thread at a time run bytecode.
```
)";

inline QByteArray good_lesson() {
    return QByteArray(kGoodLesson);
}

// The sample with the first occurrence of `from` replaced by `to`.
inline QByteArray with(const char* from, const char* to) {
    QByteArray text = good_lesson();
    const qsizetype at = text.indexOf(from);
    if (at >= 0) text.replace(at, qsizetype(qstrlen(from)), to);
    return text;
}

} // namespace lesson_samples
