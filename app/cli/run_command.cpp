#include "run_command.h"

#include "core/experiment/engine.h"
#include "core/experiment/runner.h"
#include "core/trace/chrome_trace.h"
#include "lessons/printable.h"
#include "lessons/step_spec.h"
#include "stop_signals.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QRegularExpression>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

namespace clab::cli {

namespace {

void print(FILE* to, const QString& text) {
    fputs(text.toLocal8Bit().constData(), to);
}

// Where the trace goes: "-" is standard output; anything else must be a file we can create or
// overwrite. Checked before the run, so a typo does not cost a whole run.
std::optional<QString> trace_target_problem(const QString& path) {
    if (path.isEmpty()) return QStringLiteral("--trace needs a file name (or - for standard output)");
    if (path == QLatin1String("-")) return std::nullopt;
    const QFileInfo file(path);
    if (file.isDir()) return QStringLiteral("--trace: '%1' is a folder, not a file").arg(path);
    if (file.exists()) {
        if (!file.isWritable()) return QStringLiteral("--trace: cannot overwrite '%1'").arg(path);
        return std::nullopt;
    }
    const QFileInfo folder(file.absolutePath());
    if (!folder.isDir()) return QStringLiteral("--trace: there is no folder '%1'").arg(folder.filePath());
    if (!folder.isWritable())
        return QStringLiteral("--trace: cannot create a file in '%1'").arg(folder.filePath());
    return std::nullopt;
}

// Writes the trace to `path` ("-": standard output); a sentence on failure.
std::optional<QString> write_trace(const Trace& trace, const QString& path) {
    if (path == QLatin1String("-")) {
        const std::string json = to_chrome_trace_json(trace);
        if (fwrite(json.data(), 1, json.size(), stdout) != json.size() || fflush(stdout) != 0)
            return QStringLiteral("cannot write the trace to standard output");
        return std::nullopt;
    }
    std::string error;
    if (!write_chrome_trace(trace, path.toStdString(), &error)) return QString::fromStdString(error);
    return std::nullopt;
}

// One flag that maps to one ExperimentSpec field: its parser returns an error sentence or nothing.
struct SpecFlag {
    QCommandLineOption option;
    std::function<std::optional<QString>(const QString& value, ExperimentSpec& spec)> apply;
};

// Every numeric flag: the whole text must be a number ("", "nan", "inf", "12abc" are not) within
// the range of the spec field of the same name (spec.h), so nothing wraps, truncates or turns
// into 0 on its way into the spec. A flag with no field range gets the range of its C++ type.
template <typename T> std::optional<QString> numeric(const QString& flag, const QString& text, T& out) {
    constexpr bool whole = std::is_integral_v<T>;
    QString field = flag;
    field.replace(QLatin1Char('-'), QLatin1Char('_'));
    const QByteArray field_name = field.toLatin1();
    FieldRange range{
        {}, double(std::numeric_limits<T>::lowest()), double(std::numeric_limits<T>::max()), whole, {}};
    if (const auto known = field_range(std::string_view(field_name.constData(), size_t(field_name.size()))))
        range = *known;
    const QString expected = QStringLiteral("--%1 takes %2 %3, not '%4'")
                                 .arg(flag, QLatin1String(whole ? "a whole number" : "a number"),
                                      QString::fromStdString(describe_range(range)), text);
    // Plain decimal only, as Python's int() and float() read it: no spaces, no "0x", no "inf".
    static const QRegularExpression whole_text(
        QRegularExpression::anchoredPattern(QStringLiteral("[-+]?[0-9]+")));
    static const QRegularExpression real_text(QRegularExpression::anchoredPattern(
        QStringLiteral("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")));
    if (!(whole ? whole_text : real_text).match(text).hasMatch()) return expected;
    bool ok = false;
    if constexpr (whole) {
        const qlonglong v = text.toLongLong(&ok);
        // Integer bounds are whole numbers below 2^53, so comparing as doubles is exact.
        if (!ok || double(v) < range.min || double(v) > range.max) return expected;
        out = T(v);
    } else {
        const double v = text.toDouble(&ok);
        if (!ok || !(v >= range.min && v <= range.max)) return expected; // also refuses NaN
        out = T(v);
    }
    return std::nullopt;
}

template <typename E>
std::optional<QString> choice(const QString& flag, const QString& text,
                              std::optional<E> (*parse)(std::string_view), const char* choices, E& out) {
    const QByteArray bytes = text.toUtf8();
    const auto v = parse(std::string_view(bytes.constData(), size_t(bytes.size())));
    if (!v) return QStringLiteral("--%1 must be one of %2, not '%3'").arg(flag, QLatin1String(choices), text);
    out = *v;
    return std::nullopt;
}

std::vector<SpecFlag> spec_flags() {
    std::vector<SpecFlag> flags;
    auto add = [&](const char* name, const char* value_name, const char* help, auto apply) {
        flags.push_back({QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help),
                                            QString::fromLatin1(value_name)),
                         apply});
    };
    add("engine", "ENGINE",
        "sequential | threads | thread-pool | processes | process-pool | asyncio | python",
        [](const QString& v, ExperimentSpec& s) {
            return choice(QStringLiteral("engine"), v, parse_engine,
                          "sequential, threads, thread-pool, processes, process-pool, asyncio, python",
                          s.engine);
        });
    // The python engine: a real interpreter runs a program (core/python).
    add("script", "FILE", "python: the program to run, as `python3 FILE` would.",
        [](const QString& v, ExperimentSpec& s) -> std::optional<QString> {
            s.script = v.toStdString();
            s.source.clear();
            return std::nullopt;
        });
    add("python", "PATH", "python: the interpreter (default: python3 on PATH).",
        [](const QString& v, ExperimentSpec& s) -> std::optional<QString> {
            s.python = v.toStdString();
            return std::nullopt;
        });
    add("workload", "KIND", "cpu | sleep | net | mixed | counter | deadlock | payload | blend | block-loop",
        [](const QString& v, ExperimentSpec& s) {
            return choice(QStringLiteral("workload"), v, parse_workload,
                          "cpu, sleep, net, mixed, counter, deadlock, payload, blend, block-loop",
                          s.workload);
        });
    add("tasks", "N", "Number of tasks (default 1).",
        [](const QString& v, ExperimentSpec& s) { return numeric(QStringLiteral("tasks"), v, s.tasks); });
    add("workers", "N", "Threads/processes/pool size (default: one per task, or the pool's default).",
        [](const QString& v, ExperimentSpec& s) { return numeric(QStringLiteral("workers"), v, s.workers); });
    add("iterations", "N", "Python loop iterations per task (cpu, counter, blend; default 1000000).",
        [](const QString& v, ExperimentSpec& s) {
            return numeric(QStringLiteral("iterations"), v, s.iterations);
        });
    add("io-ms", "MS", "One blocking wait / one request's latency in ms (default 100).",
        [](const QString& v, ExperimentSpec& s) { return numeric(QStringLiteral("io-ms"), v, s.io_ms); });
    add("io-count", "N", "Blocking waits or requests per task (default 1).",
        [](const QString& v, ExperimentSpec& s) {
            return numeric(QStringLiteral("io-count"), v, s.io_count);
        });
    add("switch-interval-ms", "MS", "sys.setswitchinterval in ms, 0.1..100 (default 5).",
        [](const QString& v, ExperimentSpec& s) {
            return numeric(QStringLiteral("switch-interval-ms"), v, s.switch_interval_ms);
        });
    add("gil", "MODE", "on | off | per-interpreter (default on).", [](const QString& v, ExperimentSpec& s) {
        return choice(QStringLiteral("gil"), v, parse_gil, "on, off, per-interpreter", s.gil);
    });
    add("update", "FORM", "counter: inplace (counter += 1) | call (counter = counter + f()).",
        [](const QString& v, ExperimentSpec& s) {
            return choice(QStringLiteral("update"), v, parse_update, "inplace, call", s.update);
        });
    add("lock-order", "ORDER", "deadlock: opposite | fixed (default opposite).",
        [](const QString& v, ExperimentSpec& s) -> std::optional<QString> {
            if (v == QLatin1String("opposite"))
                s.lock_order_fixed = false;
            else if (v == QLatin1String("fixed"))
                s.lock_order_fixed = true;
            else
                return QStringLiteral("--lock-order must be one of opposite, fixed, not '%1'").arg(v);
            return std::nullopt;
        });
    add("start-method", "METHOD", "processes: fork | spawn | forkserver (default fork).",
        [](const QString& v, ExperimentSpec& s) {
            return choice(QStringLiteral("start-method"), v, parse_start_method, "fork, spawn, forkserver",
                          s.start_method);
        });
    add("chunksize", "N", "process-pool map chunk size (default 1).",
        [](const QString& v, ExperimentSpec& s) {
            return numeric(QStringLiteral("chunksize"), v, s.chunksize);
        });
    add("payload-bytes", "N", "payload: bytes sent to a worker and back (default 1024).",
        [](const QString& v, ExperimentSpec& s) {
            return numeric(QStringLiteral("payload-bytes"), v, s.payload_bytes);
        });
    add("concurrency", "N", "asyncio: Semaphore limit, 0 = unlimited.",
        [](const QString& v, ExperimentSpec& s) {
            return numeric(QStringLiteral("concurrency"), v, s.concurrency);
        });
    add("cpu-percent", "P", "blend: percent of the work that is CPU (default 100).",
        [](const QString& v, ExperimentSpec& s) {
            return numeric(QStringLiteral("cpu-percent"), v, s.cpu_percent);
        });
    add("cpus", "N", "Pin the run to the first N cores (default 0: all).",
        [](const QString& v, ExperimentSpec& s) { return numeric(QStringLiteral("cpus"), v, s.cpus); });
    add("blocker", "KIND", "block-loop: cpu | sleep.", [](const QString& v, ExperimentSpec& s) {
        return choice(QStringLiteral("blocker"), v, parse_blocker, "cpu, sleep", s.blocker);
    });
    add("offload", "WHERE", "block-loop: none | thread | process.", [](const QString& v, ExperimentSpec& s) {
        return choice(QStringLiteral("offload"), v, parse_offload, "none, thread, process", s.offload);
    });
    add("debug", "ON", "asyncio debug mode (slow-callback warnings): on | off (default on).",
        [](const QString& v, ExperimentSpec& s) -> std::optional<QString> {
            if (v == QLatin1String("on"))
                s.debug = true;
            else if (v == QLatin1String("off"))
                s.debug = false;
            else
                return QStringLiteral("--debug must be on or off, not '%1'").arg(v);
            return std::nullopt;
        });
    add("time-scale", "K", "Slow motion: work, waits and the switch interval stretch K times (1..100).",
        [](const QString& v, ExperimentSpec& s) {
            return numeric(QStringLiteral("time-scale"), v, s.time_scale);
        });
    add("timeout-s", "S", "Stop the run after S seconds (default: never; 5 for the deadlock workload).",
        [](const QString& v, ExperimentSpec& s) {
            return numeric(QStringLiteral("timeout-s"), v, s.timeout_s);
        });
    return flags;
}

QString seconds(double s) {
    return QString::number(s, 'f', 3) + QStringLiteral(" s");
}

void print_table(FILE* to, const Summary& s) {
    QString out;
    auto row = [&](const QString& name, const QString& value) {
        out += QStringLiteral("  %1 %2\n").arg(name, -22).arg(value);
    };
    out +=
        QStringLiteral("%1 / %2: %3 tasks")
            .arg(QString::fromLatin1(to_string(s.spec.engine).data(), int(to_string(s.spec.engine).size())),
                 QString::fromLatin1(to_string(s.spec.workload).data(),
                                     int(to_string(s.spec.workload).size())))
            .arg(s.spec.tasks);
    if (s.spec.workers > 0) out += QStringLiteral(", %1 workers").arg(s.spec.workers);
    out +=
        QString::fromLatin1(s.completed ? " (completed)\n" : (s.cancelled ? " (stopped)\n" : " (failed)\n"));
    if (!s.error.empty()) row(QStringLiteral("problem"), printable(QString::fromStdString(s.error)));
    row(QStringLiteral("wall time"), seconds(s.wall_s));
    row(QStringLiteral("CPU time"), seconds(s.cpu_s));
    if (s.baseline_wall_s > 0) {
        row(QStringLiteral("sequential baseline"), seconds(s.baseline_wall_s));
        row(QStringLiteral("speedup"), QString::number(s.speedup, 'f', 2) + QStringLiteral("x"));
        row(QStringLiteral("efficiency"), QString::number(s.efficiency * 100, 'f', 0) + QStringLiteral(" %"));
    }
    row(QStringLiteral("events recorded"), QString::number(qulonglong(s.events)));
    row(QStringLiteral("peak memory"), QString::number(s.peak_rss_mb, 'f', 1) + QStringLiteral(" MB"));
    if (s.gil_switches > 0 || s.gil_wait_s > 0) {
        row(QStringLiteral("GIL switches"), QString::number(qulonglong(s.gil_switches)));
        row(QStringLiteral("forced switches"), QString::number(qulonglong(s.forced_switches)));
        row(QStringLiteral("time waiting for GIL"), seconds(s.gil_wait_s));
        row(QStringLiteral("median GIL slice"),
            QString::number(s.median_gil_slice_ms, 'f', 2) + QStringLiteral(" ms"));
    }
    if (s.spec.workload == WorkloadKind::Counter)
        row(QStringLiteral("counter"), QStringLiteral("%1 of %2 (%3 updates lost)")
                                           .arg(s.counter_value)
                                           .arg(s.counter_expected)
                                           .arg(qulonglong(s.lost_updates)));
    if (s.io_latency_max_ms > 0)
        row(QStringLiteral("I/O latency"), QStringLiteral("median %1 ms, max %2 ms")
                                               .arg(s.io_latency_median_ms, 0, 'f', 2)
                                               .arg(s.io_latency_max_ms, 0, 'f', 2));
    if (s.deadlock) row(QStringLiteral("deadlock"), QStringLiteral("yes"));
    if (s.spec.engine == EngineKind::Python) {
        row(QStringLiteral("python"), QString::fromStdString(s.python_version));
        row(QStringLiteral("exit status"), QString::number(s.exit_code));
        if (s.task_switches > 0)
            row(QStringLiteral("task steps"), QString::number(qulonglong(s.task_switches)));
        if (s.loop_iterations > 0)
            row(QStringLiteral("loop iterations"), QString::number(qulonglong(s.loop_iterations)));
        for (const std::string& note : s.notes)
            row(QStringLiteral("note"), QString::fromStdString(note));
        if (s.sample_hz > 0)
            row(QStringLiteral("inferred"),
                QStringLiteral("GIL and thread states from kernel samples at %1 kHz")
                    .arg(s.sample_hz / 1000.0));
    }
    if (!s.workers.empty()) {
        out += QStringLiteral("\n  %1 %2 %3 %4 %5 %6\n")
                   .arg(QStringLiteral("worker"), -26)
                   .arg(QStringLiteral("busy"), 9)
                   .arg(QStringLiteral("GIL wait"), 9)
                   .arg(QStringLiteral("blocked"), 9)
                   .arg(QStringLiteral("lock wait"), 9)
                   .arg(QStringLiteral("tasks"), 6);
        for (const WorkerStats& w : s.workers)
            out += QStringLiteral("  %1 %2 %3 %4 %5 %6\n")
                       .arg(printable(QString::fromStdString(w.name)), -26)
                       .arg(w.busy_s, 9, 'f', 3)
                       .arg(w.gil_wait_s, 9, 'f', 3)
                       .arg(w.blocked_s, 9, 'f', 3)
                       .arg(w.lock_wait_s, 9, 'f', 3)
                       .arg(w.tasks_done, 6);
    }
    print(to, out);
}

} // namespace

int run_command(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs one experiment headless and prints its summary (concurrency-lab run [options]).\n"
        "Every option sets the experiment field of the same name; exit status 0 ok, 1 the run "
        "failed (deadlock, broken pool, time limit), 2 bad usage, 130/143 stopped by Ctrl+C / "
        "SIGTERM (the summary of what ran and the trace are still written)."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    const QCommandLineOption lesson(QStringLiteral("lesson"),
                                    QStringLiteral("Run lesson ID's step (number or short name)."),
                                    QStringLiteral("ID"));
    const QCommandLineOption step(QStringLiteral("step"), QStringLiteral("The step of --lesson, from 1."),
                                  QStringLiteral("N"));
    const QCommandLineOption lessons_dir(QStringLiteral("lessons"), QStringLiteral("Load lessons from DIR."),
                                         QStringLiteral("DIR"));
    const QCommandLineOption lock(QStringLiteral("lock"),
                                  QStringLiteral("counter: protect the update with a Lock."));
    const QCommandLineOption baseline(QStringLiteral("baseline"),
                                      QStringLiteral("Also run the sequential baseline; report speedup."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print the summary as one JSON object."));
    const QCommandLineOption trace_file(
        QStringLiteral("trace"),
        QStringLiteral("Write a Chrome trace (opens in Perfetto) to FILE; - writes it to standard output "
                       "(the summary then goes to standard error)."),
        QStringLiteral("FILE"));
    const QCommandLineOption dry_run(QStringLiteral("dry-run"),
                                     QStringLiteral("Check the options, print the experiment they describe "
                                                    "as JSON, and exit without running it."));
    std::vector<SpecFlag> flags = spec_flags();
    parser.addOption(help);
    parser.addOption(lesson);
    parser.addOption(step);
    parser.addOption(lessons_dir);
    for (const SpecFlag& f : flags)
        parser.addOption(f.option);
    parser.addOptions({lock, baseline, json, trace_file, dry_run});

    // helpText() names the executable; say which command this is.
    QString usage = parser.helpText();
    if (usage.startsWith(QLatin1String("Usage:")))
        usage = QStringLiteral("Usage: concurrency-lab run [options]") +
                usage.mid(usage.indexOf(QLatin1Char('\n')));
    auto usage_error = [&](const QString& message) {
        print(stderr, QStringLiteral("concurrency-lab run: %1\n\n").arg(printable(message)) + usage);
        return 2;
    };
    // QCommandLineParser wants the program name first.
    if (!parser.parse(QStringList{QStringLiteral("concurrency-lab run")} + arguments))
        return usage_error(parser.errorText());
    if (parser.isSet(help)) {
        print(stdout, usage);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage_error(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    ExperimentSpec spec;
    bool want_baseline = parser.isSet(baseline);
    if (parser.isSet(lesson) || parser.isSet(step)) {
        if (!parser.isSet(lesson) || !parser.isSet(step))
            return usage_error(QStringLiteral("--lesson and --step go together"));
        bool ok = false;
        const int n = parser.value(step).toInt(&ok);
        if (!ok || n < 1) return usage_error(QStringLiteral("--step takes a whole number from 1"));
        lessons::StepExperiment found;
        QString error;
        if (!lessons::find_step_experiment(parser.value(lessons_dir), parser.value(lesson), n, found, error))
            return usage_error(error);
        spec = found.spec;
        want_baseline = want_baseline || found.baseline;
        // `--engine python`: the step's first python snippet runs in a real interpreter.
        if (parser.value(QStringLiteral("engine")) == QLatin1String("python") && spec.source.empty()) {
            if (found.python_snippets.isEmpty())
                return usage_error(QStringLiteral("this step has no python snippet to run"));
            spec.source = found.python_snippets.first().toStdString();
            want_baseline = false;
        }
    }
    // Flags override the lesson's values.
    for (const SpecFlag& f : flags)
        if (parser.isSet(f.option))
            if (const auto problem = f.apply(parser.value(f.option), spec)) return usage_error(*problem);
    if (parser.isSet(lock)) spec.lock = true;
    // A deadlock never ends by itself; from the command line nobody can press Stop.
    if (spec.workload == WorkloadKind::Deadlock && spec.timeout_s == 0 && !spec.lock_order_fixed) {
        spec.timeout_s = 5;
        if (!parser.isSet(json))
            print(stderr, QStringLiteral(
                              "note: a deadlock never ends by itself; stopping after 5 s (--timeout-s)\n"));
    }
    if (const auto problem = validate(spec)) return usage_error(QString::fromStdString(*problem));
    if (!make_engine(spec.engine))
        return usage_error(
            QStringLiteral("the %1 engine is not built into this program yet")
                .arg(QString::fromLatin1(to_string(spec.engine).data(), int(to_string(spec.engine).size()))));

    if (parser.isSet(trace_file))
        if (const auto problem = trace_target_problem(parser.value(trace_file))) return usage_error(*problem);
    if (parser.isSet(dry_run)) {
        print(stdout, QString::fromStdString(to_json(spec)) + QLatin1Char('\n'));
        return 0;
    }

    const StopSignals stop_signals; // before the run starts any thread
    Trace trace;
    Trace* want_trace = parser.isSet(trace_file) ? &trace : nullptr;
    const Summary summary = want_baseline ? Runner::run_with_baseline(spec, want_trace, &stop_signals.stop())
                                          : Runner::run(spec, want_trace, &stop_signals.stop());

    // The trace alone on standard output keeps it one JSON document; the summary moves aside.
    FILE* const summary_to = want_trace && parser.value(trace_file) == QLatin1String("-") ? stderr : stdout;
    if (parser.isSet(json)) {
        print(summary_to, QString::fromStdString(to_json(summary)) + QLatin1Char('\n'));
    } else {
        if (spec.engine == EngineKind::Python) { // the program's own output first, as python3 shows it
            fputs(summary.program_stdout.c_str(), summary_to);
            fputs(summary.program_stderr.c_str(), stderr);
            fflush(summary_to);
        }
        print_table(summary_to, summary);
    }
    fflush(summary_to);
    int status = summary.completed ? 0 : 1;
    if (want_trace)
        if (const auto problem = write_trace(trace, parser.value(trace_file))) {
            print(stderr, QStringLiteral("concurrency-lab run: %1\n").arg(printable(*problem)));
            status = 1;
        }
    return stop_signals.signal() != 0 ? stop_signals.exit_code() : status;
}

} // namespace clab::cli
