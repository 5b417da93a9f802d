#include "exercise_checker.h"

#include <QRegularExpression>

namespace clab::lessons {

namespace {

QString stream_text(const ProgramRun& run, const QString& stream) {
    if (stream == QLatin1String("stdout")) return run.out;
    if (stream == QLatin1String("stderr")) return run.err;
    return run.out + run.err;
}

// The last line of what the program wrote, so a failed check shows what came out instead.
QString last_line(const QString& text) {
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return lines.isEmpty() ? QStringLiteral("nothing") : QStringLiteral("'%1'").arg(lines.last().left(80));
}

CheckResult check_one(const ExerciseCheck& check, const ProgramRun& run, const ProgramRun* start) {
    CheckResult result{check.source, check.line, false, {}};
    switch (check.kind) {
    case ExerciseCheck::Kind::OutputContains: {
        const QString text = stream_text(run, check.stream);
        result.passed = text.contains(check.text);
        result.why =
            result.passed
                ? QStringLiteral("found in %1").arg(check.stream)
                : QStringLiteral("not in %1; its last line is %2").arg(check.stream, last_line(text));
        break;
    }
    case ExerciseCheck::Kind::OutputMatches: {
        const QString text = stream_text(run, check.stream);
        const QRegularExpression pattern(check.text, QRegularExpression::MultilineOption);
        const auto match = pattern.match(text);
        result.passed = match.hasMatch();
        result.why = result.passed ? QStringLiteral("'%1' matches").arg(match.captured(0).left(80))
                                   : QStringLiteral("no line of %1 matches; its last line is %2")
                                         .arg(check.stream, last_line(text));
        break;
    }
    case ExerciseCheck::Kind::ExitStatus:
        result.passed = run.exit_status == check.exit_status;
        result.why = run.exit_status < 0
                         ? QStringLiteral("the program was killed by signal %1").arg(-run.exit_status)
                         : QStringLiteral("it exited with status %1").arg(run.exit_status);
        break;
    case ExerciseCheck::Kind::Figure: {
        QStringList missing;
        const auto lookup = [&](const QString& engine, const QString& metric) -> std::optional<double> {
            const ProgramRun* from = engine == QLatin1String("start") ? start : &run;
            if (!from || !from->figures.contains(metric)) {
                missing.append(MetricRef{engine, metric}.toString());
                return std::nullopt;
            }
            return from->figures.value(metric);
        };
        const auto measured = check.figure->measure(lookup);
        if (!measured) {
            result.why = missing.isEmpty() ? QStringLiteral("the ratio divides by zero")
                                           : QStringLiteral("%1 was not measured on this run")
                                                 .arg(missing.join(QStringLiteral(", ")));
            break;
        }
        result.passed = check.figure->holds(*measured);
        result.why = QStringLiteral("measured %1").arg(*measured, 0, 'g', 4);
        break;
    }
    }
    return result;
}

} // namespace

ExerciseResult check_exercise(const Exercise& exercise, const ProgramRun& run, const ProgramRun* start) {
    ExerciseResult result;
    if (!run.problem.isEmpty())
        result.problem = run.problem;
    else if (run.timed_out)
        result.problem = QStringLiteral("the program was still running after %1 s and was stopped")
                             .arg(exercise.timeout_s);
    else if (start && !start->problem.isEmpty())
        result.problem =
            QStringLiteral("the starting code, run to compare with, failed: %1").arg(start->problem);
    result.passed = result.problem.isEmpty();
    for (const ExerciseCheck& check : exercise.checks) {
        CheckResult one = check_one(check, run, start);
        if (!result.problem.isEmpty()) {
            one.passed = false;
            one.why = result.problem;
        }
        result.passed = result.passed && one.passed;
        result.checks.append(one);
    }
    return result;
}

QString ExerciseResult::toString() const {
    QStringList lines;
    if (!problem.isEmpty()) lines.append(problem);
    for (const CheckResult& check : checks)
        lines.append(
            QStringLiteral("%1 %2 — %3")
                .arg(check.passed ? QStringLiteral("✓") : QStringLiteral("✗"), check.check, check.why));
    lines.append(passed ? QStringLiteral("Solved.") : QStringLiteral("Not yet."));
    return lines.join(QLatin1Char('\n'));
}

} // namespace clab::lessons
