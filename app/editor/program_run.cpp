#include "program_run.h"

#include "core/experiment/runner.h"
#include "gui/summary_text.h"
#include "lessons/expectation.h"

#include <QRegularExpression>
#include <algorithm>
#include <utility>
#include <vector>

namespace clab::editor {

ExperimentSpec program_spec(const QString& code, const QString& python, double timeout_s) {
    ExperimentSpec spec;
    spec.engine = EngineKind::Python;
    spec.source = code.toStdString();
    spec.python = python.toStdString();
    spec.timeout_s = timeout_s;
    spec.tasks = 1; // the program decides its own threads and processes; the spec's workload is unused
    return spec;
}

int max_threads_alive(const Trace& trace) {
    std::vector<bool> thread_lane(trace.lanes.size(), false);
    for (const LaneInfo& lane : trace.lanes)
        if (lane.kind == LaneKind::Thread && lane.id < thread_lane.size()) thread_lane[lane.id] = true;
    std::vector<std::pair<int64_t, int>> changes; // (time, +1 start / -1 exit): exits first on a tie
    for (const Event& e : trace.events) {
        if (e.lane >= thread_lane.size() || !thread_lane[e.lane]) continue;
        if (e.kind == EventKind::WorkerStart) changes.emplace_back(e.t_ns, +1);
        if (e.kind == EventKind::WorkerExit) changes.emplace_back(e.t_ns, -1);
    }
    std::sort(changes.begin(), changes.end());
    int alive = 0, most = 0;
    for (const auto& [t, change] : changes)
        most = std::max(most, alive += change);
    return most;
}

lessons::ProgramRun program_run(const Summary& summary, const Trace* trace) {
    lessons::ProgramRun run;
    run.out = QString::fromStdString(summary.program_stdout);
    run.err = QString::fromStdString(summary.program_stderr);
    run.exit_status = summary.exit_code;
    const double limit = summary.spec.timeout_s;
    // The Runner cancels a run at its time limit; a Stop cancels it sooner.
    // The Runner says so in the error (runner.cpp); the wall clock is the fallback. wall_s leaves out
    // the interpreter's look-up and start-up, which the limit counts, so it alone read a time-limit
    // stop as a Stop when they took more than 2 % of the limit.
    run.timed_out = summary.cancelled && limit > 0 &&
                    (summary.error.rfind("stopped after the time limit", 0) == 0 ||
                     summary.wall_s + summary.interpreter_start_s >= limit * 0.98);
    if (summary.cancelled && !run.timed_out)
        run.problem = QObject::tr("stopped");
    else if (!summary.cancelled && !summary.error.empty() && summary.exit_code == 0)
        run.problem = QString::fromStdString(summary.error); // no interpreter, no tracer: nothing ran
    for (const QString& name : lessons::summary_metrics())
        if (const auto value = gui::summary_metric(summary, name)) run.figures.insert(name, *value);
    run.figures.insert(QStringLiteral("exit_code"), summary.exit_code);
    if (trace) run.figures.insert(QStringLiteral("max_threads_alive"), max_threads_alive(*trace));
    return run;
}

lessons::ProgramRun run_program(const QString& code, double timeout_s, const QString& python) {
    Trace trace;
    const Summary summary = Runner::run(program_spec(code, python, timeout_s), &trace);
    return program_run(summary, &trace);
}

int program_traceback_line(const QString& stderr_text) {
    static const QRegularExpression frame(
        QStringLiteral("^\\s*File \"[^\"]*/clab-snippet-[^/\"]+/snippet\\.py\", line ([0-9]+)"),
        QRegularExpression::MultilineOption);
    int line = 0;
    for (auto it = frame.globalMatch(stderr_text); it.hasNext();)
        line = it.next().captured(1).toInt();
    return line;
}

} // namespace clab::editor
