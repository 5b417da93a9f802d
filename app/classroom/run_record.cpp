#include "run_record.h"

#include "slow_motion.h"

namespace clab::classroom {

const std::shared_ptr<const Trace>& empty_trace() {
    static const std::shared_ptr<const Trace> empty = std::make_shared<const Trace>();
    return empty;
}

Trace& edit_trace(RunRecord& run) {
    auto own = std::make_shared<Trace>(*run.trace);
    Trace& trace = *own;
    run.trace = std::move(own);
    return trace;
}

size_t run_bytes(const RunRecord& run) {
    const Trace& t = *run.trace;
    size_t n = sizeof(RunRecord) + sizeof(Trace) + t.events.capacity() * sizeof(Event) +
               t.lanes.capacity() * sizeof(LaneInfo);
    for (const LaneInfo& lane : t.lanes)
        n += lane.name.capacity();
    return n + size_t(run.bookmarks.size()) * sizeof(Bookmark);
}

QString describe_spec(const ExperimentSpec& spec) {
    const QString engine =
        QString::fromUtf8(to_string(spec.engine).data(), qsizetype(to_string(spec.engine).size()));
    const QString workload =
        QString::fromUtf8(to_string(spec.workload).data(), qsizetype(to_string(spec.workload).size()));
    QString text = engine;
    if (spec.workers > 0) text += QStringLiteral(" ×%1").arg(spec.workers);
    text += QStringLiteral(", %1, %2 task%3").arg(workload).arg(spec.tasks).arg(spec.tasks == 1 ? "" : "s");
    if (spec.gil == GilMode::Off) text += QStringLiteral(", GIL off");
    if (spec.time_scale > 1.0) text += QStringLiteral(", %1× slow").arg(spec.time_scale);
    return text;
}

double comparable_wall_s(const Summary& summary) {
    const double scale = summary.spec.time_scale >= 1.0 ? summary.spec.time_scale : 1.0;
    return summary.wall_s / scale;
}

RunRecord at_normal_speed(const RunRecord& run) {
    RunRecord copy = run;
    const double k = run.spec.time_scale;
    if (k <= 1.0) return copy;
    copy.trace = normal_speed_trace(run.trace, k); // shared by the views that show it
    for (Bookmark& b : copy.bookmarks) {
        b.t_s /= k;
        if (b.to_s >= 0) b.to_s /= k;
    }
    copy.summary.wall_s = comparable_wall_s(run.summary);
    return copy;
}

} // namespace clab::classroom
