#include "run_json.h"

#include <QJsonValue>
#include <cmath>
#include <limits>

namespace clab::classroom {

namespace {

QString qs(std::string_view text) {
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// One list of the numeric fields per struct, used by both directions so they cannot drift apart.
template <typename Spec, typename Visit> void visit_spec_numbers(Spec& s, Visit&& visit) {
    visit("tasks", s.tasks);
    visit("workers", s.workers);
    visit("iterations", s.iterations);
    visit("io_ms", s.io_ms);
    visit("io_count", s.io_count);
    visit("switch_interval_ms", s.switch_interval_ms);
    visit("lock", s.lock);
    visit("lock_order_fixed", s.lock_order_fixed);
    visit("chunksize", s.chunksize);
    visit("payload_bytes", s.payload_bytes);
    visit("concurrency", s.concurrency);
    visit("cpu_percent", s.cpu_percent);
    visit("cpus", s.cpus);
    visit("debug", s.debug);
    visit("time_scale", s.time_scale);
    visit("timeout_s", s.timeout_s);
    visit("crash_task", s.crash_task);
}

template <typename Sum, typename Visit> void visit_summary_numbers(Sum& s, Visit&& visit) {
    visit("completed", s.completed);
    visit("cancelled", s.cancelled);
    visit("wall_s", s.wall_s);
    visit("cpu_s", s.cpu_s);
    visit("events", s.events);
    visit("peak_rss_mb", s.peak_rss_mb);
    visit("gil_switches", s.gil_switches);
    visit("forced_switches", s.forced_switches);
    visit("gil_wait_s", s.gil_wait_s);
    visit("median_gil_slice_ms", s.median_gil_slice_ms);
    visit("lost_updates", s.lost_updates);
    visit("counter_expected", s.counter_expected);
    visit("counter_value", s.counter_value);
    visit("deadlock", s.deadlock);
    visit("io_latency_median_ms", s.io_latency_median_ms);
    visit("io_latency_max_ms", s.io_latency_max_ms);
    visit("process_start_s", s.process_start_s);
    visit("ipc_bytes", s.ipc_bytes);
    visit("serialize_s", s.serialize_s);
    visit("broken", s.broken);
    visit("loop_iterations", s.loop_iterations);
    visit("task_switches", s.task_switches);
    visit("max_loop_lag_s", s.max_loop_lag_s);
    visit("slow_callbacks", s.slow_callbacks);
    visit("baseline_wall_s", s.baseline_wall_s);
    visit("speedup", s.speedup);
    visit("efficiency", s.efficiency);
}

template <typename WS, typename Visit> void visit_worker_numbers(WS& w, Visit&& visit) {
    visit("lane", w.lane);
    visit("busy_s", w.busy_s);
    visit("gil_wait_s", w.gil_wait_s);
    visit("blocked_s", w.blocked_s);
    visit("lock_wait_s", w.lock_wait_s);
    visit("tasks_done", w.tasks_done);
}

// 64-bit integers go into JSON as decimal strings: a JSON number is a double and would round
// counters and nanosecond stamps above 2^53.
template <typename T> QJsonValue number_to_json(T value) {
    if constexpr (std::is_same_v<T, bool>)
        return value;
    else if constexpr (std::is_floating_point_v<T>)
        return std::isfinite(value) ? QJsonValue(value) : QJsonValue(0.0);
    else if constexpr (sizeof(T) >= 8)
        return QString::number(value);
    else
        return qint64(value);
}

struct Writer {
    QJsonObject& object;
    template <typename T> void operator()(const char* key, const T& value) {
        object.insert(QLatin1String(key), number_to_json(value));
    }
};

// Reads what Writer wrote; a missing key keeps the default, a wrong type or range is an error.
struct Reader {
    const QJsonObject& object;
    QString where;
    std::optional<QString> error;

    template <typename T> void operator()(const char* key, T& value) {
        if (error) return;
        const QJsonValue v = object.value(QLatin1String(key));
        if (v.isUndefined()) return;
        const auto fail = [&] {
            error = QStringLiteral("%1: '%2' has a bad value").arg(where, QLatin1String(key));
        };
        if constexpr (std::is_same_v<T, bool>) {
            if (!v.isBool()) return fail();
            value = v.toBool();
        } else if constexpr (std::is_floating_point_v<T>) {
            if (!v.isDouble() || !std::isfinite(v.toDouble())) return fail();
            value = v.toDouble();
        } else {
            bool ok = false;
            if (v.isString()) {
                if constexpr (std::is_signed_v<T>) {
                    const qlonglong n = v.toString().toLongLong(&ok);
                    if (ok && (n < qlonglong(std::numeric_limits<T>::min()) ||
                               n > qlonglong(std::numeric_limits<T>::max())))
                        ok = false;
                    if (ok) value = T(n);
                } else {
                    const qulonglong n = v.toString().toULongLong(&ok);
                    if (ok && n > qulonglong(std::numeric_limits<T>::max())) ok = false;
                    if (ok) value = T(n);
                }
            } else if (v.isDouble()) {
                const double d = v.toDouble();
                ok = std::isfinite(d) && d == std::floor(d) && d >= double(std::numeric_limits<T>::min()) &&
                     d <= double(std::numeric_limits<T>::max()) && std::abs(d) < 9.0e15;
                if (ok) value = T(d);
            }
            if (!ok) return fail();
        }
    }
};

template <typename Enum, typename Parse>
std::optional<QString> read_enum(const QJsonObject& object, const char* key, Enum& value, Parse parse) {
    const QJsonValue v = object.value(QLatin1String(key));
    if (v.isUndefined()) return std::nullopt;
    if (!v.isString()) return QStringLiteral("spec: '%1' must be a name").arg(QLatin1String(key));
    const QByteArray text = v.toString().toUtf8();
    const auto parsed = parse(std::string_view(text.constData(), size_t(text.size())));
    if (!parsed) return QStringLiteral("spec: unknown %1 '%2'").arg(QLatin1String(key), v.toString());
    value = *parsed;
    return std::nullopt;
}

} // namespace

QJsonObject spec_to_json(const ExperimentSpec& spec) {
    QJsonObject o;
    o.insert(QStringLiteral("engine"), qs(to_string(spec.engine)));
    o.insert(QStringLiteral("workload"), qs(to_string(spec.workload)));
    o.insert(QStringLiteral("gil"), qs(to_string(spec.gil)));
    o.insert(QStringLiteral("update"), qs(to_string(spec.update)));
    o.insert(QStringLiteral("start_method"), qs(to_string(spec.start_method)));
    o.insert(QStringLiteral("blocker"), qs(to_string(spec.blocker)));
    o.insert(QStringLiteral("offload"), qs(to_string(spec.offload)));
    visit_spec_numbers(spec, Writer{o});
    return o;
}

std::optional<QString> spec_from_json(const QJsonObject& o, ExperimentSpec& out) {
    ExperimentSpec spec;
    if (auto e = read_enum(o, "engine", spec.engine, parse_engine)) return e;
    if (auto e = read_enum(o, "workload", spec.workload, parse_workload)) return e;
    if (auto e = read_enum(o, "gil", spec.gil, parse_gil)) return e;
    if (auto e = read_enum(o, "update", spec.update, parse_update)) return e;
    if (auto e = read_enum(o, "start_method", spec.start_method, parse_start_method)) return e;
    if (auto e = read_enum(o, "blocker", spec.blocker, parse_blocker)) return e;
    if (auto e = read_enum(o, "offload", spec.offload, parse_offload)) return e;
    Reader reader{o, QStringLiteral("spec"), std::nullopt};
    visit_spec_numbers(spec, reader);
    if (reader.error) return reader.error;
    if (const auto invalid = validate(spec))
        return QStringLiteral("spec: %1").arg(QString::fromStdString(*invalid));
    out = spec;
    return std::nullopt;
}

QJsonObject summary_to_json(const Summary& s) {
    QJsonObject o;
    visit_summary_numbers(s, Writer{o});
    o.insert(QStringLiteral("error"), QString::fromStdString(s.error));
    QJsonArray workers;
    for (const WorkerStats& w : s.workers) {
        QJsonObject wo;
        wo.insert(QStringLiteral("name"), QString::fromStdString(w.name));
        visit_worker_numbers(w, Writer{wo});
        workers.append(wo);
    }
    o.insert(QStringLiteral("workers"), workers);
    return o;
}

std::optional<QString> summary_from_json(const QJsonObject& o, Summary& out) {
    Summary s;
    Reader reader{o, QStringLiteral("summary"), std::nullopt};
    visit_summary_numbers(s, reader);
    if (reader.error) return reader.error;
    const QJsonValue error = o.value(QStringLiteral("error"));
    if (!error.isUndefined() && !error.isString()) return QStringLiteral("summary: 'error' must be text");
    s.error = error.toString().toStdString();
    const QJsonValue workers = o.value(QStringLiteral("workers"));
    if (!workers.isUndefined() && !workers.isArray())
        return QStringLiteral("summary: 'workers' must be a list");
    for (const QJsonValue& wv : workers.toArray()) {
        if (!wv.isObject()) return QStringLiteral("summary: a worker entry is not an object");
        const QJsonObject wo = wv.toObject();
        WorkerStats w;
        w.name = wo.value(QStringLiteral("name")).toString().toStdString();
        Reader wr{wo, QStringLiteral("summary worker"), std::nullopt};
        visit_worker_numbers(w, wr);
        if (wr.error) return wr.error;
        s.workers.push_back(std::move(w));
    }
    out = std::move(s);
    return std::nullopt;
}

QJsonArray lanes_to_json(const std::vector<LaneInfo>& lanes) {
    QJsonArray array;
    for (const LaneInfo& lane : lanes) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), qint64(lane.id));
        o.insert(QStringLiteral("kind"), int(lane.kind));
        o.insert(QStringLiteral("name"), QString::fromStdString(lane.name));
        o.insert(QStringLiteral("parent"),
                 lane.parent == kNoLane ? QJsonValue(-1) : QJsonValue(qint64(lane.parent)));
        o.insert(QStringLiteral("os_id"), QString::number(lane.os_id));
        array.append(o);
    }
    return array;
}

std::optional<QString> lanes_from_json(const QJsonArray& array, std::vector<LaneInfo>& out) {
    std::vector<LaneInfo> lanes;
    lanes.reserve(size_t(array.size()));
    for (const QJsonValue& v : array) {
        const QString where = QStringLiteral("lane %1").arg(lanes.size());
        if (!v.isObject()) return where + QStringLiteral(" is not an object");
        const QJsonObject o = v.toObject();
        LaneInfo lane;
        // Events point at lanes by index, so a lane's id must be its position in the list.
        if (o.value(QStringLiteral("id")).toInteger(-1) != qint64(lanes.size()))
            return where + QStringLiteral(": id does not match its position");
        lane.id = uint32_t(lanes.size());
        const qint64 kind = o.value(QStringLiteral("kind")).toInteger(-1);
        if (kind < 0 || kind > int(LaneKind::Executor)) return where + QStringLiteral(": unknown kind");
        lane.kind = LaneKind(kind);
        if (!o.value(QStringLiteral("name")).isString()) return where + QStringLiteral(": name missing");
        lane.name = o.value(QStringLiteral("name")).toString().toStdString();
        const qint64 parent = o.value(QStringLiteral("parent")).toInteger(-1);
        if (parent < -1 || parent >= qint64(array.size()))
            return where + QStringLiteral(": parent out of range");
        lane.parent = parent < 0 ? kNoLane : uint32_t(parent);
        lane.os_id = o.value(QStringLiteral("os_id")).toString().toLongLong();
        lanes.push_back(std::move(lane));
    }
    out = std::move(lanes);
    return std::nullopt;
}

QJsonArray bookmarks_to_json(const QList<Bookmark>& bookmarks) {
    QJsonArray array;
    for (const Bookmark& b : bookmarks) {
        QJsonObject o;
        o.insert(QStringLiteral("t_s"), b.t_s);
        if (b.to_s >= 0) o.insert(QStringLiteral("to_s"), b.to_s);
        o.insert(QStringLiteral("label"), b.label);
        if (!b.lane.isEmpty()) o.insert(QStringLiteral("lane"), b.lane);
        if (b.from_lesson) o.insert(QStringLiteral("from_lesson"), true);
        array.append(o);
    }
    return array;
}

std::optional<QString> bookmarks_from_json(const QJsonArray& array, QList<Bookmark>& out) {
    QList<Bookmark> bookmarks;
    for (const QJsonValue& v : array) {
        const QString where = QStringLiteral("bookmark %1").arg(bookmarks.size() + 1);
        if (!v.isObject()) return where + QStringLiteral(" is not an object");
        const QJsonObject o = v.toObject();
        Bookmark b;
        const QJsonValue t = o.value(QStringLiteral("t_s"));
        if (!t.isDouble() || !std::isfinite(t.toDouble()) || t.toDouble() < 0)
            return where + QStringLiteral(": time must be a number of seconds ≥ 0");
        b.t_s = t.toDouble();
        const QJsonValue to = o.value(QStringLiteral("to_s"));
        if (!to.isUndefined()) {
            if (!to.isDouble() || !std::isfinite(to.toDouble()) || to.toDouble() < b.t_s)
                return where + QStringLiteral(": end must be a number ≥ its start");
            b.to_s = to.toDouble();
        }
        b.label = o.value(QStringLiteral("label")).toString();
        b.lane = o.value(QStringLiteral("lane")).toString();
        b.from_lesson = o.value(QStringLiteral("from_lesson")).toBool(false);
        bookmarks.append(b);
    }
    out = bookmarks;
    return std::nullopt;
}

} // namespace clab::classroom
