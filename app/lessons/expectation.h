// An `expect:` line of an experiment block: a figure the lesson text promises, checked against the
// JSON summary of a real run by the lesson tests ("speedup < 1.3", "wall_s 1.6..2.6",
// "processes.speedup > 1.5" in a compare step).
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace clab::lessons {

struct Expectation {
    enum class Op { Below, Above, Between };
    QString engine; // empty: the step's own engine; else one of the step's `compare:` engines
    QString metric; // a number of the JSON summary
    Op op = Op::Below;
    double low = 0;  // Above, Between
    double high = 0; // Below, Between

    bool holds(double measured) const;
    QString toString() const; // back in lesson syntax
};

// Parses one expect line; on failure returns nothing and sets `error` to a sentence.
std::optional<Expectation> parse_expectation(const QString& text, QString& error);

// The numbers of the JSON summary (core/experiment/summary.h) a lesson may name in `expect:` and
// `reveal:`. Booleans (deadlock, completed, broken, cancelled) count as 0 or 1.
const QStringList& summary_metrics();

// True when `metric` can only be measured against a sequential baseline run.
bool needs_baseline(const QString& metric);

} // namespace clab::lessons
