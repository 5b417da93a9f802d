#include "summary_text.h"

#include "baseline.h"

#include <QCoreApplication>
#include <QLocale>
#include <cmath>

namespace clab::gui {

namespace {

// The translation context of this file's texts: lupdate reads it from the macro, as tr() finds it.
class SummaryText {
    Q_DECLARE_TR_FUNCTIONS(SummaryText)
};

QString seconds(double s) {
    if (s < 0.001) return QStringLiteral("%1 µs").arg(s * 1e6, 0, 'f', 0);
    if (s < 1) return QStringLiteral("%1 ms").arg(s * 1e3, 0, 'f', s < 0.01 ? 2 : 1);
    return QStringLiteral("%1 s").arg(s, 0, 'f', s < 10 ? 2 : 1);
}

QString count(double n) {
    return QLocale(QLocale::English).toString(qlonglong(std::llround(n)));
}

QString bytes(double b) {
    if (b >= 1e9) return QStringLiteral("%1 GB").arg(b / 1e9, 0, 'f', 2);
    if (b >= 1e6) return QStringLiteral("%1 MB").arg(b / 1e6, 0, 'f', 1);
    if (b >= 1e3) return QStringLiteral("%1 KB").arg(b / 1e3, 0, 'f', 1);
    return QStringLiteral("%1 B").arg(b, 0, 'f', 0);
}

bool is_thread_engine(const ExperimentSpec& s) {
    return s.engine == EngineKind::Threads || s.engine == EngineKind::ThreadPool;
}
bool is_process_engine(const ExperimentSpec& s) {
    return s.engine == EngineKind::Processes || s.engine == EngineKind::ProcessPool;
}

struct MetricInfo {
    const char* name;
    const char* label;
    enum Unit { Seconds, Millis, Count, Ratio, Percent, Bytes, Megabytes, YesNo } unit;
    double (*get)(const Summary&);
};

const MetricInfo kMetrics[] = {
    {"wall_s", QT_TRANSLATE_NOOP("SummaryText", "Wall time"), MetricInfo::Seconds,
     [](const Summary& s) { return s.wall_s; }},
    {"cpu_s", QT_TRANSLATE_NOOP("SummaryText", "CPU time"), MetricInfo::Seconds,
     [](const Summary& s) { return s.cpu_s; }},
    {"baseline_wall_s", QT_TRANSLATE_NOOP("SummaryText", "Sequential baseline"), MetricInfo::Seconds,
     [](const Summary& s) { return s.baseline_wall_s; }},
    {"speedup", QT_TRANSLATE_NOOP("SummaryText", "Speedup"), MetricInfo::Ratio,
     [](const Summary& s) { return s.speedup; }},
    {"efficiency", QT_TRANSLATE_NOOP("SummaryText", "Parallel efficiency"), MetricInfo::Percent,
     [](const Summary& s) { return s.efficiency; }},
    {"gil_switches", QT_TRANSLATE_NOOP("SummaryText", "GIL switches"), MetricInfo::Count,
     [](const Summary& s) { return double(s.gil_switches); }},
    {"forced_switches", QT_TRANSLATE_NOOP("SummaryText", "Forced switches"), MetricInfo::Count,
     [](const Summary& s) { return double(s.forced_switches); }},
    {"gil_wait_s", QT_TRANSLATE_NOOP("SummaryText", "Waiting for the GIL"), MetricInfo::Seconds,
     [](const Summary& s) { return s.gil_wait_s; }},
    {"median_gil_slice_ms", QT_TRANSLATE_NOOP("SummaryText", "Median GIL slice"), MetricInfo::Millis,
     [](const Summary& s) { return s.median_gil_slice_ms; }},
    {"lost_updates", QT_TRANSLATE_NOOP("SummaryText", "Lost updates"), MetricInfo::Count,
     [](const Summary& s) { return double(s.lost_updates); }},
    {"deadlock", QT_TRANSLATE_NOOP("SummaryText", "Deadlock"), MetricInfo::YesNo,
     [](const Summary& s) { return s.deadlock ? 1.0 : 0.0; }},
    {"counter_value", QT_TRANSLATE_NOOP("SummaryText", "Counter value"), MetricInfo::Count,
     [](const Summary& s) { return double(s.counter_value); }},
    {"counter_expected", QT_TRANSLATE_NOOP("SummaryText", "Counter expected"), MetricInfo::Count,
     [](const Summary& s) { return double(s.counter_expected); }},
    {"io_latency_median_ms", QT_TRANSLATE_NOOP("SummaryText", "I/O latency (median)"), MetricInfo::Millis,
     [](const Summary& s) { return s.io_latency_median_ms; }},
    {"io_latency_max_ms", QT_TRANSLATE_NOOP("SummaryText", "I/O latency (max)"), MetricInfo::Millis,
     [](const Summary& s) { return s.io_latency_max_ms; }},
    {"process_start_s", QT_TRANSLATE_NOOP("SummaryText", "Process start-up (median)"), MetricInfo::Seconds,
     [](const Summary& s) { return s.process_start_s; }},
    {"ipc_bytes", QT_TRANSLATE_NOOP("SummaryText", "Data through pipes"), MetricInfo::Bytes,
     [](const Summary& s) { return double(s.ipc_bytes); }},
    {"serialize_s", QT_TRANSLATE_NOOP("SummaryText", "Pickling time"), MetricInfo::Seconds,
     [](const Summary& s) { return s.serialize_s; }},
    {"loop_iterations", QT_TRANSLATE_NOOP("SummaryText", "Loop iterations"), MetricInfo::Count,
     [](const Summary& s) { return double(s.loop_iterations); }},
    {"task_switches", QT_TRANSLATE_NOOP("SummaryText", "Task switches"), MetricInfo::Count,
     [](const Summary& s) { return double(s.task_switches); }},
    {"max_loop_lag_s", QT_TRANSLATE_NOOP("SummaryText", "Worst loop lag"), MetricInfo::Seconds,
     [](const Summary& s) { return s.max_loop_lag_s; }},
    {"slow_callbacks", QT_TRANSLATE_NOOP("SummaryText", "Slow callbacks"), MetricInfo::Count,
     [](const Summary& s) { return double(s.slow_callbacks); }},
    {"peak_rss_mb", QT_TRANSLATE_NOOP("SummaryText", "Peak memory"), MetricInfo::Megabytes,
     [](const Summary& s) { return s.peak_rss_mb; }},
    {"events", QT_TRANSLATE_NOOP("SummaryText", "Events recorded"), MetricInfo::Count,
     [](const Summary& s) { return double(s.events); }},
};

const MetricInfo* find_metric(const QString& name) {
    for (const MetricInfo& m : kMetrics)
        if (name == QLatin1String(m.name)) return &m;
    return nullptr;
}

SummaryRow row(const Summary& s, const char* key, QString hint = QString(),
               Severity severity = Severity::Info) {
    const QString name = QLatin1String(key);
    return {name, metric_label(name), format_metric(name, *summary_metric(s, name)), std::move(hint),
            severity};
}

} // namespace

std::optional<double> summary_metric(const Summary& summary, const QString& name) {
    const MetricInfo* m = find_metric(name);
    if (!m) return std::nullopt;
    return m->get(summary);
}

QString metric_label(const QString& name) {
    const MetricInfo* m = find_metric(name);
    return m ? SummaryText::tr(m->label) : name;
}

QString format_metric(const QString& name, double v) {
    const MetricInfo* m = find_metric(name);
    if (!m) return QString::number(v, 'g', 4);
    switch (m->unit) {
    case MetricInfo::Seconds:
        return seconds(v);
    case MetricInfo::Millis:
        return QStringLiteral("%1 ms").arg(v, 0, 'f', v < 10 ? 2 : 1);
    case MetricInfo::Count:
        return count(v);
    case MetricInfo::Ratio:
        return QStringLiteral("%1×").arg(v, 0, 'f', 2);
    case MetricInfo::Percent:
        return QStringLiteral("%1 %").arg(v * 100, 0, 'f', 0);
    case MetricInfo::Bytes:
        return bytes(v);
    case MetricInfo::Megabytes:
        return QStringLiteral("%1 MB").arg(v, 0, 'f', 1);
    case MetricInfo::YesNo:
        return v != 0 ? SummaryText::tr("yes") : SummaryText::tr("no");
    }
    return QString();
}

QString measured_phrase(const Summary& s, const QString& name) {
    const MetricInfo* m = find_metric(name);
    if (!m) return QString();
    const double v = m->get(s);
    const QString value = format_metric(name, v);
    QString label = metric_label(name);
    // "lost updates", but "GIL switches" keeps its capitals.
    if (label.size() > 1 && label[1].isLower()) label[0] = label[0].toLower();
    if (name == QLatin1String("cpu_s"))
        return SummaryText::tr("CPU %1 of %2 wall")
            .arg(value, format_metric(QStringLiteral("wall_s"), s.wall_s));
    if (name == QLatin1String("wall_s")) return SummaryText::tr("%1 on the clock").arg(value);
    if (name == QLatin1String("lost_updates") && s.counter_expected > 0)
        return SummaryText::tr("%1 lost updates (the counter ended at %2 of %3)")
            .arg(value, count(double(s.counter_value)), count(double(s.counter_expected)));
    switch (m->unit) {
    case MetricInfo::Count:
    case MetricInfo::Ratio:
    case MetricInfo::Percent:
        return QStringLiteral("%1 %2").arg(value, label); // "2,444,232 lost updates", "1.73× speedup"
    case MetricInfo::YesNo:
        return v != 0 ? SummaryText::tr("a %1").arg(label)
                      : SummaryText::tr("no %1").arg(label); // "a deadlock"
    default:
        return QStringLiteral("%1 %2").arg(label, value); // "peak memory 41.0 MB"
    }
}

Headline summary_headline(const Summary& s) {
    if (s.deadlock)
        return {
            SummaryText::tr(
                "Deadlock: each thread holds one lock and waits forever for the other's. Nothing can move "
                "again; the run had to be stopped from outside."),
            Severity::Error};
    if (s.broken)
        return {SummaryText::tr(
                    "The process pool broke: a worker process died without sending back its result, so every "
                    "task still pending failed (BrokenProcessPool)."),
                Severity::Error};
    if (!s.error.empty()) return {QString::fromStdString(s.error), Severity::Error};
    if (s.cancelled)
        return {SummaryText::tr("Stopped after %1, before the run finished.").arg(seconds(s.wall_s)),
                Severity::Warning};
    if (!s.completed) return {SummaryText::tr("The run did not finish."), Severity::Warning};
    if (const QString busy = busy_machine_note(s); !busy.isEmpty())
        return {SummaryText::tr("Finished in %1. %2").arg(seconds(s.wall_s), busy), Severity::Warning};
    return {SummaryText::tr("Finished in %1.").arg(seconds(s.wall_s)), Severity::Good};
}

QString busy_machine_note(const Summary& s) {
    if (!machine_was_busy(s)) return QString();
    return SummaryText::tr(
               "Other programs kept %1 of this machine's %2 cores busy during the run, so these figures "
               "may be off: run it again when the machine is quieter.")
        .arg(s.other_cpu_s / s.wall_s, 0, 'f', 1)
        .arg(s.machine_cpus);
}

// Something in the run falls due at a time (a sleep's end, a reply, a tick), so the event loop
// can be late to it.
bool has_due_times(const ExperimentSpec& s) {
    switch (s.workload) {
    case WorkloadKind::Sleep:
    case WorkloadKind::Net:
    case WorkloadKind::Mixed:
    case WorkloadKind::BlockLoop:
        return true;
    case WorkloadKind::Blend:
        return s.cpu_percent < 100;
    default:
        return false;
    }
}

bool loop_lag_applies(const Summary& s) {
    return s.spec.engine == EngineKind::Asyncio && (s.max_loop_lag_s > 0 || has_due_times(s.spec));
}

QList<SummaryRow> summary_rows(const Summary& s) {
    const ExperimentSpec& spec = s.spec;
    QList<SummaryRow> rows;
    rows << row(s, "wall_s", SummaryText::tr("time on the clock, start to end"));
    const double cores_busy = s.wall_s > 0 ? s.cpu_s / s.wall_s : 0;
    rows << row(s, "cpu_s", SummaryText::tr("%1 cores busy on average").arg(cores_busy, 0, 'f', 2));
    if (s.baseline_wall_s > 0 && speedup_applies(spec)) {
        rows << row(s, "baseline_wall_s", SummaryText::tr("the same work, one task after another"));
        const Severity sev = s.speedup >= 1.3  ? Severity::Good
                             : s.speedup < 0.9 ? Severity::Warning
                                               : Severity::Info;
        const QString hint = s.speedup >= 1.3 ? SummaryText::tr("faster than running the tasks one by one")
                             : s.speedup < 0.9
                                 ? SummaryText::tr("slower than running the tasks one by one")
                                 : SummaryText::tr("about as fast as running the tasks one by one");
        rows << row(s, "speedup", hint, sev);
        if (spec.engine != EngineKind::Sequential && spec.engine != EngineKind::Asyncio)
            rows << row(s, "efficiency", SummaryText::tr("speedup ÷ %1 workers").arg(parallel_units(spec)));
    }
    if (is_thread_engine(spec) || spec.engine == EngineKind::Sequential) {
        if (s.gil_switches > 0 || is_thread_engine(spec)) {
            rows << row(s, "gil_switches", SummaryText::tr("times the GIL passed to another thread"));
            if (s.forced_switches > 0)
                rows << row(s, "forced_switches",
                            SummaryText::tr("a waiting thread asked the holder to drop it"));
            rows << row(s, "gil_wait_s", SummaryText::tr("summed over all threads"),
                        s.gil_wait_s > s.wall_s * 0.5 ? Severity::Warning : Severity::Info);
            // A slice is how long a thread ran before it was asked to hand over: runs that only
            // wait (I/O) hand the GIL over at every call and have no slices worth a figure.
            if (s.median_gil_slice_ms > 0 && s.forced_switches > 0)
                rows << row(s, "median_gil_slice_ms",
                            SummaryText::tr("how long a thread ran before handing over"));
        }
    }
    if (spec.workload == WorkloadKind::Counter) {
        rows << row(s, "counter_value",
                    SummaryText::tr("expected %1").arg(count(double(s.counter_expected))));
        rows << row(s, "lost_updates",
                    s.lost_updates > 0 ? SummaryText::tr("a switch fell between the read and the write")
                                       : SummaryText::tr("none this time"),
                    s.lost_updates > 0 ? Severity::Error : Severity::Good);
    }
    if (s.io_latency_median_ms > 0) {
        rows << row(s, "io_latency_median_ms", SummaryText::tr("asked for %1 ms").arg(spec.io_ms, 0, 'g', 4));
        rows << row(s, "io_latency_max_ms", QString(),
                    s.io_latency_max_ms > spec.io_ms * 1.5 ? Severity::Warning : Severity::Info);
    }
    if (is_process_engine(spec)) {
        rows << row(
            s, "process_start_s",
            SummaryText::tr("%1 start method").arg(QString::fromUtf8(to_string(spec.start_method).data())));
        rows << row(s, "ipc_bytes", SummaryText::tr("pickled and sent between processes"));
        rows << row(s, "serialize_s", SummaryText::tr("turning objects into bytes and back"));
    }
    if (spec.engine == EngineKind::Asyncio) {
        rows << row(s, "loop_iterations", SummaryText::tr("rounds of the event loop"));
        rows << row(s, "task_switches", SummaryText::tr("a coroutine gave the loop back at an await"));
        // Lag is how late the loop got to a timer or an I/O result that was due: a run with
        // neither (all computing) has none to measure, and "0 µs" beside callbacks that blocked the
        // loop for seconds would read as "the loop was never late".
        if (loop_lag_applies(s))
            rows << row(s, "max_loop_lag_s",
                        SummaryText::tr("latest the loop got to a timer or reply that was due"),
                        s.max_loop_lag_s > 0.1 ? Severity::Warning : Severity::Info);
        if (s.slow_callbacks > 0 || spec.debug)
            rows << row(s, "slow_callbacks",
                        s.slow_callbacks > 0
                            ? SummaryText::tr("a step ran ≥ 100 ms and blocked every other task")
                            : SummaryText::tr("none blocked the loop"),
                        s.slow_callbacks > 0 ? Severity::Error : Severity::Good);
    }
    if (s.peak_rss_mb > 0) rows << row(s, "peak_rss_mb");
    return rows;
}

} // namespace clab::gui
