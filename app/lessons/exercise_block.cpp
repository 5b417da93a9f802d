#include "exercise_block.h"

#include <QRegularExpression>

namespace clab::lessons {

namespace {

constexpr double kMaxTimeoutS = 120;

// The code between a marker line and the next marker (or the block's end), without the blank lines
// around it, ending in one newline like a python snippet.
QString code_between(const QStringList& lines, qsizetype from, qsizetype to) {
    while (from < to && lines[from].trimmed().isEmpty())
        ++from;
    while (to > from && lines[to - 1].trimmed().isEmpty())
        --to;
    if (from >= to) return {};
    return lines.mid(from, to - from).join(QLatin1Char('\n')) + QLatin1Char('\n');
}

bool is_marker(const QString& line) {
    return line.startsWith(QLatin1String("--- "));
}

} // namespace

bool Exercise::needs_start_run() const {
    for (const ExerciseCheck& check : checks)
        if (check.figure)
            for (const MetricRef& ref : check.figure->operands())
                if (ref.engine == QLatin1String("start")) return true;
    return false;
}

const QStringList& program_figures() {
    static const QStringList figures{QStringLiteral("max_threads_alive")};
    return figures;
}

namespace {
// A figure check in the expect: syntax. parse_expectation knows the summary's metrics; a program
// figure is read in the place of one the check does not name, then named back.
std::optional<Expectation> parse_check_figure(QString expect, QString& why) {
    const QString stand_in = QStringLiteral("events");
    const auto word = [](const QString& name) {
        return QRegularExpression(QStringLiteral("\\b%1\\b").arg(name));
    };
    QString replaced;
    if (!expect.contains(word(stand_in)))
        for (const QString& figure : program_figures())
            if (expect.contains(word(figure))) {
                expect.replace(word(figure), stand_in);
                replaced = figure;
                break;
            }
    auto parsed = parse_expectation(expect, why);
    if (parsed && !replaced.isEmpty()) {
        if (parsed->metric == stand_in) parsed->metric = replaced;
        if (parsed->divisor && parsed->divisor->metric == stand_in) parsed->divisor->metric = replaced;
    }
    return parsed;
}
} // namespace

std::optional<ExerciseCheck> parse_exercise_check(const QString& text, QString& error) {
    ExerciseCheck check;
    check.source = text.trimmed();
    static const QRegularExpression output(
        QStringLiteral("^(stdout|stderr|output)\\s+(contains|matches)\\s+(.+)$"));
    if (const auto match = output.match(check.source); match.hasMatch()) {
        check.stream = match.captured(1);
        check.text = match.captured(3).trimmed();
        if (match.captured(2) == QLatin1String("contains")) {
            check.kind = ExerciseCheck::Kind::OutputContains;
            return check;
        }
        check.kind = ExerciseCheck::Kind::OutputMatches;
        const QRegularExpression pattern(check.text);
        if (!pattern.isValid()) {
            error = QStringLiteral("'%1' is not a valid regular expression: %2")
                        .arg(check.text.left(60), pattern.errorString());
            return std::nullopt;
        }
        return check;
    }
    static const QRegularExpression exit(QStringLiteral("^exit_status\\s*==\\s*(-?[0-9]{1,3})$"));
    if (const auto match = exit.match(check.source); match.hasMatch()) {
        check.kind = ExerciseCheck::Kind::ExitStatus;
        check.exit_status = match.captured(1).toInt();
        return check;
    }
    if (check.source.startsWith(QLatin1String("exit_status"))) {
        error = QStringLiteral("the exit check is 'exit_status == N', got '%1'").arg(check.source.left(60));
        return std::nullopt;
    }
    // A figure: the expect: syntax (expectation.h), plus "A == N" for a whole number of things.
    QString expect = check.source;
    static const QRegularExpression equals(QStringLiteral("^(.+?)\\s*==\\s*(\\S+)$"));
    if (const auto match = equals.match(expect); match.hasMatch())
        expect = QStringLiteral("%1 %2..%2").arg(match.captured(1), match.captured(2));
    QString why;
    const auto figure = parse_check_figure(expect, why);
    if (!figure) {
        error =
            QStringLiteral("a check is 'output contains TEXT', 'output matches REGEX' (or stdout/stderr), "
                           "'exit_status == N', or a figure as in expect: ('wall_s / start.wall_s < 0.6', "
                           "'slow_callbacks == 0'): %1")
                .arg(why);
        return std::nullopt;
    }
    for (const MetricRef& ref : figure->operands())
        if (!ref.engine.isEmpty() && ref.engine != QLatin1String("python") &&
            ref.engine != QLatin1String("start")) {
            error =
                QStringLiteral("a check's figure is of the student's run ('wall_s', 'python.wall_s') or of a "
                               "run of the starting code ('start.wall_s'), not '%1'")
                    .arg(ref.toString());
            return std::nullopt;
        }
    check.kind = ExerciseCheck::Kind::Figure;
    check.figure = figure;
    return check;
}

void read_exercise(const QStringList& lines, int block_line, Step& step, Problems& problems) {
    Exercise exercise;
    exercise.line = block_line;
    if (step.is_recap)
        problems.add(block_line, QStringLiteral("exercises belong in a step, not in the Recap"));

    // Fields up to the first marker; then `--- start` and `--- solution`, once each, in that order.
    qsizetype start = -1;
    qsizetype solution = -1;
    qsizetype fields_end = lines.size();
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (!is_marker(lines[i])) continue;
        const int line = block_line + 1 + int(i);
        fields_end = std::min(fields_end, i);
        const QString name = lines[i].mid(4).trimmed();
        if (name == QLatin1String("start") && start < 0 && solution < 0)
            start = i;
        else if (name == QLatin1String("solution") && start >= 0 && solution < 0)
            solution = i;
        else
            problems.add(line, QStringLiteral("an exercise has one '--- start' line, then one '--- solution' "
                                              "line; got '%1' here")
                                   .arg(lines[i].left(40)));
    }
    const QList<Field> fields = split_fields(lines.mid(0, fields_end), block_line + 1, problems);
    check_keys(fields,
               {QStringLiteral("task"), QStringLiteral("hint"), QStringLiteral("check"),
                QStringLiteral("timeout_s")},
               {QStringLiteral("check")}, QStringLiteral("exercise"), problems);
    for (const Field& field : fields) {
        if (field.key == QLatin1String("task"))
            exercise.task = field.value;
        else if (field.key == QLatin1String("hint"))
            exercise.hint = field.value;
        else if (field.key == QLatin1String("timeout_s")) {
            const auto value = parse_number(field.value);
            if (!value || *value <= 0 || *value > kMaxTimeoutS)
                problems.add(field.line, QStringLiteral("timeout_s is seconds above 0, at most %1, got '%2'")
                                             .arg(kMaxTimeoutS)
                                             .arg(field.value.left(30)));
            else
                exercise.timeout_s = *value;
        } else if (field.key == QLatin1String("check")) {
            QString error;
            if (auto check = parse_exercise_check(field.value, error)) {
                check->line = field.line;
                exercise.checks.append(*check);
            } else {
                problems.add(field.line, error);
            }
        }
    }
    for (const char* key : {"task", "hint"})
        if (const Field* field = find_field(fields, QString::fromLatin1(key));
            !field || field->value.isEmpty())
            problems.add(field ? field->line : block_line,
                         QStringLiteral("an exercise needs a non-empty '%1:'").arg(QLatin1String(key)));
    if (exercise.checks.isEmpty() && !find_field(fields, QStringLiteral("check")))
        problems.add(block_line, QStringLiteral("an exercise needs at least one 'check:' line"));

    if (start < 0 || solution < 0) {
        problems.add(block_line,
                     QStringLiteral("an exercise needs its starting code after a '--- start' line "
                                    "and its reference solution after a '--- solution' line"));
    } else {
        exercise.start_line = block_line + 1 + int(start);
        exercise.solution_line = block_line + 1 + int(solution);
        exercise.start = code_between(lines, start + 1, solution);
        exercise.solution = code_between(lines, solution + 1, lines.size());
        if (exercise.start.isEmpty())
            problems.add(exercise.start_line, QStringLiteral("the exercise's starting code is empty"));
        if (exercise.solution.isEmpty())
            problems.add(exercise.solution_line,
                         QStringLiteral("the exercise's reference solution is empty"));
        if (!exercise.start.isEmpty() && exercise.start == exercise.solution)
            problems.add(exercise.solution_line,
                         QStringLiteral("the reference solution is the starting code: nothing to solve"));
    }
    step.exercises.append(exercise);
}

} // namespace clab::lessons
