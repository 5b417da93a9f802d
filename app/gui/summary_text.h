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
QList<SummaryRow> summary_rows(const Summary& summary);

// A metric by its Summary field name ("speedup", "wall_s", "lost_updates"); nothing if unknown.
std::optional<double> summary_metric(const Summary& summary, const QString& name);
// "0.97×", "2.03 s", "12,345", "4.8 ms" ...
QString format_metric(const QString& name, double value);
// "Speedup", "Wall time" ...
QString metric_label(const QString& name);

} // namespace clab::gui
