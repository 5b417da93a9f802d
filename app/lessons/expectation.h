// An `expect:` line of an experiment block: a figure the lesson text promises, checked against the
// JSON summary of a real run by the lesson tests ("speedup < 1.3", "wall_s 1.6..2.6",
// "processes.speedup > 1.5" in a compare step). A ratio of two figures is written with `/`:
// "threads.cpu_s / asyncio.cpu_s > 1.5" compares two engines of a compare step without an absolute
// number that would depend on how fast the machine is.
#pragma once

#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace clab::lessons {

// One number of one run: `metric` of the summary of `engine`'s run (empty engine: the step's own).
struct MetricRef {
    QString engine;
    QString metric;
    QString toString() const;
};

struct Expectation {
    enum class Op { Below, Above, Between };
    QString engine; // empty: the step's own engine; else one of the step's `compare:` engines
    QString metric; // a number of the JSON summary
    std::optional<MetricRef> divisor; // set for a ratio "A / B > X": the figure is metric / divisor
    Op op = Op::Below;
    double low = 0;  // Above, Between
    double high = 0; // Below, Between

    bool holds(double measured) const;
    QString toString() const; // back in lesson syntax

    // Every metric the expectation reads, the numerator first.
    QList<MetricRef> operands() const;
    // The figure to check, from a lookup of one engine's metric; nothing when a number is missing or
    // a divisor is zero (a ratio of nothing cannot pass or fail honestly).
    using Lookup = std::function<std::optional<double>(const QString& engine, const QString& metric)>;
    std::optional<double> measure(const Lookup& lookup) const;
};

// Parses one expect line; on failure returns nothing and sets `error` to a sentence.
std::optional<Expectation> parse_expectation(const QString& text, QString& error);

// The numbers of the JSON summary (core/experiment/summary.h) a lesson may name in `expect:` and
// `reveal:`. Booleans (deadlock, completed, broken, cancelled) count as 0 or 1.
const QStringList& summary_metrics();

// The numbers a run of the `python` engine measures: what `expect: python.X` may name (X from here).
const QStringList& python_metrics();

// True when `metric` can only be measured against a sequential baseline run.
bool needs_baseline(const QString& metric);

} // namespace clab::lessons
