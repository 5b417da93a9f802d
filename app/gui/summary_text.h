// A run's Summary in words: the rows of the summary panel, the headline (finished / stopped /
// deadlock / broken pool ...), metric lookup by name for lesson predictions. Pure functions, no
// widgets. Every number comes from the Summary; nothing is estimated here.
#pragma once

#include "core/experiment/summary.h"

#include <QList>
#include <QString>
#include <optional>

namespace clab::gui {

enum class Severity { Info, Good, Warning, Error };

struct SummaryRow {
    QString key;   // the metric's name, as lessons write it ("wall_s", "speedup")
    QString label; // "Wall time"
    QString value; // "2.03 s"
    QString hint;  // a short explanation in the student's terms
    Severity severity = Severity::Info;
};

struct Headline {
    QString text;
    Severity severity = Severity::Info;
};

Headline summary_headline(const Summary& summary);
// When other programs took a notable share of the CPU during the run (machine_was_busy): a
// sentence saying so and that the figures may be off; empty otherwise.
QString busy_machine_note(const Summary& summary);
QList<SummaryRow> summary_rows(const Summary& summary);
// An asyncio run with something falling due (a sleep's end, a reply, a tick) the loop can be late
// to: only then is its loop lag a figure (all computing has none to measure).
bool loop_lag_applies(const Summary& summary);

// A metric by its Summary field name ("speedup", "wall_s", "lost_updates"); nothing if unknown.
std::optional<double> summary_metric(const Summary& summary, const QString& name);
// "0.97×", "2.03 s", "12,345", "4.8 ms" ...
QString format_metric(const QString& name, double value);
// "Speedup", "Wall time" ...
QString metric_label(const QString& name);
// The measured figure in words, for a prediction's reveal: "1.73× speedup", "2,444,232 lost
// updates (the counter ended at …)", "CPU 0.91 s of 0.91 s wall", "a deadlock". Empty if unknown.
QString measured_phrase(const Summary& summary, const QString& name);

} // namespace clab::gui
