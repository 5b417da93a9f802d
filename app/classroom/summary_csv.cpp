#include "summary_csv.h"

#include <QSaveFile>
#include <functional>

namespace clab::classroom {

namespace {

struct Column {
    const char* name;
    std::function<QString(const RunRecord&)> value;
};

QString num(double v) {
    return QString::number(v, 'g', 10);
}
QString num(uint64_t v) {
    return QString::number(v);
}
QString num(int64_t v) {
    return QString::number(v);
}
QString flag(bool v) {
    return v ? QStringLiteral("1") : QStringLiteral("0");
}
QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

const QList<Column>& columns() {
    static const QList<Column> list{
        {"name", [](const RunRecord& r) { return r.name; }},
        {"engine", [](const RunRecord& r) { return qs(to_string(r.spec.engine)); }},
        {"workload", [](const RunRecord& r) { return qs(to_string(r.spec.workload)); }},
        {"tasks", [](const RunRecord& r) { return QString::number(r.spec.tasks); }},
        {"workers", [](const RunRecord& r) { return QString::number(r.spec.workers); }},
        {"gil", [](const RunRecord& r) { return qs(to_string(r.spec.gil)); }},
        {"switch_interval_ms", [](const RunRecord& r) { return num(r.spec.switch_interval_ms); }},
        {"time_scale", [](const RunRecord& r) { return num(r.spec.time_scale); }},
        {"completed", [](const RunRecord& r) { return flag(r.summary.completed); }},
        {"wall_s", [](const RunRecord& r) { return num(r.summary.wall_s); }},
        {"wall_s_unscaled", [](const RunRecord& r) { return num(comparable_wall_s(r.summary)); }},
        {"cpu_s", [](const RunRecord& r) { return num(r.summary.cpu_s); }},
        {"baseline_wall_s", [](const RunRecord& r) { return num(r.summary.baseline_wall_s); }},
        {"speedup", [](const RunRecord& r) { return num(r.summary.speedup); }},
        {"efficiency", [](const RunRecord& r) { return num(r.summary.efficiency); }},
        {"gil_switches", [](const RunRecord& r) { return num(r.summary.gil_switches); }},
        {"forced_switches", [](const RunRecord& r) { return num(r.summary.forced_switches); }},
        {"gil_wait_s", [](const RunRecord& r) { return num(r.summary.gil_wait_s); }},
        {"median_gil_slice_ms", [](const RunRecord& r) { return num(r.summary.median_gil_slice_ms); }},
        {"lost_updates", [](const RunRecord& r) { return num(r.summary.lost_updates); }},
        {"counter_expected", [](const RunRecord& r) { return num(r.summary.counter_expected); }},
        {"counter_value", [](const RunRecord& r) { return num(r.summary.counter_value); }},
        {"deadlock", [](const RunRecord& r) { return flag(r.summary.deadlock); }},
        {"process_start_s", [](const RunRecord& r) { return num(r.summary.process_start_s); }},
        {"ipc_bytes", [](const RunRecord& r) { return num(r.summary.ipc_bytes); }},
        {"serialize_s", [](const RunRecord& r) { return num(r.summary.serialize_s); }},
        {"broken", [](const RunRecord& r) { return flag(r.summary.broken); }},
        {"loop_iterations", [](const RunRecord& r) { return num(r.summary.loop_iterations); }},
        {"task_switches", [](const RunRecord& r) { return num(r.summary.task_switches); }},
        {"max_loop_lag_s", [](const RunRecord& r) { return num(r.summary.max_loop_lag_s); }},
        {"slow_callbacks", [](const RunRecord& r) { return num(r.summary.slow_callbacks); }},
        {"events", [](const RunRecord& r) { return num(r.summary.events); }},
        {"error", [](const RunRecord& r) { return QString::fromStdString(r.summary.error); }},
    };
    return list;
}

QString quoted(const QString& field) {
    if (!field.contains(QLatin1Char(',')) && !field.contains(QLatin1Char('"')) &&
        !field.contains(QLatin1Char('\n')) && !field.contains(QLatin1Char('\r')))
        return field;
    QString escaped = field;
    escaped.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

} // namespace

QStringList summary_csv_columns() {
    QStringList names;
    for (const Column& c : columns())
        names << QLatin1String(c.name);
    return names;
}

QString summary_csv(const QList<const RunRecord*>& runs) {
    QString out = summary_csv_columns().join(QLatin1Char(',')) + QLatin1Char('\n');
    for (const RunRecord* run : runs) {
        if (run == nullptr) continue;
        QStringList row;
        for (const Column& c : columns())
            row << quoted(c.value(*run));
        out += row.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

bool save_summary_csv(const QList<const RunRecord*>& runs, const QString& path, QString& error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(summary_csv(runs).toUtf8()) < 0 ||
        !file.commit()) {
        error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace clab::classroom
