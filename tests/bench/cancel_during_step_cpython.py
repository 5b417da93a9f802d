# asyncio: a cancel requested during a task's step cancels the future it then awaits, at once
# (Lib/asyncio/tasks.py, Task.__step: "if self._must_cancel: if self._fut_waiter.cancel(...)").
import asyncio

async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    async def waiter():
        asyncio.current_task().cancel()  # requested during this step
        try:
            await fut
        except asyncio.CancelledError:
            return "CancelledError"
    print("await a future:", await asyncio.create_task(waiter()), "| future cancelled:", fut.cancelled())
    t0 = loop.time()
    async def sleeper():
        asyncio.current_task().cancel()
        await asyncio.sleep(3600)
    try:
        await asyncio.create_task(sleeper())
    except asyncio.CancelledError:
        print("sleep(3600) cancelled after %.3f s" % (loop.time() - t0))

asyncio.run(main())
