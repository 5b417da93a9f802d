// The program's process tree: started in a session of its own, listed through /proc, and ended
// as a whole (the session's group, every descendant even one that left the session, and any process
// the tracer reported), then reaped. While a tree runs, this process is a child subreaper, so
// orphans of the tree become our children (reaped by us, their CPU counted in our RUSAGE_CHILDREN)
// instead of escaping to init.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace clab::py {

struct ProcInfo {
    pid_t pid = 0;
    pid_t ppid = 0;
    pid_t sid = 0;
    char state = '?';
};

// Every process in /proc right now (pid, parent, session, state).
std::vector<ProcInfo> list_processes();
// `root` and every process descending from it (by PPid), or in its session `sid` (0: ignore).
std::vector<pid_t> tree_of(const std::vector<ProcInfo>& all, pid_t root, pid_t sid);

class ProgramProcess {
public:
    ProgramProcess() = default;
    ~ProgramProcess(); // ends the tree if it still runs
    ProgramProcess(const ProgramProcess&) = delete;
    ProgramProcess& operator=(const ProgramProcess&) = delete;

    // fork + setsid + exec `argv` (argv[0] is the executable's path) with `env`, stdin from
    // /dev/null, stdout and stderr into pipes (read them from out_fd()/err_fd()), no other
    // descriptor inherited.
    bool start(const std::vector<std::string>& argv, const std::vector<std::string>& env, std::string* error);
    pid_t pid() const { return pid_; }
    int out_fd() const { return out_fd_; }
    int err_fd() const { return err_fd_; }
    void close_output(); // after the last read

    // Reaps the root if it has ended: true and its status (exit code, or -signal).
    bool poll_exit(int& status);
    // SIGKILL to the whole tree (and to `also`: processes the tracer reported), repeated until
    // none is left; reaps the root and every orphan that came to us. Returns the root's status.
    int kill_tree(const std::vector<pid_t>& also = {});
    bool running() const { return pid_ > 0 && !reaped_; }

private:
    pid_t pid_ = -1;
    int out_fd_ = -1, err_fd_ = -1;
    bool reaped_ = false;
    int status_ = 0;
    bool subreaper_ = false;
};

} // namespace clab::py
