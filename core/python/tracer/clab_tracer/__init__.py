# Concurrency Lab's tracer: records what a Python program's threads, processes, locks and asyncio
# tasks do, as compact binary records on a Unix socket the app listens on (its abstract name is in
# $CLAB_TRACE_SOCKET). One connection per process; every process of the run (fork, spawn,
# forkserver, os.fork) connects on its own, so nothing depends on inherited descriptors.
#
# Record: header <HHIq (kind, payload length, native thread id, time.monotonic_ns()) + payload.
# The reader is core/python/records.cpp; keep the two in step (kinds and payloads below).
#
# Rules: never change what the program computes, never raise into it, use only public hooks where
# they exist; a private hook is looked up defensively and, when missing, the tracer records less
# and says so (a NOTE record) instead of failing.
import _thread
import os
import struct
import sys
import time

VERSION = 1

# record kinds (core/python/records.h: TracerRecord)
HELLO, THREAD_START, THREAD_END, WAIT_BEGIN, WAIT_END, OBJECT = 1, 2, 3, 4, 5, 6
SPAWN_BEGIN, SPAWN_END, PROC_RUN, PROC_EXIT, TASK_NEW, STEP_BEGIN = 7, 8, 9, 10, 11, 12
STEP_END, SELECT_BEGIN, SELECT_END, NOTE, LOOP_NEW = 13, 14, 15, 16, 17
BLOCK_BEGIN, BLOCK_END = 18, 19

# what a blocking call waits for (BLOCK_BEGIN/END)
B_SLEEP = 0

# object kinds of a wait
O_LOCK, O_RLOCK, O_CONDITION, O_SEMAPHORE, O_EVENT, O_BARRIER, O_QUEUE, O_JOIN = 1, 2, 3, 4, 5, 6, 7, 8
_OBJECT_NAMES = {O_LOCK: "Lock", O_RLOCK: "RLock", O_CONDITION: "Condition", O_SEMAPHORE: "Semaphore",
                 O_EVENT: "Event", O_BARRIER: "Barrier", O_QUEUE: "Queue", O_JOIN: "Thread.join"}

# how this process started
M_MAIN, M_FORK, M_SPAWN, M_FORKSERVER, M_OSFORK, M_HELPER = 0, 1, 2, 3, 4, 5
# task step outcomes (core/trace/event.h StepOutcome)
S_AWAITING, S_YIELDED, S_DONE, S_FAILED, S_CANCELLED = 0, 1, 2, 3, 4

_HDR = struct.Struct("<HHIq")
_now = time.monotonic_ns
_native_id = _thread.get_native_id
_FLUSH_NS = 50_000_000
_last_flush = [0]

_buf = []  # packed records; list.append and `del _buf[:n]` are atomic under the GIL
_send_lock = _thread.allocate_lock()
_sock = None
_announced = set()
_tls = _thread._local()


def _tid():
    """The calling thread's native id, asked of the kernel once per thread (a gettid system call
    cost ~6 us here, more than the rest of a record); a fork child asks again (_at_fork_child)."""
    try:
        return _tls.tid
    except AttributeError:
        tid = _tls.tid = _native_id()
        return tid

_method = M_MAIN
_flusher_tid = 0  # no flusher thread: kept in the hello record for the format's sake
_proc_name = "MainProcess"


def _rec(kind, payload=b"", tid=None):
    t = _now()
    _buf.append(_HDR.pack(kind, len(payload), tid or _tid(), t) + payload)
    # No thread of our own flushes (it would take the GIL from the program): whoever records
    # sends the batch once it is 50 ms old, and before anything blocks (see _before_blocking).
    if t - _last_flush[0] > _FLUSH_NS:
        flush()


def _before_blocking():
    """A wait is about to block: send what is buffered, so the app sees it while we wait."""
    if _buf and _now() - _last_flush[0] > 2_000_000:
        flush()


def _text(s):
    return str(s).encode("utf-8", "replace")[:400]


def note(text):
    _rec(NOTE, _text(text))


def flush():
    global _sock
    _last_flush[0] = _now()
    n = len(_buf)
    if not n or _sock is None:
        return
    data = b"".join(_buf[:n])
    del _buf[:n]
    with _send_lock:
        try:
            _sock.sendall(data)
        except OSError:
            _sock = None  # the app went away: stop tracing, keep the program running


def _connect():
    global _sock
    import socket

    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("\0" + os.environ["CLAB_TRACE_SOCKET"])
    _sock = s


def _hello():
    v = sys.version_info
    version = (v[0] << 16) | (v[1] << 8) | v[2]
    gil = 1
    if hasattr(sys, "_is_gil_enabled"):
        gil = 1 if sys._is_gil_enabled() else 0
    main_tid = _tid()  # hello is sent by the thread that is (or becomes, after fork) the main one
    payload = struct.pack("<iiIIIIBB", os.getpid(), os.getppid(), main_tid, _flusher_tid, version,
                          int(sys.getswitchinterval() * 1e9), gil, _method)
    _rec(HELLO, payload + _text(_proc_name + "\0" + sys.version.split()[0] + "\0" + sys.executable))


def _at_fork_parent_before():
    flush()


def _at_fork_child():
    global _sock, _method
    _tls.tid = _native_id()  # the forking thread is this process's main thread, with a new id
    del _buf[:]
    _sock = None
    _method = getattr(_tls, "starting", None) or (M_FORKSERVER if _method == M_FORKSERVER else M_OSFORK)
    try:
        _connect()
        _hello()
        flush()
    except Exception:
        _sock = None


def _exit_record(code):
    try:
        _rec(PROC_EXIT, struct.pack("<i", int(code)))
    except Exception:
        _rec(PROC_EXIT, struct.pack("<i", -1000))
    flush()


# --- threads -------------------------------------------------------------------------------

def _patch_threading():
    import threading

    T = threading.Thread
    inner = getattr(T, "_bootstrap_inner", None)
    if inner is None:
        note("threading.Thread._bootstrap_inner not found: no thread lanes")
    else:
        def _bootstrap_inner(self):
            tid = _tid()
            _rec(THREAD_START, _text(self.name), tid)
            # Sent now: a thread that only computes records nothing more, and neither may the
            # thread that started it (`spin()` after the last start), so a buffered start would
            # stay unsent (its lane never drawn) until the program ends.
            flush()
            try:
                inner(self)
            finally:
                _rec(THREAD_END, _text(self.name), tid)
                flush()

        T._bootstrap_inner = _bootstrap_inner

    _patch_waits(threading)


_STDLIB = os.path.dirname(os.__file__)


def _site(depth):
    """file:line of the program's code that made or waits on an object: the first caller outside
    the standard library (a Queue's inner Condition points at the line that made the Queue)."""
    try:
        f = sys._getframe(depth)
        first = f
        while f is not None and f.f_code.co_filename.startswith(_STDLIB):
            f = f.f_back
        f = f or first
        return "%s:%d" % (os.path.basename(f.f_code.co_filename), f.f_lineno)
    except Exception:
        return ""


def _announce(obj, kind, site):
    key = id(obj)
    if key in _announced:
        return key
    _announced.add(key)
    name = _OBJECT_NAMES.get(kind, "object")
    if site:
        name += " created at " + site
    _rec(OBJECT, struct.pack("<QB", key, kind) + _text(name))
    return key


def _wait_begin(obj, kind, site=""):
    key = _announce(obj, kind, site)
    _tls.waiting = True
    _rec(WAIT_BEGIN, struct.pack("<QB", key, kind))
    _before_blocking()
    return key


def _wait_end(key):
    _tls.waiting = False
    _rec(WAIT_END, struct.pack("<Q", key))


def _in_wait():
    return getattr(_tls, "waiting", False)


def _patch_waits(threading):
    raw_lock = _thread.allocate_lock
    raw_rlock = getattr(_thread, "RLock", None)

    class _TracedLock:
        """What threading.Lock and RLock share: record the waits of a contended acquire."""
        __slots__ = ("_l", "_site", "__weakref__")
        _make = None  # the raw C lock to wrap
        _kind = None  # O_LOCK or O_RLOCK, for the wait record

        def __init__(self, *args, **kwargs):
            self._l = type(self)._make()
            self._site = _site(2)

        def acquire(self, blocking=True, timeout=-1):
            l = self._l
            if l.acquire(False):
                return True
            if not blocking or _in_wait():
                return l.acquire(blocking, timeout)
            key = _wait_begin(self, self._kind, self._site)
            try:
                return l.acquire(blocking, timeout)
            finally:
                _wait_end(key)

        __enter__ = acquire

        def release(self):
            self._l.release()

        def __exit__(self, *args):
            self._l.release()

        def _at_fork_reinit(self):
            self._l._at_fork_reinit()

        def __repr__(self):
            return repr(self._l)

        def __getattr__(self, name):  # whatever else this Python's lock offers (_recursion_count …)
            return getattr(self._l, name)

    class Lock(_TracedLock):
        """threading.Lock, recording the waits of a contended acquire."""
        __slots__ = ()
        _make = staticmethod(raw_lock)
        _kind = O_LOCK

        def locked(self):
            return self._l.locked()

    class RLock(_TracedLock):
        """threading.RLock, recording the waits of a contended acquire."""
        __slots__ = ()
        _make = staticmethod(raw_rlock) if raw_rlock is not None else None
        _kind = O_RLOCK

        # Condition uses these on an RLock (threading.py).
        def _is_owned(self):
            return self._l._is_owned()

        def _release_save(self):
            return self._l._release_save()

        def _acquire_restore(self, state):
            return self._l._acquire_restore(state)

    threading.Lock = Lock
    if raw_rlock is not None and hasattr(raw_rlock(), "_release_save"):
        threading.RLock = RLock
    else:
        note("no C RLock: RLock waits are not recorded")

    def outer(cls, method, kind, blocks):
        """Records a wait around cls.method when blocks(self, args) says it may block."""
        orig = getattr(cls, method, None)
        if orig is None:
            note("%s.%s not found: its waits are not recorded" % (cls.__name__, method))
            return

        def wrapper(self, *args, **kwargs):
            if _in_wait() or not blocks(self, args, kwargs):
                return orig(self, *args, **kwargs)
            key = _wait_begin(self, kind, _site(2))
            try:
                return orig(self, *args, **kwargs)
            finally:
                _wait_end(key)

        wrapper.__name__ = orig.__name__
        wrapper.__doc__ = orig.__doc__
        setattr(cls, method, wrapper)

    def blocking_arg(args, kwargs):
        return (args[0] if args else kwargs.get("blocking", True)) is not False

    outer(threading.Condition, "wait", O_CONDITION, lambda s, a, k: True)
    outer(threading.Event, "wait", O_EVENT, lambda s, a, k: not s.is_set())
    outer(threading.Semaphore, "acquire", O_SEMAPHORE,
          lambda s, a, k: blocking_arg(a, k) and getattr(s, "_value", 0) == 0)
    outer(threading.Barrier, "wait", O_BARRIER, lambda s, a, k: True)
    outer(threading.Thread, "join", O_JOIN, lambda s, a, k: s.is_alive())


def _patch_queue(queue):
    def patch(method, kind, blocks):
        orig = getattr(queue.Queue, method, None)
        if orig is None:
            note("queue.Queue.%s not found: its waits are not recorded" % method)
            return

        def wrapper(self, *args, **kwargs):
            if _in_wait() or not blocks(self, args, kwargs):
                return orig(self, *args, **kwargs)
            key = _wait_begin(self, O_QUEUE, _site(2))
            try:
                return orig(self, *args, **kwargs)
            finally:
                _wait_end(key)

        wrapper.__name__ = orig.__name__
        setattr(queue.Queue, method, wrapper)

    def get_blocks(q, args, kwargs):
        block = args[0] if args else kwargs.get("block", True)
        return block and q._qsize() == 0

    def put_blocks(q, args, kwargs):
        block = args[1] if len(args) > 1 else kwargs.get("block", True)
        return block and 0 < q.maxsize <= q._qsize()

    patch("get", O_QUEUE, get_blocks)
    patch("put", O_QUEUE, put_blocks)


def _patch_sleep():
    """time.sleep records its real begin and end: a sleep shorter than the sampler's period is
    still drawn, and eight threads sleeping at once are drawn so. Patched before the program
    runs, so `from time import sleep` and Thread(target=time.sleep) get it too."""
    real = time.sleep

    def sleep(*args):
        try:
            secs = args[0]
            blocks = len(args) == 1 and secs > 0
        except Exception:
            blocks = False
        if not blocks:
            return real(*args)  # whatever the real one says (an error, or sleep(0))
        _rec(BLOCK_BEGIN, _BLOCK.pack(B_SLEEP, int(secs * 1e9)))
        _before_blocking()
        try:
            return real(secs)
        finally:
            _rec(BLOCK_END, _BLOCK.pack(B_SLEEP, 0))

    # It stands for time.sleep wherever the program names it: pickle (a spawn child's target)
    # finds it as time.sleep, which in the child is the same wrapper.
    sleep.__module__ = "time"
    sleep.__name__ = sleep.__qualname__ = "sleep"
    sleep.__doc__ = real.__doc__
    time.sleep = sleep


_BLOCK = struct.Struct("<Bq")


# --- processes -----------------------------------------------------------------------------

_METHODS = {"fork": M_FORK, "spawn": M_SPAWN, "forkserver": M_FORKSERVER}


def _patch_multiprocessing(process):
    BP = process.BaseProcess
    start = getattr(BP, "start", None)
    boot = getattr(BP, "_bootstrap", None)
    if start is None or boot is None:
        note("multiprocessing.process.BaseProcess.start/_bootstrap not found: no process start times")
        return

    def traced_start(self):
        method = getattr(self, "_start_method", None)
        if method is None:
            try:
                import multiprocessing

                method = multiprocessing.get_start_method(allow_none=True) or "fork"
            except Exception:
                method = "fork"
        m = _METHODS.get(method, M_FORK)
        _rec(SPAWN_BEGIN, struct.pack("<B", m) + _text(self.name))
        _tls.starting = m
        try:
            return start(self)
        finally:
            _tls.starting = None
            _rec(SPAWN_END, struct.pack("<i", self.pid or 0))
            flush()

    def traced_bootstrap(self, *args, **kwargs):
        global _proc_name
        _proc_name = self.name
        _rec(PROC_RUN, _text(self.name))
        flush()  # the app draws the process starting up until this record: send it now
        code = 1
        try:
            code = boot(self, *args, **kwargs)
            return code
        finally:
            _exit_record(code)

    BP.start = traced_start
    BP._bootstrap = traced_bootstrap


# --- asyncio -------------------------------------------------------------------------------

_task_numbers = __import__("itertools").count(1)


class _TracedCoro:
    """Stands in for a task's coroutine and records each step the task takes. The task and
    the event loop see the same values and exceptions as from the coroutine itself."""
    __slots__ = ("_c", "_k", "_named")

    def __init__(self, coro):
        self._c = coro
        self._k = next(_task_numbers)  # not id(): a finished task's id is soon reused
        self._named = None  # (task, lane title) until the first step

    def _step(self, call, arg):
        k = self._k
        if self._named is not None:
            # create_task(name=...) names the task only after the factory returned (3.11, 3.12):
            # by the first step the name the program chose is known, so the lane says it.
            task, title = self._named
            self._named = None
            try:
                named = "%s (%s)" % (title, task.get_name())
                _rec(TASK_NEW, struct.pack("<Q", k) + _text(named))
            except Exception:
                pass
        _rec(STEP_BEGIN, struct.pack("<Q", k))
        try:
            r = call(*arg)
        except StopIteration:
            _rec(STEP_END, struct.pack("<QB", k, S_DONE))
            raise
        except BaseException as e:
            name = type(e).__name__
            _rec(STEP_END, struct.pack("<QB", k, S_CANCELLED if name == "CancelledError" else S_FAILED))
            raise
        _rec(STEP_END, struct.pack("<QB", k, S_YIELDED if r is None else S_AWAITING))
        return r

    def send(self, value):
        return self._step(self._c.send, (value,))

    def throw(self, *args):
        return self._step(self._c.throw, args)

    def close(self):
        return self._c.close()

    def __await__(self):
        return self

    def __iter__(self):
        return self

    def __next__(self):
        return self.send(None)

    def __getattr__(self, name):
        return getattr(self._c, name)

    def __repr__(self):
        return repr(self._c)


def _patch_asyncio_base(base_events):
    import asyncio

    BEL = base_events.BaseEventLoop
    init = BEL.__init__

    def task_factory(loop, coro, **kwargs):
        try:
            traced = _TracedCoro(coro)
            name = getattr(coro, "__qualname__", None) or type(coro).__name__
        except Exception:
            return asyncio.Task(coro, loop=loop, **kwargs)
        _rec(TASK_NEW, struct.pack("<Q", traced._k) + _text(name))
        task = asyncio.Task(traced, loop=loop, **kwargs)
        try:
            _rec(TASK_NEW, struct.pack("<Q", traced._k) + _text("%s (%s)" % (name, task.get_name())))
            traced._named = (task, name)
        except Exception:
            pass
        return task

    def traced_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        try:
            if self.get_task_factory() is None:
                self.set_task_factory(task_factory)
        except Exception as e:
            note("asyncio task factory not installed: %r" % (e,))

    BEL.__init__ = traced_init


def _patch_asyncio_selector(selector_events):
    BSEL = selector_events.BaseSelectorEventLoop
    init = BSEL.__init__

    def traced_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        sel = getattr(self, "_selector", None)
        ready = getattr(self, "_ready", None)
        scheduled = getattr(self, "_scheduled", None)
        if sel is None or ready is None or scheduled is None:
            note("asyncio loop internals not found: no selector waits or ready-queue lengths")
            return
        key = id(self)
        _rec(LOOP_NEW, struct.pack("<Q", key))
        select = sel.select

        def traced_select(timeout=None):
            t = -1 if timeout is None else int(max(timeout, 0) * 1e9)
            _rec(SELECT_BEGIN, struct.pack("<QqII", key, t, len(ready), len(scheduled)))
            if t != 0:
                _before_blocking()
            events = select(timeout)
            late = 0  # how long ago the earliest timer fell due: the loop lag of its callback
            if scheduled:
                try:
                    head = scheduled[0]
                    if not head._cancelled:
                        late = _now() - int(head._when * 1e9)
                except Exception:
                    pass
            _rec(SELECT_END, struct.pack("<QIq", key, len(events), late))
            return events

        sel.select = traced_select

    BSEL.__init__ = traced_init


# --- post-import hooks: patch a module right after the program imports it ------------------

_HOOKS = {
    "queue": _patch_queue,
    "multiprocessing.process": _patch_multiprocessing,
    "asyncio.base_events": _patch_asyncio_base,
    "asyncio.selector_events": _patch_asyncio_selector,
}


class _Loader:
    def __init__(self, loader, hook):
        self._loader = loader
        self._hook = hook

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        try:
            self._hook(module)
        except Exception as e:
            note("could not patch %s: %r" % (module.__name__, e))

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _Finder:
    def find_spec(self, name, path=None, target=None):
        hook = _HOOKS.pop(name, None)
        if hook is None:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _Loader(spec.loader, hook)
        return spec


def _start_method_of_this_process():
    argv = " ".join(sys.argv)
    if "--multiprocessing-fork" in argv:
        return M_SPAWN
    if "multiprocessing.forkserver" in argv:
        return M_FORKSERVER
    if "multiprocessing.resource_tracker" in argv:
        return M_HELPER
    # The app marks the program's own interpreter; the mark is not passed on to its children.
    return M_MAIN if os.environ.pop("CLAB_TRACE_ROOT", None) == "1" else M_SPAWN


def start():
    global _method, _proc_name
    if sys.version_info < (3, 8):
        return
    _method = _start_method_of_this_process()
    if _method != M_MAIN:
        _proc_name = "Process %d" % os.getpid()
    _connect()
    _hello()
    for name in list(_HOOKS):
        if name in sys.modules:
            _HOOKS.pop(name)(sys.modules[name])
    sys.meta_path.insert(0, _Finder())
    _patch_threading()
    _patch_sleep()
    os.register_at_fork(before=_at_fork_parent_before, after_in_child=_at_fork_child)
    real_exit = os._exit

    def _exit(code):
        _exit_record(code)
        real_exit(code)

    os._exit = _exit
    import atexit

    atexit.register(lambda: _exit_record(-1000))
    flush()
