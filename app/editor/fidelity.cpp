#include "fidelity.h"

#include "gui/summary_text.h"
#include "lessons/expectation.h"

#include <QCoreApplication>
#include <QStringList>

namespace clab::editor {

namespace {
QString tr(const char* text) {
    return QCoreApplication::translate("clab::editor::Fidelity", text);
}

QString engine_name(const Summary& s) {
    return QString::fromLatin1(to_string(s.spec.engine).data());
}

// "engine 1.02 s, python3 1.10 s (0.93×)": one figure on both sides and their ratio.
QString both(const QString& metric, const Summary& engine, const Summary& python) {
    const auto e = gui::summary_metric(engine, metric);
    const auto p = gui::summary_metric(python, metric);
    if (!e || !p) return {};
    QString text =
        tr("%1 %2, python3 %3")
            .arg(engine_name(engine), gui::format_metric(metric, *e), gui::format_metric(metric, *p));
    if (*p > 0) text += tr(" (engine/python3 %1×)").arg(*e / *p, 0, 'f', 2);
    return text;
}
} // namespace

QString fidelity_note(const Summary& engine, const Summary& python, const QString& reveal) {
    QStringList parts;
    parts << tr("Wall time: %1").arg(both(QStringLiteral("wall_s"), engine, python));
    parts << tr("CPU: %1").arg(both(QStringLiteral("cpu_s"), engine, python));
    // How many cores each kept busy on average: comparable even when the runs differ in length.
    if (engine.wall_s > 0 && python.wall_s > 0)
        parts << tr("cores busy on average: engine %1, python3 %2")
                     .arg(engine.cpu_s / engine.wall_s, 0, 'f', 2)
                     .arg(python.cpu_s / python.wall_s, 0, 'f', 2);
    if (engine.speedup > 0)
        parts << tr("speedup: engine %1× against its sequential baseline; python3 has none (a real "
                    "program has no sequential twin)")
                     .arg(engine.speedup, 0, 'f', 2);
    if (!reveal.isEmpty() && reveal != QLatin1String("wall_s") && reveal != QLatin1String("cpu_s") &&
        lessons::python_metrics().contains(reveal))
        if (const QString figure = both(reveal, engine, python); !figure.isEmpty())
            parts << tr("%1: %2").arg(gui::metric_label(reveal), figure);
    QString note = tr("Measured in this run — ") + parts.join(QStringLiteral("; ")) + QLatin1Char('.');
    if (machine_was_busy(engine) || machine_was_busy(python))
        note += tr(" Other programs were busy meanwhile, so the figures may be off.");
    return note;
}

} // namespace clab::editor
