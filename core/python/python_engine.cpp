#include "python_engine.h"

#include "core/sample/thread_sampler.h"
#include "core/trace/recorder.h"
#include "interpreter.h"
#include "process_tree.h"
#include "program_trace.h"
#include "tracer_channel.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <unistd.h>

extern char** environ;

namespace clab::py {

namespace {

constexpr int64_t kPollNs = 5'000'000; // how often the engine looks at the program and the cancel flag

// The program's environment: ours, with the tracer first on PYTHONPATH and the socket's name.
std::vector<std::string> program_environment(const std::string& tracer, const std::string& socket_name) {
    std::vector<std::string> env;
    std::string python_path = tracer;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        if (entry.rfind("PYTHONPATH=", 0) == 0) {
            if (entry.size() > 11) python_path += ":" + entry.substr(11);
            continue;
        }
        if (entry.rfind("CLAB_TRACE_", 0) == 0 || entry.rfind("PYTHONUNBUFFERED=", 0) == 0) continue;
        env.push_back(entry);
    }
    env.push_back("PYTHONPATH=" + python_path);
    env.push_back("CLAB_TRACE_SOCKET=" + socket_name);
    env.push_back("CLAB_TRACE_ROOT=1");
    // Output line by line, as in a terminal, so what a stopped program printed is not lost.
    env.push_back("PYTHONUNBUFFERED=1");
    return env;
}

// A lesson snippet runs from a private temporary folder, removed after the run.
class SnippetFile {
public:
    bool write(const std::string& source, std::string* error) {
        // Named after our process, so what a run leaves behind can be told from other runs' folders.
        std::string dir = "/tmp/clab-snippet-" + std::to_string(getpid()) + "-XXXXXX";
        if (!mkdtemp(dir.data())) {
            if (error) *error = std::string("could not create a temporary folder: ") + strerror(errno);
            return false;
        }
        dir_ = dir;
        path_ = dir_ + "/snippet.py";
        std::ofstream out(path_);
        out << source;
        if (!out) {
            if (error) *error = "could not write the snippet to " + path_;
            return false;
        }
        return true;
    }
    ~SnippetFile() {
        if (!path_.empty()) unlink(path_.c_str());
        if (!dir_.empty()) rmdir(dir_.c_str());
    }
    const std::string& path() const { return path_; }

private:
    std::string dir_, path_;
};

// The program's output as it comes, for the window's output pane (the Runner's ProgramOutput).
TracerChannel::OnOutput live_output(ProgramOutput& output) {
    return [&output](int stream, std::string_view bytes) {
        output.write(stream == 1 ? ProgramOutput::Stream::Out : ProgramOutput::Stream::Err, bytes);
    };
}

std::string with_drop_note(const CapturedOutput& out) {
    if (out.dropped == 0) return out.text;
    return out.text + "\n[concurrency-lab: " + std::to_string(out.dropped) + " more bytes were dropped]\n";
}

} // namespace

std::string describe_failure(const std::string& text) {
    // The last non-empty line says what went wrong ("SyntaxError: invalid syntax"); the last
    // `File "...", line N` before it says where.
    size_t end = text.find_last_not_of("\n ");
    if (end == std::string::npos) return {};
    const size_t start = text.rfind('\n', end);
    const std::string last = text.substr(start == std::string::npos ? 0 : start + 1,
                                         end - (start == std::string::npos ? 0 : start + 1) + 1);
    static const std::regex kind(R"(^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b.*)");
    if (!std::regex_match(last, kind)) return {};
    static const std::regex where(R"re(File "([^"]+)", line (\d+))re");
    std::string file, line;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), where); it != std::sregex_iterator();
         ++it) {
        file = (*it)[1];
        line = (*it)[2];
    }
    if (file.empty()) return last;
    return file + ":" + line + ": " + last;
}

void PythonEngine::prepare(const ExperimentSpec& spec, const StopSignal& stop) {
    (void)find_interpreter(spec.python, nullptr, &stop); // cached: run() finds it again at once
}

void PythonEngine::run(const ExperimentSpec& spec, RunContext& ctx, Summary& summary) {
    std::string error;
    bool stopped = false;
    const auto interpreter = find_interpreter(spec.python, &error, &ctx.stop, &stopped);
    if (!interpreter) {
        if (!stopped) summary.error = error; // a stop before it was found: cancelled, no error
        return;
    }
    summary.python_version = interpreter->version;
    const std::string tracer = tracer_dir();
    if (tracer.empty()) {
        summary.error = "the python tracer was not found (set CLAB_PYTHON_TRACER_DIR, or reinstall)";
        return;
    }
    SnippetFile snippet;
    std::string script = spec.script;
    if (!spec.source.empty()) {
        if (!snippet.write(spec.source, &error)) {
            summary.error = error;
            return;
        }
        script = snippet.path();
    } else if (access(script.c_str(), R_OK) != 0) {
        summary.error = "cannot read " + script + ": " + strerror(errno);
        return;
    }

    TracerChannel channel;
    if (!channel.open(&error)) {
        summary.error = error;
        return;
    }
    sample::ThreadSampler sampler(1000);
    ProgramTrace trace(ctx.recorder, ctx.main_lane, &sampler, kMaxRecords);
    ProgramProcess program;
    if (!program.start({interpreter->executable, script}, program_environment(tracer, channel.name()),
                       &error)) {
        summary.error = error;
        return;
    }
    sampler.watch(program.pid());
    sampler.start();
    if (ctx.output) channel.set_output_sink(live_output(*ctx.output));
    channel.start(program.out_fd(), program.err_fd(), kOutputCap,
                  [&trace](int stream, const Record& r) { trace.on_record(stream, r); });

    int status = 0;
    bool exited = false;
    std::vector<sample::ThreadChange> changes;
    while (true) {
        if (program.poll_exit(status)) {
            exited = true;
            break;
        }
        if (ctx.cancel.load()) break;
        if (int(trace.processes()) > spec.max_processes) {
            summary.error = "the program started more than " + std::to_string(spec.max_processes) +
                            " processes; it was stopped (the limit keeps the machine usable)";
            trace.note(summary.error);
            break;
        }
        changes.clear();
        sampler.take(changes);
        if (!changes.empty()) trace.on_samples(std::move(changes));
        trace.apply_samples(now_ns() - kSampleDelayNs);
        ctx.stop.sleep_until(now_ns() + kPollNs); // a stop ends the wait at once
    }
    const int64_t end_ns = now_ns();
    // Whatever is left of the tree (the whole tree when stopped; orphans after a normal exit).
    const ProgramStats before = trace.stats();
    const int killed_status = program.kill_tree(before.pids);
    if (!exited) status = killed_status;
    sampler.stop();
    channel.finish(now_ns() + 1'000'000'000);
    program.close_output();
    changes.clear();
    sampler.take(changes);
    trace.on_samples(std::move(changes));
    trace.apply_samples(INT64_MAX);
    trace.program_exit(end_ns, status);

    const ProgramStats stats = trace.stats();
    if (!stats.python_version.empty()) summary.python_version = stats.python_version;
    summary.exit_code = status;
    summary.program_stdout = with_drop_note(channel.out());
    summary.program_stderr = with_drop_note(channel.err());
    summary.gil_switches = stats.gil_switches;
    summary.task_switches = stats.task_switches;
    summary.loop_iterations = stats.loop_iterations;
    summary.max_loop_lag_s = stats.max_loop_lag_s;
    summary.slow_callbacks = stats.slow_callbacks;
    summary.process_start_s = stats.process_start_s;
    summary.sample_hz = sampler.hz();
    // The program starts where the tracer's first record says (sitecustomize runs before the
    // program's first line): what came before is start-up, not the program (runner.cpp).
    if (stats.first_record_ns > ctx.start_ns && stats.first_record_ns <= end_ns)
        summary.interpreter_start_s = double(stats.first_record_ns - ctx.start_ns) * 1e-9;
    summary.notes = stats.notes;
    summary.waited_objects = stats.objects;
    if (stats.records == 0 && exited)
        summary.notes.push_back("the tracer sent nothing: the program ran untraced (is "
                                "sitecustomize disabled, e.g. by -S or -I?)");
    if (!summary.error.empty() || ctx.cancel.load()) return;
    if (exited && status != 0) {
        const std::string where = describe_failure(summary.program_stderr);
        summary.error = !where.empty() ? where
                        : status < 0   ? "the program was killed by signal " + std::to_string(-status)
                                       : "the program exited with status " + std::to_string(status);
    }
}

} // namespace clab::py
