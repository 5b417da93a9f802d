#include "expectation.h"

#include "block_fields.h"

#include <QRegularExpression>

namespace clab::lessons {

const QStringList& summary_metrics() {
    static const QStringList metrics{
        QStringLiteral("wall_s"),
        QStringLiteral("cpu_s"),
        QStringLiteral("events"),
        QStringLiteral("peak_rss_mb"),
        QStringLiteral("completed"),
        QStringLiteral("cancelled"),
        QStringLiteral("gil_switches"),
        QStringLiteral("forced_switches"),
        QStringLiteral("gil_wait_s"),
        QStringLiteral("median_gil_slice_ms"),
        QStringLiteral("lost_updates"),
        QStringLiteral("counter_expected"),
        QStringLiteral("counter_value"),
        QStringLiteral("deadlock"),
        QStringLiteral("io_latency_median_ms"),
        QStringLiteral("io_latency_max_ms"),
        QStringLiteral("process_start_s"),
        QStringLiteral("ipc_bytes"),
        QStringLiteral("serialize_s"),
        QStringLiteral("broken"),
        QStringLiteral("loop_iterations"),
        QStringLiteral("task_switches"),
        QStringLiteral("max_loop_lag_s"),
        QStringLiteral("slow_callbacks"),
        QStringLiteral("baseline_wall_s"),
        QStringLiteral("speedup"),
        QStringLiteral("efficiency"),
        QStringLiteral("exit_code"),
    };
    return metrics;
}

const QStringList& python_metrics() {
    // What core/python fills in (or the Runner and summarize_trace derive from its events). The
    // others (lost_updates, ipc_bytes …) belong to the engines' workloads, and a real program has no
    // sequential baseline, so no speedup.
    static const QStringList metrics{
        QStringLiteral("wall_s"),          QStringLiteral("cpu_s"),
        QStringLiteral("events"),          QStringLiteral("peak_rss_mb"),
        QStringLiteral("completed"),       QStringLiteral("cancelled"),
        QStringLiteral("exit_code"),       QStringLiteral("gil_switches"),
        QStringLiteral("gil_wait_s"),      QStringLiteral("median_gil_slice_ms"),
        QStringLiteral("process_start_s"), QStringLiteral("loop_iterations"),
        QStringLiteral("task_switches"),   QStringLiteral("max_loop_lag_s"),
        QStringLiteral("slow_callbacks"),
    };
    return metrics;
}

bool needs_baseline(const QString& metric) {
    return metric == QLatin1String("speedup") || metric == QLatin1String("efficiency") ||
           metric == QLatin1String("baseline_wall_s");
}

bool Expectation::holds(double measured) const {
    switch (op) {
    case Op::Below:
        return measured < high;
    case Op::Above:
        return measured > low;
    case Op::Between:
        return measured >= low && measured <= high;
    }
    return false;
}

QString MetricRef::toString() const {
    return engine.isEmpty() ? metric : engine + QLatin1Char('.') + metric;
}

QList<MetricRef> Expectation::operands() const {
    QList<MetricRef> refs{MetricRef{engine, metric}};
    if (divisor) refs.append(*divisor);
    return refs;
}

std::optional<double> Expectation::measure(const Lookup& lookup) const {
    const auto value = lookup(engine, metric);
    if (!value || !divisor) return value;
    const auto by = lookup(divisor->engine, divisor->metric);
    if (!by || *by == 0) return std::nullopt;
    return *value / *by;
}

QString Expectation::toString() const {
    QString name = MetricRef{engine, metric}.toString();
    if (divisor) name += QStringLiteral(" / ") + divisor->toString();
    switch (op) {
    case Op::Below:
        return QStringLiteral("%1 < %2").arg(name).arg(high);
    case Op::Above:
        return QStringLiteral("%1 > %2").arg(name).arg(low);
    case Op::Between:
        return QStringLiteral("%1 %2..%3").arg(name).arg(low).arg(high);
    }
    return name;
}

std::optional<Expectation> parse_expectation(const QString& text, QString& error) {
    // NAME < X | NAME > X | NAME X..Y, where NAME is REF or REF / REF and REF is METRIC or ENGINE.METRIC
    static const QString ref = QStringLiteral("(?:([a-z][a-z-]*)\\.)?([a-z_]+)");
    static const QRegularExpression pattern(
        QStringLiteral("^%1(?:\\s*/\\s*%1)?\\s*(?:(<|>)\\s*(\\S+)|\\s(\\S+?)\\.\\.(\\S+))$").arg(ref));
    const auto match = pattern.match(text.trimmed());
    if (!match.hasMatch()) {
        error = QStringLiteral("expect takes 'METRIC < X', 'METRIC > X' or 'METRIC X..Y' (METRIC may be a "
                               "ratio 'A / B'), got '%1'")
                    .arg(text.left(60));
        return std::nullopt;
    }
    const auto known = [&](const QString& metric) {
        if (summary_metrics().contains(metric)) return true;
        error = QStringLiteral("expect names '%1', which is not a number of the run's summary (known: %2)")
                    .arg(metric, summary_metrics().join(QStringLiteral(", ")));
        return false;
    };
    Expectation expectation;
    expectation.engine = match.captured(1);
    expectation.metric = match.captured(2);
    if (!known(expectation.metric)) return std::nullopt;
    if (!match.captured(4).isEmpty()) {
        expectation.divisor = MetricRef{match.captured(3), match.captured(4)};
        if (!known(expectation.divisor->metric)) return std::nullopt;
    }
    const auto number = [&](const QString& s) {
        const auto value = parse_number(s);
        if (!value) error = QStringLiteral("expect: '%1' is not a number").arg(s.left(30));
        return value;
    };
    if (!match.captured(5).isEmpty()) {
        const auto value = number(match.captured(6));
        if (!value) return std::nullopt;
        expectation.op =
            match.captured(5) == QLatin1String("<") ? Expectation::Op::Below : Expectation::Op::Above;
        (expectation.op == Expectation::Op::Below ? expectation.high : expectation.low) = *value;
        return expectation;
    }
    const auto low = number(match.captured(7));
    if (!low) return std::nullopt;
    const auto high = number(match.captured(8));
    if (!high) return std::nullopt;
    if (*low > *high) {
        error = QStringLiteral("expect: the range %1..%2 is empty (min > max)").arg(*low).arg(*high);
        return std::nullopt;
    }
    expectation.op = Expectation::Op::Between;
    expectation.low = *low;
    expectation.high = *high;
    return expectation;
}

} // namespace clab::lessons
