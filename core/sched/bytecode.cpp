#include "bytecode.h"

#include "embedded_data.h"
#include "puzzle.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace clab::sched {

int Function::index_of(int offset) const {
    for (size_t i = 0; i < code.size(); ++i)
        if (code[i].offset == offset) return int(i);
    return -1;
}

const Function* Program::find(const std::string& name) const {
    const int i = index_of(name);
    return i < 0 ? nullptr : &functions[size_t(i)];
}

int Program::index_of(const std::string& name) const {
    for (size_t i = 0; i < functions.size(); ++i)
        if (functions[i].name == name) return int(i);
    return -1;
}

bool parse_bytecode(const std::string& text, Bytecode& out, std::string& error) {
    Json root;
    if (!parse_json(text, root, error)) return false;
    out = Bytecode{};
    out.python = root["python"].as_string();
    const std::string version = root["version"].as_string();
    if (version.rfind("3.", 0) != 0) {
        error = "the dump names no Python 3 version";
        return false;
    }
    out.minor = std::atoi(version.c_str() + 2);
    for (const auto& [id, program] : root["programs"].object) {
        Program& p = out.programs[id];
        for (const auto& [name, f] : program["functions"].object) {
            Function fn;
            fn.name = name;
            fn.argcount = int(f["argcount"].as_int());
            for (const Json& v : f["varnames"].array)
                fn.varnames.push_back(v.as_string());
            fn.is_coroutine = f["is_coroutine"].boolean;
            for (const Json& i : f["instructions"].array) {
                Instruction ins;
                ins.offset = int(i["offset"].as_int());
                ins.opname = i["opname"].as_string();
                ins.arg = int(i["arg"].as_int(-1));
                ins.argval = i["argval"];
                ins.argrepr = i["argrepr"].as_string();
                ins.line = int(i["line"].as_int(0));
                ins.jump_target = int(i["jump_target"].as_int(-1));
                ins.is_jump_target = i["is_jump_target"].boolean;
                fn.code.push_back(std::move(ins));
            }
            p.functions.push_back(std::move(fn));
        }
    }
    return true;
}

std::vector<int> shipped_minors() {
    return {11, 12, 13};
}

bool shipped_bytecode(int minor, Bytecode& out, std::string& error) {
    const char* text = minor == 11   ? embedded::bytecode_311_json
                       : minor == 12 ? embedded::bytecode_312_json
                       : minor == 13 ? embedded::bytecode_313_json
                                     : nullptr;
    if (!text) {
        error = "no shipped bytecode for Python 3." + std::to_string(minor);
        return false;
    }
    if (!parse_bytecode(text, out, error)) return false;
    out.origin = "shipped dis output of CPython " + out.python;
    return true;
}

namespace {

std::string cache_dir() {
    std::string base;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        base = std::string(home) + "/.cache";
    else
        return {};
    mkdir(base.c_str(), 0700);
    const std::string dir = base + "/concurrency-lab";
    mkdir(dir.c_str(), 0700);
    return dir;
}

// The interpreter's file, found like execvp would; empty if none.
std::string resolve(const std::string& python) {
    if (python.find('/') != std::string::npos) return access(python.c_str(), X_OK) == 0 ? python : "";
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + python;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

uint64_t fnv1a(const std::string& text, uint64_t h = 1469598103934665603ull) {
    for (const unsigned char c : text)
        h = (h ^ c) * 1099511628211ull;
    return h;
}

// The request: every puzzle's source, by id.
std::string dump_request() {
    std::string out = "{\"sources\": {";
    bool first = true;
    for (const Puzzle& p : puzzles()) {
        out += (first ? "" : ", ") + json_quote(p.id) + ": " + json_quote(p.source);
        first = false;
    }
    return out + "}}";
}

// Runs `exe -c script` with `input` on stdin; collects stdout. Gives up after `timeout_ms`.
bool run_python(const std::string& exe, const std::string& input, std::string& output, std::string& error,
                const char* script = embedded::dump_bytecode_py, int timeout_ms = 20'000) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return error = "pipe failed", false;
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]), close(in[1]);
        return error = "pipe failed", false;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        return error = "fork failed", false;
    }
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        const int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 2);
        execl(exe.c_str(), exe.c_str(), "-I", "-c", script, (char*)nullptr);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    signal(SIGPIPE, SIG_IGN);
    size_t written = 0;
    while (written < input.size()) {
        const ssize_t n = write(in[1], input.data() + written, input.size() - written);
        if (n <= 0) break;
        written += size_t(n);
    }
    close(in[1]);
    char buf[65536];
    int waited = 0;
    bool timed_out = false;
    for (;;) {
        pollfd pfd{out[0], POLLIN, 0};
        const int r = poll(&pfd, 1, 100);
        if (r == 0) {
            if ((waited += 100) >= timeout_ms) {
                timed_out = true;
                break;
            }
            continue;
        }
        if (r < 0 && errno == EINTR) continue;
        const ssize_t n = read(out[0], buf, sizeof buf);
        if (n <= 0) break;
        output.append(buf, size_t(n));
    }
    close(out[0]);
    if (timed_out) kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out)
        return error = exe + " did not answer within " + std::to_string(timeout_ms / 1000) + " s", false;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return error =
                   exe + (WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " could not be started"
                                                                          : " failed to dump the bytecode"),
               false;
    return true;
}

// A "#!" script rather than an interpreter binary.
bool is_script(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char head[2] = {};
    in.read(head, 2);
    return head[0] == '#' && head[1] == '!';
}

} // namespace

bool python_bytecode(const std::string& python, Bytecode& out, std::string& error) {
    const std::string exe = resolve(python.empty() ? "python3" : python);
    if (exe.empty())
        return error = "'" + (python.empty() ? std::string("python3") : python) + "' not found", false;
    struct stat st {};
    char real[4096];
    std::string real_path = realpath(exe.c_str(), real) ? std::string(real) : exe;
    if (is_script(real_path)) {
        // A wrapper (pyenv shim, launcher script): key the cache on the interpreter it runs.
        std::string answer, ignored;
        if (run_python(exe, "", answer, ignored, "import sys; print(sys.executable)") && !answer.empty()) {
            while (!answer.empty() && (answer.back() == '\n' || answer.back() == '\r'))
                answer.pop_back();
            real_path = realpath(answer.c_str(), real) ? std::string(real) : answer;
        }
    }
    stat(real_path.c_str(), &st);
    const std::string request = dump_request();
    // The key changes with the interpreter (path, size, mtime) and with the puzzles' sources.
    char key[64];
    std::snprintf(key, sizeof key, "%016llx",
                  (unsigned long long)fnv1a(request + embedded::dump_bytecode_py,
                                            fnv1a(real_path + "|" + std::to_string(st.st_size) + "|" +
                                                  std::to_string((long long)st.st_mtime))));
    const std::string dir = cache_dir();
    const std::string cache = dir.empty() ? "" : dir + "/bytecode-" + key + ".json";
    std::string text;
    if (!cache.empty()) {
        std::ifstream in(cache);
        std::stringstream buf;
        buf << in.rdbuf();
        text = buf.str();
        if (!text.empty() && parse_bytecode(text, out, error) && out.minor >= 11 && out.minor <= 13) {
            out.origin =
                "dis output of " + real_path + " (Python " + out.python + ", cached in " + cache + ")";
            return true;
        }
        text.clear();
    }
    if (!run_python(exe, request, text, error)) return false;
    if (!parse_bytecode(text, out, error)) return error = exe + " printed no usable dump: " + error, false;
    if (out.minor < 11 || out.minor > 13) {
        error = real_path + " is Python " + out.python +
                "; the scheduler models the bytecode of Python 3.11, 3.12 and 3.13";
        return false;
    }
    out.origin = "dis output of " + real_path + " (Python " + out.python + ")";
    if (!cache.empty()) {
        const std::string tmp = cache + ".tmp" + std::to_string(getpid());
        {
            std::ofstream o(tmp);
            o << text;
        }
        if (std::rename(tmp.c_str(), cache.c_str()) != 0) std::remove(tmp.c_str());
    }
    return true;
}

Bytecode load_bytecode(const std::string& python, int fallback_minor) {
    Bytecode out;
    std::string error;
    if (python_bytecode(python, out, error)) return out;
    std::string ignored;
    shipped_bytecode(fallback_minor, out, ignored);
    out.origin += " (" + error + ")";
    return out;
}

} // namespace clab::sched
