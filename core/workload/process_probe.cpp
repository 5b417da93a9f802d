#include "process_probe.h"

#include "cpu_work.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace clab {

namespace {

// One process at a time per method, after one to warm up (the forkserver's own start, spawn's
// resource tracker). Start: the child's own CPU clock at its target's first line (it starts at 0
// in a new process; spawn's counts from the fork in _posixsubprocess, as ours from posix_spawn's).
// Exit: the child's whole CPU as the parent's RUSAGE_CHILDREN grew with it (join() reaps it) minus
// that. The lower quartile of each: the quiet moments, as calibration.cpp takes the best of a few
// runs elsewhere (a figure cached at a busy moment would make every later run dearer than
// python3's). A forkserver child is the server's child, not ours: its exit is not counted in our
// RUSAGE_CHILDREN, so fork's exit stands in for it (both are a forked interpreter finalising).
constexpr int kProcessesPerMethod = 7;
constexpr const char* kProbe = R"PY(import multiprocessing as mp, resource, sys, time
def cpu_ns():
    return time.clock_gettime_ns(time.CLOCK_PROCESS_CPUTIME_ID)
def target(conn):
    conn.send(cpu_ns())
def children_ns():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round((r.ru_utime + r.ru_stime) * 1e9)
def one(ctx):
    here, there = ctx.Pipe(duplex=False)
    p = ctx.Process(target=target, args=(there,))
    before = children_ns()
    p.start()
    there.close()
    first = here.recv()
    p.join()
    return first, children_ns() - before - first
def quiet(values):
    return sorted(values)[len(values) // 4]
if __name__ == "__main__":
    n, wanted = int(sys.argv[1]), sys.argv[2].split(",")
    out = []
    for method in ("fork", "spawn", "forkserver"):
        if method not in wanted:
            out += [0, 0]
            continue
        ctx = mp.get_context(method)
        one(ctx)
        runs = [one(ctx) for _ in range(n)]
        out += [quiet([r[0] for r in runs]), quiet([r[1] for r in runs])]
    out[5] = out[1]
    print(*out)
)PY";

} // namespace

bool measure_python_processes(PythonProcessFigures* figures, std::string* error, int only) {
    // A file, not `python3 -c`: spawn's child imports the main module from its path (as it imports
    // a lesson's script), and the target must be found there.
    const char* tmp = std::getenv("TMPDIR");
    std::string path = std::string(tmp && tmp[0] == '/' ? tmp : "/tmp") + "/clab-process-probe-XXXXXX.py";
    if (path.find('\'') != std::string::npos) path = "/tmp/clab-process-probe-XXXXXX.py";
    const int fd = mkstemps(path.data(), 3); // 0600, O_EXCL: never a file someone else planted
    if (fd < 0) {
        if (error) *error = "cannot write the process probe";
        return false;
    }
    const std::string text = kProbe;
    const bool written = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
    ::close(fd);
    PythonProcessFigures f;
    int fields = 0, status = -1;
    if (written) {
        // fork always: forkserver's exit is fork's.
        const std::string methods = only < 0    ? "fork,spawn,forkserver"
                                    : only == 1 ? "fork,spawn"
                                    : only == 2 ? "fork,forkserver"
                                                : "fork";
        const std::string command = "python3 '" + path + "' " + std::to_string(kProcessesPerMethod) + " " +
                                    methods + " 2>/dev/null </dev/null";
        if (FILE* pipe = popen(command.c_str(), "r")) {
            fields = fscanf(pipe, "%lf %lf %lf %lf %lf %lf", &f.start_ns[0], &f.exit_ns[0], &f.start_ns[1],
                            &f.exit_ns[1], &f.start_ns[2], &f.exit_ns[2]);
            status = pclose(pipe);
        }
    }
    ::unlink(path.c_str());
    if (fields != 6 || status != 0) {
        if (error) *error = "python3 is not available or the process probe printed no figures";
        return false;
    }
    *figures = f;
    return true;
}

double measure_bare_exit_ns() {
    double best = -1;
    for (int round = 0; round < 3; ++round) {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) break;
        const pid_t pid = ::fork();
        if (pid == 0) {
            // Async-signal-safe only: the parent may have other threads.
            const int64_t cpu = process_cpu_ns();
            (void)!::write(p[1], &cpu, sizeof cpu);
            // The bare exit is the kernel's: exit_group itself, not _exit, which a sanitizer
            // intercepts to run its own end-of-process work (TSan's finds the parent's other
            // threads unjoined in this child and reports them as leaked).
            ::syscall(SYS_exit_group, 0);
        }
        ::close(p[1]);
        int64_t before_exit = -1;
        if (pid > 0 && ::read(p[0], &before_exit, sizeof before_exit) != ssize_t(sizeof before_exit))
            before_exit = -1;
        ::close(p[0]);
        if (pid < 0) break;
        rusage usage{};
        int status = 0;
        while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
        }
        if (before_exit < 0) continue;
        const double total = (double(usage.ru_utime.tv_sec) + double(usage.ru_stime.tv_sec)) * 1e9 +
                             (double(usage.ru_utime.tv_usec) + double(usage.ru_stime.tv_usec)) * 1e3;
        const double exit_ns = std::max(0.0, total - double(before_exit));
        best = best < 0 ? exit_ns : std::min(best, exit_ns);
    }
    return std::max(0.0, best);
}

} // namespace clab
