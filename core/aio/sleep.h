// asyncio.sleep (Lib/asyncio/tasks.py): a future completed by a timer. sleep(0) only yields.
//
//   async def sleep(delay):
//       if delay <= 0: await __sleep0(); return
//       future = loop.create_future()
//       h = loop.call_later(delay, futures._set_result_unless_cancelled, future, result)
//       try: return await future
//       finally: h.cancel()
//
// So a sleeping task wakes in two hops: the timer's callback completes the future (iteration N),
// which schedules the task's step (iteration N + 1).
#pragma once

#include "task.h"

#include <cstdint>

namespace clab::aio {

Coro<void> sleep_ns(int64_t delay_ns);
inline Coro<void> sleep(double seconds) {
    return sleep_ns(int64_t(seconds * 1e9));
}

} // namespace clab::aio
