#include "control_catalog.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

namespace clab::gui {

namespace {

template <typename E>
ControlDef choice(QString key, QString label, QString tooltip, QList<E> values, QStringList labels,
                  E ExperimentSpec::*field) {
    ControlDef def;
    def.key = std::move(key);
    def.label = std::move(label);
    def.tooltip = std::move(tooltip);
    def.kind = ControlKind::Choice;
    def.min = 0;
    def.max = double(values.size() - 1);
    for (E v : values)
        def.choices << QString::fromUtf8(to_string(v).data(), qsizetype(to_string(v).size()));
    def.choice_labels = std::move(labels);
    def.get = [values, field](const ExperimentSpec& s) {
        return double(std::max<qsizetype>(0, values.indexOf(s.*field)));
    };
    def.set = [values, field](ExperimentSpec& s, double v) {
        const qsizetype i = std::clamp<qsizetype>(qsizetype(std::lround(v)), 0, values.size() - 1);
        s.*field = values[i];
    };
    return def;
}

ControlDef toggle(QString key, QString label, QString tooltip, QStringList labels,
                  bool ExperimentSpec::*field) {
    ControlDef def;
    def.key = std::move(key);
    def.label = std::move(label);
    def.tooltip = std::move(tooltip);
    def.kind = ControlKind::Toggle;
    def.min = 0;
    def.max = 1;
    def.choices = {QStringLiteral("false"), QStringLiteral("true")};
    def.choice_labels = std::move(labels);
    def.get = [field](const ExperimentSpec& s) { return s.*field ? 1.0 : 0.0; };
    def.set = [field](ExperimentSpec& s, double v) { s.*field = v >= 0.5; };
    return def;
}

template <typename T>
ControlDef number(QString key, QString label, QString unit, QString tooltip, double min, double max, bool log,
                  T ExperimentSpec::*field) {
    ControlDef def;
    def.key = std::move(key);
    def.label = std::move(label);
    def.unit = std::move(unit);
    def.tooltip = std::move(tooltip);
    def.kind = std::is_integral_v<T> ? ControlKind::Integer : ControlKind::Real;
    def.min = min;
    def.max = max;
    def.log_scale = log;
    def.get = [field](const ExperimentSpec& s) { return double(s.*field); };
    def.set = [field](ExperimentSpec& s, double v) {
        if constexpr (std::is_integral_v<T>)
            s.*field = T(std::llround(v));
        else
            s.*field = T(v);
    };
    return def;
}

QList<ControlDef> build_catalog() {
    using E = EngineKind;
    using W = WorkloadKind;
    QList<ControlDef> c;
    c << choice<E>(QStringLiteral("engine"), QObject::tr("Engine"), QObject::tr("What runs the tasks."),
                   {E::Sequential, E::Threads, E::ThreadPool, E::Processes, E::ProcessPool, E::Asyncio},
                   {QObject::tr("Sequential"), QObject::tr("Threads"), QObject::tr("ThreadPoolExecutor"),
                    QObject::tr("Processes"), QObject::tr("ProcessPoolExecutor"), QObject::tr("asyncio")},
                   &ExperimentSpec::engine);
    c << choice<W>(
        QStringLiteral("workload"), QObject::tr("Workload"), QObject::tr("What every task does."),
        {W::Cpu, W::Sleep, W::Net, W::Mixed, W::Counter, W::Deadlock, W::Payload, W::Blend, W::BlockLoop},
        {QObject::tr("Count (CPU-bound)"), QObject::tr("Sleep"), QObject::tr("Network requests"),
         QObject::tr("CPU + I/O (convoy)"), QObject::tr("Shared counter"), QObject::tr("Two locks"),
         QObject::tr("Send data"), QObject::tr("CPU / I/O blend"), QObject::tr("Block the loop")},
        &ExperimentSpec::workload);
    c << number(QStringLiteral("tasks"), QObject::tr("Tasks"), QString(), QObject::tr("How many tasks run."),
                1, 10000, true, &ExperimentSpec::tasks);
    c << number(QStringLiteral("workers"), QObject::tr("Workers"), QString(),
                QObject::tr("Threads or processes doing the work (0: the engine's default)."), 0, 32, false,
                &ExperimentSpec::workers);
    c << number(QStringLiteral("iterations"), QObject::tr("Work size"), QObject::tr("iterations"),
                QObject::tr("Python loop iterations per task (how far each task counts)."), 1e4, 1e8, true,
                &ExperimentSpec::iterations);
    c << number(QStringLiteral("io_ms"), QObject::tr("I/O latency"), QObject::tr("ms"),
                QObject::tr("How long one blocking wait or one request takes."), 1, 5000, true,
                &ExperimentSpec::io_ms);
    c << number(QStringLiteral("io_count"), QObject::tr("I/O calls"), QObject::tr("per task"),
                QObject::tr("Blocking waits or requests per task."), 1, 1000, true,
                &ExperimentSpec::io_count);
    c << number(QStringLiteral("switch_interval_ms"), QObject::tr("Switch interval"), QObject::tr("ms"),
                QObject::tr("sys.setswitchinterval: how long a thread may hold the GIL while others wait."),
                0.1, 100, true, &ExperimentSpec::switch_interval_ms);
    c << choice<GilMode>(
        QStringLiteral("gil"), QObject::tr("GIL"),
        QObject::tr("On: classic CPython. Off: free-threaded 3.13t. Per interpreter: 3.12+."),
        {GilMode::On, GilMode::Off, GilMode::PerInterpreter},
        {QObject::tr("On"), QObject::tr("Off (free-threaded)"), QObject::tr("One per interpreter")},
        &ExperimentSpec::gil);
    c << choice<StartMethod>(QStringLiteral("start_method"), QObject::tr("Start method"),
                             QObject::tr("How multiprocessing starts a child process."),
                             {StartMethod::Fork, StartMethod::Spawn, StartMethod::Forkserver},
                             {QStringLiteral("fork"), QStringLiteral("spawn"), QStringLiteral("forkserver")},
                             &ExperimentSpec::start_method);
    c << number(QStringLiteral("chunksize"), QObject::tr("Chunksize"), QString(),
                QObject::tr("Tasks sent to a pool worker in one batch (ProcessPoolExecutor.map)."), 1, 500,
                true, &ExperimentSpec::chunksize);
    c << number(QStringLiteral("concurrency"), QObject::tr("Concurrency limit"), QString(),
                QObject::tr("asyncio.Semaphore limit: requests in flight at once (0: unlimited)."), 0, 1000,
                false, &ExperimentSpec::concurrency);
    c << number(QStringLiteral("payload_bytes"), QObject::tr("Payload size"), QObject::tr("bytes"),
                QObject::tr("How much data crosses the pipe to the worker and back."), 1024, 100e6, true,
                &ExperimentSpec::payload_bytes);
    c << number(QStringLiteral("cpu_percent"), QObject::tr("CPU share"), QObject::tr("%"),
                QObject::tr("How much of each task is CPU work; the rest waits for I/O."), 0, 100, false,
                &ExperimentSpec::cpu_percent);
    c << number(QStringLiteral("cpus"), QObject::tr("Cores"), QString(),
                QObject::tr("Pin the run to the first N cores (0: all)."), 0, 16, false,
                &ExperimentSpec::cpus);
    c << choice<CounterUpdate>(QStringLiteral("update"), QObject::tr("Update"),
                               QObject::tr("How each task adds to the shared counter."),
                               {CounterUpdate::InPlace, CounterUpdate::Call},
                               {QStringLiteral("counter += 1"), QStringLiteral("counter = counter + f()")},
                               &ExperimentSpec::update);
    c << toggle(QStringLiteral("lock"), QObject::tr("Lock"),
                QObject::tr("Protect the update with a threading.Lock."),
                {QObject::tr("no lock"), QObject::tr("with Lock")}, &ExperimentSpec::lock);
    c << toggle(QStringLiteral("lock_order"), QObject::tr("Lock order"),
                QObject::tr("Both threads take the two locks in the same order."),
                {QObject::tr("opposite"), QObject::tr("same (fixed)")}, &ExperimentSpec::lock_order_fixed);
    c << choice<Blocker>(QStringLiteral("blocker"), QObject::tr("Blocking call"),
                         QObject::tr("What the badly behaved coroutine does."),
                         {Blocker::Cpu, Blocker::Sleep},
                         {QObject::tr("CPU loop"), QStringLiteral("time.sleep()")}, &ExperimentSpec::blocker);
    c << choice<Offload>(
        QStringLiteral("offload"), QObject::tr("Offload to"),
        QObject::tr("Where the blocking work goes instead of the event loop."),
        {Offload::None, Offload::Thread, Offload::Process},
        {QObject::tr("nowhere"), QStringLiteral("asyncio.to_thread"), QObject::tr("a process pool")},
        &ExperimentSpec::offload);
    c << number(QStringLiteral("time_scale"), QObject::tr("Slow motion"), QStringLiteral("×"),
                QObject::tr("Stretch waits and work so you can watch the hand-offs."), 1, 20, false,
                &ExperimentSpec::time_scale);
    return c;
}

} // namespace

const QList<ControlDef>& control_catalog() {
    static const QList<ControlDef> catalog = build_catalog();
    return catalog;
}

const ControlDef* find_control(const QString& key) {
    for (const ControlDef& def : control_catalog())
        if (def.key == key) return &def;
    return nullptr;
}

QString format_control_value(const ControlDef& def, double value) {
    const QLocale locale(QLocale::English);
    switch (def.kind) {
    case ControlKind::Choice:
    case ControlKind::Toggle: {
        const qsizetype i = qsizetype(std::lround(value));
        if (i >= 0 && i < def.choice_labels.size()) return def.choice_labels[i];
        return i >= 0 && i < def.choices.size() ? def.choices[i] : QStringLiteral("?");
    }
    case ControlKind::Integer: {
        QString text = locale.toString(qlonglong(std::llround(value)));
        if (def.key == QLatin1String("payload_bytes")) {
            const double v = value;
            text = v >= 1e6   ? QStringLiteral("%1 MB").arg(v / 1e6, 0, 'g', 3)
                   : v >= 1e3 ? QStringLiteral("%1 KB").arg(v / 1e3, 0, 'g', 3)
                              : QStringLiteral("%1 B").arg(v);
            return text;
        }
        if ((def.key == QLatin1String("workers") || def.key == QLatin1String("cpus")) && value < 0.5)
            return QObject::tr("default");
        if (def.key == QLatin1String("concurrency") && value < 0.5) return QObject::tr("unlimited");
        return def.unit.isEmpty() ? text : text + QLatin1Char(' ') + def.unit;
    }
    case ControlKind::Real: {
        const int decimals = std::abs(value) < 10 ? 1 : 0;
        const QString text = locale.toString(value, 'f', decimals);
        return def.unit.isEmpty() ? text : text + QLatin1Char(' ') + def.unit;
    }
    }
    return QString();
}

double SliderScale::value_at(int position) const {
    const int n = steps();
    const double f = n > 0 ? std::clamp(double(position) / n, 0.0, 1.0) : 0.0;
    double v;
    if (log && min > 0 && max > min)
        v = min * std::pow(max / min, f);
    else
        v = min + (max - min) * f;
    if (integer) v = std::round(v);
    // A log slider's round values read better: 1,234,567 iterations -> 1,200,000.
    if (log && integer && v >= 100) {
        const double magnitude = std::pow(10.0, std::floor(std::log10(v)) - 1);
        v = std::round(v / magnitude) * magnitude;
    }
    return std::clamp(v, min, max);
}

int SliderScale::position_of(double value) const {
    const int n = steps();
    const double v = std::clamp(value, min, max);
    double f;
    if (max <= min)
        f = 0;
    else if (log && min > 0)
        f = std::log(v / min) / std::log(max / min);
    else
        f = (v - min) / (max - min);
    return std::clamp(int(std::lround(f * n)), 0, n);
}

int SliderScale::steps() const {
    if (integer && !log && max - min <= kSliderSteps) return std::max(0, int(std::lround(max - min)));
    return kSliderSteps;
}

SliderScale slider_scale(const ControlDef& def, double min, double max) {
    SliderScale s;
    s.min = std::min(min, max);
    s.max = std::max(min, max);
    s.integer = def.kind != ControlKind::Real;
    // A log scale needs a positive start and a range worth it (over two decades).
    s.log = def.log_scale && s.min > 0 && s.max / s.min >= 100;
    return s;
}

} // namespace clab::gui
