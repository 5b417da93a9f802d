#include "baseline.h"

#include "core/experiment/runner.h"

#include <algorithm>

namespace clab::gui {

QString spec_key(const ExperimentSpec& s) {
    auto name = [](std::string_view v) { return QString::fromUtf8(v.data(), qsizetype(v.size())); };
    // timeout_s and debug are left out: they do not change what a completed run measures.
    return QStringLiteral(
               "%1|%2|t%3|w%4|i%5|io%6x%7|si%8|g%9|u%10|l%11|o%12|sm%13|c%14|p%15|n%16|cp%17|cpus%18|b%19|"
               "off%20|ts%21")
        .arg(name(to_string(s.engine)), name(to_string(s.workload)))
        .arg(s.tasks)
        .arg(s.workers)
        .arg(s.iterations)
        .arg(s.io_ms)
        .arg(s.io_count)
        .arg(s.switch_interval_ms)
        .arg(name(to_string(s.gil)), name(to_string(s.update)))
        .arg(int(s.lock))
        .arg(int(s.lock_order_fixed))
        .arg(name(to_string(s.start_method)))
        .arg(s.chunksize)
        .arg(s.payload_bytes)
        .arg(s.concurrency)
        .arg(s.cpu_percent)
        .arg(s.cpus)
        .arg(name(to_string(s.blocker)), name(to_string(s.offload)))
        .arg(s.time_scale);
}

int parallel_units(const ExperimentSpec& s) {
    return std::max(1, workers_used(s)); // the same count the command line's efficiency uses
}

bool speedup_applies(const ExperimentSpec& s) {
    // A real python program has no "same work, one task after another" the app could run.
    return s.engine != EngineKind::Sequential && s.engine != EngineKind::Python && s.tasks > 1;
}

void apply_baseline(Summary& summary, double baseline_wall_s) {
    if (baseline_wall_s <= 0 || summary.wall_s <= 0) return;
    summary.baseline_wall_s = baseline_wall_s;
    summary.speedup = baseline_wall_s / summary.wall_s;
    summary.efficiency = summary.speedup / parallel_units(summary.spec);
}

std::optional<double> BaselineCache::find(const ExperimentSpec& run_spec) const {
    const auto it = walls_.constFind(spec_key(sequential_baseline(run_spec)));
    if (it == walls_.constEnd()) return std::nullopt;
    return *it;
}

void BaselineCache::store(const ExperimentSpec& run_spec, double wall_s) {
    walls_.insert(spec_key(sequential_baseline(run_spec)), wall_s);
}

} // namespace clab::gui
