// Everything of core/aio in one include: the event loop, futures, tasks and asyncio's helpers.
#pragma once

#include "core/threads/thread_pool.h"
#include "event_loop.h"
#include "future.h"
#include "gather.h"
#include "run_in_executor.h"
#include "semaphore.h"
#include "sleep.h"
#include "streams.h"
#include "task.h"
#include "wait_for.h"
