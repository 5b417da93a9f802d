#include "calibration.h"

#include "core/trace/event.h"
#include "cpu_work.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <limits.h>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace clab {

namespace {

// Prints four figures, each the best of three runs (five for connections), all in CPU time (process_time: on
// a busy machine, wall time would count the moments python3 waited for a core, and our engine, which spends
// the figure as CPU, would then run slower than python3 does): ns per iteration of the loop above, the best
// of 40 runs of 50,000 iterations inside a function, like a lesson's worker (about 1 ms each: the quiet
// moments' speed, as our step is measured, measure_ns_per_step; the best of three runs of 2 M took in
// whatever the other core's load did to this one, and a figure cached at a busy moment made every later
// run count up to 1.6x slower than python3: the 16-process case of tests/bench/side_by_side.py), and
// asyncio's cost of
//   - one task step: Handle._run + Task.__step resuming a coroutine at `await asyncio.sleep(0)`;
//   - one I/O-ready callback of a stream: 200 socket pairs exchange 64-byte messages through
//     StreamReader/StreamWriter (write + drain, readexactly); per message, minus one task step and
//     minus a bare send of 64 bytes and recv(max_size): the kernel's part and the allocator's (a
//     fresh 256 KiB bytes object, mapped and unmapped while glibc's mmap threshold is below it),
//     which our loop really pays too (core/aio/python_heap.h). What is left is _read_ready's
//     Python (data_received, feed_data, waking the waiter) and the transport's write;
//   - one connection: 200 concurrent open_connection("127.0.0.1", port) + close() to a listening
//     socket, per connection, minus its 10 callbacks (task steps' worth: our loop charges each one
//     already) and minus the same system calls made bare (socket, connect, setsockopt, close).
//     What is left is create_connection's Python, the transport's, protocol's and streams'
//     construction and the close.
// and a fifth, in bytes: the memory one open connection holds beyond its task's (the Python
// objects behind it: the transport, protocol, StreamReader/StreamWriter, the selector key, the
// socket object and their buffers). 500 tasks each open a connection to a listening socket and
// wait; the resident set's growth while they are all open, per task, minus the same with 500 tasks
// that only wait (a task and its coroutine: our tasks hold theirs already). Each figure comes from
// a fresh fork of the probe (a second run in one process reuses the memory the first one freed and
// reads ~0); it is the same from run to run (python3 3.11 here: 1368 B per waiting task, 7512-7602
// with a connection). And a sixth: the part of the connection's Python that runs in the task's
// first step, before the connect (StreamReader, the protocol, create_connection up to
// sock_connect; create_task's share too): the 200 tasks' first steps, timed by a callback queued
// after them, per connection, minus one task step and minus socket + setblocking + connect made
// bare. python3 3.11 here: about 70 % of the connection's cost; the rest (the transport, protocol
// and streams once connected, and the close) comes after.
// And two for CPython's cyclic GC (core/aio/python_gc.h), per object a collection scans, from a program
// that opens 2000 connections at once (an asyncio program's heap at scale, ~69,000 tracked objects), each
// in a fresh fork. The young collections (generations 0 and 1) the collector runs by itself meanwhile:
// their CPU per collection (gc.callbacks, the lower of two runs) over the objects one scans, counted in
// a third run of the same program (gc.get_objects(g) at each start: the collections are the same ones,
// python3 here 147 and 13 of them in every run); and a full one once all are open (gc.collect(2), the
// lower of the two runs), its objects counted after it. Timed collections are never counted: walking
// the objects just before a collection brings them into the cache and made it look ~2x cheaper than
// one in the running program (python3 here: 60 ns per object where a young collection of 1000 or
// 10,000 requests takes 120-190; a full one 130-270 ns where it takes ~470). python3 3.11 here:
// ~125-160 ns and ~330-450 ns. No single quotes inside: the script goes to `python3 -c '...'`.
constexpr const char* kPythonProbe = R"PY(import asyncio, gc, os, resource, socket, time
def f(n):
    count = 0
    for _ in range(n):
        count += 1
def loop_ns(n=50000):
    t = time.process_time()
    f(n)
    return (time.process_time() - t) / n * 1e9
def syscall_ns(n=2000):
    a, b = socket.socketpair()
    msg = b"." * 64
    t = time.process_time()
    for _ in range(n):
        a.send(msg)
        b.recv(262144)
    d = time.process_time() - t
    a.close()
    b.close()
    return d / n * 1e9
async def step_ns(tasks=10, k=1000):
    async def stepper():
        for _ in range(k):
            await asyncio.sleep(0)
    t = time.process_time()
    await asyncio.gather(*(stepper() for _ in range(tasks)))
    return (time.process_time() - t) / (tasks * k) * 1e9
async def message_ns(pairs=200, rounds=10):
    msg = b"." * 64
    streams = []
    for _ in range(pairs):
        a, b = socket.socketpair()
        streams.append((await asyncio.open_connection(sock=a), await asyncio.open_connection(sock=b)))
    async def ping(r, w):
        for _ in range(rounds):
            w.write(msg)
            await w.drain()
            await r.readexactly(64)
    async def pong(r, w):
        for _ in range(rounds):
            w.write(await r.readexactly(64))
            await w.drain()
    t = time.process_time()
    await asyncio.gather(*(c for (ra, wa), (rb, wb) in streams for c in (ping(ra, wa), pong(rb, wb))))
    d = time.process_time() - t
    for (ra, wa), (rb, wb) in streams:
        wa.close()
        wb.close()
    return d / (2 * pairs * rounds) * 1e9
def listener():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4096)
    return srv
def bare_connection_ns(n=200):
    srv = listener()
    socks = []
    t = time.process_time()
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(srv.getsockname())
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        socks.append(s)
    for s in socks:
        s.close()
    d = time.process_time() - t
    srv.close()
    return d / n * 1e9
def bare_setup_ns(n=200):
    srv = listener()
    socks = []
    t = time.process_time()
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(srv.getsockname())
        socks.append(s)
    d = time.process_time() - t
    for s in socks:
        s.close()
    srv.close()
    return d / n * 1e9
async def connection_ns(n=200):
    srv = listener()
    async def one():
        r, w = await asyncio.open_connection(*srv.getsockname())
        w.close()
    loop = asyncio.get_running_loop()
    first_steps = []
    t = time.process_time()
    tasks = [asyncio.create_task(one()) for _ in range(n)]
    loop.call_soon(lambda: first_steps.append(time.process_time()))
    await asyncio.gather(*tasks)
    d = time.process_time() - t
    srv.close()
    return d / n * 1e9, (first_steps[0] - t) / n * 1e9
def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
async def held_bytes(n, connect):
    srv = listener()
    release, ready = asyncio.Event(), asyncio.Event()
    opened = [0]
    async def one():
        if connect:
            r, w = await asyncio.open_connection(*srv.getsockname())
        opened[0] += 1
        if opened[0] == n:
            ready.set()
        await release.wait()
        if connect:
            w.close()
    before = rss_bytes()
    tasks = [asyncio.create_task(one()) for _ in range(n)]
    await ready.wait()
    during = rss_bytes()
    release.set()
    await asyncio.gather(*tasks)
    srv.close()
    return (during - before) / n
def held_in_child(connect, n=500):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, str(asyncio.run(held_bytes(n, connect))).encode())
        os._exit(0)
    os.close(w)
    text = os.read(r, 64)
    os.close(r)
    os.waitpid(pid, 0)
    return float(text)
async def gc_run(n, count):
    srv = listener()
    release, ready = asyncio.Event(), asyncio.Event()
    opened = [0]
    async def one():
        r, w = await asyncio.open_connection(*srv.getsockname())
        opened[0] += 1
        if opened[0] == n:
            ready.set()
        await release.wait()
        w.close()
    young, started = [0, 0.0, 0], [0, 0.0]
    def watch(phase, info):
        if info["generation"] == 2:
            return
        if phase == "start":
            if count:
                started[0] = sum(len(gc.get_objects(g)) for g in range(info["generation"] + 1))
            started[1] = time.process_time()
        else:
            young[0] += started[0]
            young[1] += time.process_time() - started[1]
            young[2] += 1
    gc.callbacks.append(watch)
    tasks = [asyncio.create_task(one()) for _ in range(n)]
    await ready.wait()
    gc.callbacks.remove(watch)
    t = time.process_time()
    garbage = gc.collect(2)
    full = (time.process_time() - t) / (len(gc.get_objects(2)) + garbage)
    release.set()
    await asyncio.gather(*tasks)
    srv.close()
    return "%d %.9f %d %.12f" % (young[0], young[1], young[2], full)
def gc_in_child(count, n=2000):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 100 if hard == resource.RLIM_INFINITY else min(hard, n + 100)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, asyncio.run(gc_run(max(100, want - 100), count)).encode())
        os._exit(0)
    os.close(w)
    text = os.read(r, 128)
    os.close(r)
    os.waitpid(pid, 0)
    return [float(x) for x in text.split()]
def gc_figures():
    counted = gc_in_child(True)
    timed = [gc_in_child(False) for _ in range(2)]
    full = min(t[3] for t in timed)
    per_collection = min((t[1] / t[2] for t in timed if t[2] > 0), default=0.0)
    if counted[0] <= 0 or counted[2] <= 0 or per_collection <= 0:
        return full, full
    return per_collection / (counted[0] / counted[2]), full
async def aio():
    step = min([await step_ns() for _ in range(3)])
    message = min([await message_ns() for _ in range(3)]) - step
    connections = [await connection_ns() for _ in range(5)]
    return (step, message, min(c[0] for c in connections) - 10 * step,
            min(c[1] for c in connections) - step)
held = max(0.0, held_in_child(True) - held_in_child(False))
gc_young, gc_full = (x * 1e9 for x in gc_figures())
loop = min(loop_ns() for _ in range(40))
step, message, connection, setup = asyncio.run(aio())
print(loop, step, max(0.0, message - min(syscall_ns() for _ in range(3))),
      max(0.0, connection - min(bare_connection_ns() for _ in range(5))),
      held, max(0.0, setup - min(bare_setup_ns() for _ in range(5))), gc_young, gc_full)
)PY";

// The cache's first word names its format, and the file's name carries it too (see
// calibration_cache_path): a file of another format (version 1, "calibration", held only
// "python_ns_per_iteration X") is never read, so python3 measures once for this format. The second
// word is the interpreter the figures are of (python_identity): figures of another python3 are
// never taken for this one's.
constexpr std::string_view kCacheFormat = "clab-calibration-9";
constexpr off_t kLargestCacheFile = 4096;

// A folder only this user may use: created 0700, or an existing one that is ours, not a symlink,
// and then closed to everybody else. False when it cannot be made so.
bool private_folder(const std::string& dir) {
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return false;
    struct stat st {};
    if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) return false;
    if ((st.st_mode & 077) != 0 && chmod(dir.c_str(), 0700) != 0) return false;
    return true;
}

// The folder the cache file lives in, and the folder above it (created 0700 when missing, as the
// XDG base directory specification asks).
struct CacheLocation {
    std::string parent, dir;
};

std::optional<CacheLocation> cache_location() {
    auto from = [](const char* variable, const char* suffix) -> std::optional<std::string> {
        const char* value = std::getenv(variable);
        if (!value || value[0] != '/') return std::nullopt; // relative paths are invalid (XDG)
        return std::string(value) + suffix;
    };
    std::optional<std::string> parent = from("XDG_CACHE_HOME", "");
    if (!parent) parent = from("HOME", "/.cache");
    if (!parent) parent = from("XDG_RUNTIME_DIR", ""); // private (0700) by definition
    if (!parent) return std::nullopt;
    return CacheLocation{*parent, *parent + "/concurrency-lab"};
}

// The cached figures, or nullopt. Only a small regular file of ours, opened without following a link.
std::optional<PythonFigures> read_cache(const std::string& path, const std::string& identity) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    char text[512] = {};
    ssize_t n = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
        st.st_size < kLargestCacheFile)
        n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0) return std::nullopt;
    text[n] = '\0';
    char format[64] = {}, interpreter[64] = {};
    PythonFigures f;
    PythonProcessFigures& p = f.processes;
    if (std::sscanf(text, "%63s %63s %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf", format,
                    interpreter, &f.ns_per_iteration, &f.asyncio_step_ns, &f.asyncio_io_ns,
                    &f.asyncio_connection_ns, &f.asyncio_connection_bytes, &f.asyncio_connection_setup_ns,
                    &f.gc_young_ns, &f.gc_full_ns, &p.start_ns[0], &p.exit_ns[0], &p.start_ns[1],
                    &p.exit_ns[1], &p.start_ns[2], &p.exit_ns[2]) != 16 ||
        format != kCacheFormat || interpreter != identity)
        return std::nullopt;
    return f;
}

// Writes a fresh file and renames it into place: never through a planted link, never half-written.
void write_cache(const CacheLocation& where, const std::string& path, const std::string& identity,
                 const PythonFigures& f) {
    if (mkdir(where.parent.c_str(), 0700) != 0 && errno != EEXIST) return;
    if (!private_folder(where.dir)) return;
    std::string temp = where.dir + "/.calibration-XXXXXX";
    const int fd = mkstemp(temp.data());
    if (fd < 0) return;
    char text[512];
    const PythonProcessFigures& p = f.processes;
    const int len = std::snprintf(
        text, sizeof text, "%s %s %.6g %.6g %.6g %.6g %.6g %.6g %.6g %.6g %.6g %.6g %.6g %.6g %.6g %.6g\n",
        kCacheFormat.data(), identity.c_str(), f.ns_per_iteration, f.asyncio_step_ns, f.asyncio_io_ns,
        f.asyncio_connection_ns, f.asyncio_connection_bytes, f.asyncio_connection_setup_ns, f.gc_young_ns,
        f.gc_full_ns, p.start_ns[0], p.exit_ns[0], p.start_ns[1], p.exit_ns[1], p.start_ns[2], p.exit_ns[2]);
    const bool written = len > 0 && ::write(fd, text, size_t(len)) == len;
    if (::close(fd) != 0 || !written || std::rename(temp.c_str(), path.c_str()) != 0) ::unlink(temp.c_str());
}

double measure_ns_per_step() {
    constexpr uint32_t kSteps = 200'000;
    double best = 1e9;
    uint64_t x = 1;
    for (int round = 0; round < 7; ++round) {
        const int64_t t0 = now_ns();
        x = spin_steps(x, kSteps);
        const int64_t t1 = now_ns();
        best = std::min(best, double(t1 - t0) / kSteps);
    }
    return std::max(best, 0.05);
}

// A worker process's figures: plausible between 0 and kMostProcessNs each (spawn's start is never
// free: it starts an interpreter).
bool plausible_processes(const PythonProcessFigures& p) {
    for (int m = 0; m < kStartMethods; ++m)
        if (!(p.start_ns[m] >= 0 && p.start_ns[m] <= kMostProcessNs && p.exit_ns[m] >= 0 &&
              p.exit_ns[m] <= kMostProcessNs))
            return false;
    return p.start_ns[1] > 0;
}

// asyncio figures in iterations: plausible between a few and a few thousand loop iterations
// (a task step is ~40 on the development machine, a stream read ~3000).
bool plausible_asyncio(const PythonFigures& f) {
    auto in_band = [&](double ns) { return ns >= 0 && ns / f.ns_per_iteration <= 20'000; };
    return f.asyncio_step_ns / f.ns_per_iteration >= 2 && in_band(f.asyncio_step_ns) &&
           in_band(f.asyncio_io_ns) && in_band(f.asyncio_connection_ns) && f.asyncio_connection_bytes >= 0 &&
           f.asyncio_connection_bytes <= kMostAsyncioConnectionBytes &&
           in_band(f.asyncio_connection_setup_ns) && f.gc_young_ns > 0 && in_band(f.gc_young_ns) &&
           f.gc_full_ns > 0 && in_band(f.gc_full_ns) && plausible_processes(f.processes);
}

// python3's figures (ns) as our units: iterations of the loop it timed.
void take_figures(Calibration& c, const PythonFigures& f) {
    c.python_ns_per_iteration = f.ns_per_iteration;
    c.asyncio_step_iterations = f.asyncio_step_ns / f.ns_per_iteration;
    c.asyncio_io_iterations = f.asyncio_io_ns / f.ns_per_iteration;
    c.asyncio_connection_iterations = f.asyncio_connection_ns / f.ns_per_iteration;
    c.asyncio_connection_bytes = f.asyncio_connection_bytes;
    c.asyncio_connection_setup_iterations = f.asyncio_connection_setup_ns / f.ns_per_iteration;
    c.gc_young_iterations_per_object = f.gc_young_ns / f.ns_per_iteration;
    c.gc_full_iterations_per_object = f.gc_full_ns / f.ns_per_iteration;
    for (int m = 0; m < kStartMethods; ++m) {
        c.process_start_ns[m] = f.processes.start_ns[m];
        c.process_exit_ns[m] = f.processes.exit_ns[m];
    }
}

Calibration compute() {
    Calibration c;
    c.ns_per_step = measure_ns_per_step();
    const std::string path = calibration_cache_path();
    const std::string identity = python_identity();
    std::optional<PythonFigures> cached;
    PythonFigures measured;
    if (const char* env = std::getenv("CLAB_PYTHON_NS_PER_ITERATION"); env && std::atof(env) > 1) {
        c.python_ns_per_iteration = std::atof(env);
        c.source = "environment";
    } else if (!path.empty() && (cached = read_cache(path, identity)) &&
               plausible_python_ns_per_iteration(cached->ns_per_iteration, c.ns_per_step) &&
               plausible_asyncio(*cached)) {
        take_figures(c, *cached);
        c.source = "cache " + path;
    } else if (measure_python(&measured) && plausible_asyncio(measured)) {
        // No cache, or one this machine cannot have produced (or of an older format, or of
        // another python3): measure again and replace it.
        take_figures(c, measured);
        c.source = "python3 (measured)";
        if (const auto where = cache_location(); where && !path.empty())
            write_cache(*where, path, identity, measured);
    } else {
        c.source = "default";
    }
    c.steps_per_iteration = uint32_t(std::max(1.0, c.python_ns_per_iteration / c.ns_per_step + 0.5));
    // python3's exit beyond ours: our bare exit is measured here, every time (it depends on this
    // process's size, as our step does on its core), like ns_per_step.
    c.process_bare_exit_ns = measure_bare_exit_ns();
    for (int m = 0; m < kStartMethods; ++m)
        c.process_exit_extra_ns[m] = std::max(0.0, c.process_exit_ns[m] - c.process_bare_exit_ns);
    return c;
}

} // namespace

bool plausible_python_ns_per_iteration(double python_ns_per_iteration, double ns_per_step) {
    if (!(python_ns_per_iteration > 0) || !(ns_per_step > 0)) return false;
    const double steps = python_ns_per_iteration / ns_per_step;
    return steps >= kFewestStepsPerIteration && steps <= kMostStepsPerIteration;
}

std::string calibration_cache_path() {
    const auto where = cache_location();
    // A file per format: builds of an older format keep theirs and never take turns re-measuring.
    return where ? where->dir + "/calibration-9" : std::string();
}

std::string python_identity() {
    // The first executable python3 on PATH, as the shell that popen starts finds it (an empty
    // entry is the current folder, as for execvp).
    const char* path_variable = std::getenv("PATH");
    const std::string_view dirs = path_variable ? path_variable : "/usr/local/bin:/usr/bin:/bin";
    std::string found;
    for (size_t start = 0; start <= dirs.size();) {
        const size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string dir(dirs.substr(start, end - start));
        const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/python3";
        struct stat st {};
        if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            access(candidate.c_str(), X_OK) == 0) {
            found = candidate;
            break;
        }
        start = end + 1;
    }
    if (found.empty()) return "none";
    // The file it resolves to (python3 -> python3.11), and that file's size and time: another
    // interpreter, or the same one upgraded, is another identity. A launcher that picks the
    // interpreter itself (pyenv's shim) is identified as the launcher.
    char resolved[PATH_MAX];
    const std::string file = realpath(found.c_str(), resolved) ? std::string(resolved) : found;
    struct stat st {};
    stat(file.c_str(), &st);
    const std::string key = file + '\n' + std::to_string(st.st_size) + '\n' +
                            std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec);
    uint64_t hash = 14695981039346656037ull; // FNV-1a: a short token without spaces for the cache
    for (const unsigned char c : key)
        hash = (hash ^ c) * 1099511628211ull;
    char token[24];
    std::snprintf(token, sizeof token, "py-%016llx", static_cast<unsigned long long>(hash));
    return token;
}

bool measure_python(PythonFigures* figures, std::string* error) {
    FILE* pipe = popen((std::string("python3 -c '") + kPythonProbe + "' 2>/dev/null").c_str(), "r");
    if (!pipe) {
        if (error) *error = "cannot start python3";
        return false;
    }
    PythonFigures f;
    const int fields =
        fscanf(pipe, "%lf %lf %lf %lf %lf %lf %lf %lf", &f.ns_per_iteration, &f.asyncio_step_ns,
               &f.asyncio_io_ns, &f.asyncio_connection_ns, &f.asyncio_connection_bytes,
               &f.asyncio_connection_setup_ns, &f.gc_young_ns, &f.gc_full_ns);
    const int status = pclose(pipe);
    if (fields != 8 || status != 0 || !(f.ns_per_iteration > 1) || !(f.ns_per_iteration < 10'000)) {
        if (error) *error = "python3 is not available or printed no figure";
        return false;
    }
    if (!measure_python_processes(&f.processes, error)) return false;
    *figures = f;
    return true;
}

const Calibration& calibration() {
    static const Calibration instance = compute();
    return instance;
}

} // namespace clab
