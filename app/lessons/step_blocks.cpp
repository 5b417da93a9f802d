#include "step_blocks.h"

#include "expectation.h"

#include <QRegularExpression>
#include <algorithm>

namespace clab::lessons {

namespace {

QString value_of(const QList<Field>& fields, const char* key) {
    const Field* field = find_field(fields, QString::fromLatin1(key));
    return field ? field->value : QString();
}

int line_of(const QList<Field>& fields, const char* key, int fallback) {
    const Field* field = find_field(fields, QString::fromLatin1(key));
    return field ? field->line : fallback;
}

void require(const QList<Field>& fields, const char* key, const char* block, int block_line,
             Problems& problems) {
    if (value_of(fields, key).isEmpty())
        problems.add(line_of(fields, key, block_line), QStringLiteral("a %1 block needs a non-empty '%2:'")
                                                           .arg(QLatin1String(block), QLatin1String(key)));
}

// "a | b | c" -> {"a", "b", "c"}; reports empty or too few choices.
QStringList read_choices(const QList<Field>& fields, int block_line, Problems& problems) {
    const Field* field = find_field(fields, QStringLiteral("choices"));
    if (!field) return {};
    QStringList choices;
    for (const QString& choice : field->value.split(QLatin1Char('|')))
        choices.append(choice.trimmed());
    if (choices.contains(QString()))
        problems.add(field->line, QStringLiteral("choices: one of the '|'-separated choices is empty"));
    if (choices.size() < 2)
        problems.add(field->line, QStringLiteral("choices: give at least two, separated by '|'"));
    Q_UNUSED(block_line);
    return choices;
}

// The 1-based answer among `count` choices, or 0 after reporting a problem.
int read_answer(const QList<Field>& fields, qsizetype count, int block_line, Problems& problems) {
    const Field* field = find_field(fields, QStringLiteral("answer"));
    if (!field) {
        problems.add(block_line,
                     QStringLiteral("multiple choice needs 'answer:' (the number of the right choice)"));
        return 0;
    }
    const auto answer = parse_integer(field->value);
    if (!answer || *answer < 1 || *answer > count) {
        problems.add(field->line, QStringLiteral("answer must be a choice number from 1 to %1, got '%2'")
                                      .arg(count)
                                      .arg(field->value.left(20)));
        return 0;
    }
    return int(*answer);
}

// The largest number of tasks or workers the student can give this step (spec or slider).
int largest_count(const Step& step) {
    double largest = std::max(step.spec.tasks, step.spec.workers);
    for (const Control& control : step.controls)
        if (control.key == QLatin1String("tasks") || control.key == QLatin1String("workers"))
            largest = std::max(largest, control.max);
    return int(std::min(largest, 1e6));
}

} // namespace

QString lane_problem(const QString& lane, const Step& step) {
    const EngineKind engine = step.spec.engine;
    const bool asyncio = engine == EngineKind::Asyncio;
    const bool threads = engine == EngineKind::Threads || engine == EngineKind::ThreadPool ||
                         (asyncio && step.spec.offload == Offload::Thread);
    const bool processes = engine == EngineKind::Processes || engine == EngineKind::ProcessPool ||
                           (asyncio && step.spec.offload == Offload::Process);
    const QString kinds =
        QStringLiteral("gil, cores, loop, workers, main, Thread-N, Process-N, Task-N, core N");
    if (lane == QLatin1String("gil") || lane == QLatin1String("cores") || lane == QLatin1String("workers") ||
        lane == QLatin1String("main") || lane == QLatin1String("MainThread"))
        return {};
    if (lane == QLatin1String("loop"))
        return asyncio || step.compare.contains(QLatin1String("asyncio"))
                   ? QString()
                   : QStringLiteral("lane 'loop' exists only in asyncio runs");

    static const QRegularExpression named(
        QStringLiteral("^(Thread-|Process-|Task-|core )([0-9]{1,7})( \\(.*\\))?$"));
    const auto match = named.match(lane);
    if (!match.hasMatch())
        return QStringLiteral("lane '%1' does not exist (lanes: %2)").arg(lane.left(40), kinds);
    const QString prefix = match.captured(1);
    const int n = match.captured(2).toInt();
    if (prefix == QLatin1String("core "))
        return n < 1024 ? QString() : QStringLiteral("no machine has core %1").arg(n);
    const int count = largest_count(step);
    const bool engine_has_it = prefix == QLatin1String("Thread-")    ? threads
                               : prefix == QLatin1String("Process-") ? processes
                                                                     : asyncio;
    if (!engine_has_it)
        return QStringLiteral("lane '%1' does not exist in a run of the %2 engine")
            .arg(lane, QString::fromLatin1(to_string(engine).data()));
    if (n < 1 || n > count)
        return QStringLiteral("lane '%1' does not exist: this step runs at most %2").arg(lane).arg(count);
    return {};
}

void read_prediction(const QList<Field>& fields, int block_line, Step& step, Problems& problems) {
    check_keys(fields,
               {QStringLiteral("question"), QStringLiteral("choices"), QStringLiteral("answer"),
                QStringLiteral("number"), QStringLiteral("tolerance"), QStringLiteral("reveal")},
               {}, QStringLiteral("predict"), problems);
    if (step.prediction) problems.add(block_line, QStringLiteral("a step has at most one predict block"));
    if (!step.has_experiment)
        problems.add(block_line, QStringLiteral("a predict block needs an experiment in the same step"));
    require(fields, "question", "predict", block_line, problems);

    Prediction prediction;
    prediction.question = value_of(fields, "question");
    prediction.reveal = value_of(fields, "reveal");
    const Field* number = find_field(fields, QStringLiteral("number"));
    const bool has_choices = find_field(fields, QStringLiteral("choices")) != nullptr;
    if (has_choices == (number != nullptr)) {
        problems.add(block_line,
                     QStringLiteral("a predict block has either 'choices:' and 'answer:', or 'number:'"));
    } else if (has_choices) {
        prediction.choices = read_choices(fields, block_line, problems);
        prediction.answer = read_answer(fields, prediction.choices.size(), block_line, problems);
        if (const Field* tolerance = find_field(fields, QStringLiteral("tolerance")))
            problems.add(tolerance->line, QStringLiteral("tolerance is only for 'number:' predictions"));
    } else {
        prediction.numeric = true;
        if (const auto value = parse_number(number->value))
            prediction.number = *value;
        else
            problems.add(number->line,
                         QStringLiteral("number must be a number, got '%1'").arg(number->value.left(30)));
        if (const Field* answer = find_field(fields, QStringLiteral("answer")))
            problems.add(answer->line,
                         QStringLiteral("answer is for multiple choice; a number prediction uses 'number:'"));
        if (const Field* tolerance = find_field(fields, QStringLiteral("tolerance"))) {
            const auto value = parse_number(tolerance->value);
            if (!value || *value <= 0 || *value > 10)
                problems.add(tolerance->line,
                             QStringLiteral("tolerance is relative: a number above 0 (0.3 = 30 %), got '%1'")
                                 .arg(tolerance->value.left(30)));
            else
                prediction.tolerance = *value;
        }
        if (prediction.reveal.isEmpty())
            problems.add(block_line,
                         QStringLiteral("a number prediction needs 'reveal:' (the measured metric)"));
    }
    if (!prediction.reveal.isEmpty() && !summary_metrics().contains(prediction.reveal))
        problems.add(line_of(fields, "reveal", block_line),
                     QStringLiteral("reveal names '%1', which is not a number of the run's summary")
                         .arg(prediction.reveal.left(40)));
    if (!step.prediction) step.prediction = prediction;
}

void read_notice(const QList<Field>& fields, int block_line, Step& step, Problems& problems) {
    check_keys(fields,
               {QStringLiteral("text"), QStringLiteral("lane"), QStringLiteral("from"), QStringLiteral("to")},
               {}, QStringLiteral("notice"), problems);
    if (!step.has_experiment)
        problems.add(block_line, QStringLiteral("a notice block needs an experiment in the same step"));
    require(fields, "text", "notice", block_line, problems);
    Notice notice;
    notice.text = value_of(fields, "text");
    notice.lane = value_of(fields, "lane");
    if (!notice.lane.isEmpty() && step.has_experiment) {
        const QString problem = lane_problem(notice.lane, step);
        if (!problem.isEmpty()) problems.add(line_of(fields, "lane", block_line), problem);
    }
    const Field* from = find_field(fields, QStringLiteral("from"));
    const Field* to = find_field(fields, QStringLiteral("to"));
    if ((from == nullptr) != (to == nullptr)) {
        problems.add(block_line, QStringLiteral("a notice's time range needs both 'from:' and 'to:'"));
    } else if (from && to) {
        const auto from_s = parse_number(from->value);
        const auto to_s = parse_number(to->value);
        if (!from_s || *from_s < 0)
            problems.add(from->line,
                         QStringLiteral("from is seconds from the run's start (0 or more), got '%1'")
                             .arg(from->value.left(30)));
        if (!to_s || *to_s < 0)
            problems.add(to->line, QStringLiteral("to is seconds from the run's start (0 or more), got '%1'")
                                       .arg(to->value.left(30)));
        if (from_s && to_s && *from_s >= *to_s)
            problems.add(to->line,
                         QStringLiteral("the notice's range %1..%2 s is empty (from must be before to)")
                             .arg(*from_s)
                             .arg(*to_s));
        if (from_s && to_s) {
            notice.from_s = *from_s;
            notice.to_s = *to_s;
        }
    }
    step.notices.append(notice);
}

void read_check(const QList<Field>& fields, int block_line, Step& step, Problems& problems) {
    check_keys(fields,
               {QStringLiteral("question"), QStringLiteral("choices"), QStringLiteral("answer"),
                QStringLiteral("explain")},
               {}, QStringLiteral("check"), problems);
    if (!step.is_recap)
        problems.add(block_line, QStringLiteral("check questions belong in the '## Recap' step"));
    require(fields, "question", "check", block_line, problems);
    require(fields, "choices", "check", block_line, problems);
    CheckQuestion check;
    check.question = value_of(fields, "question");
    check.explain = value_of(fields, "explain");
    check.choices = read_choices(fields, block_line, problems);
    if (!check.choices.isEmpty())
        check.answer = read_answer(fields, check.choices.size(), block_line, problems);
    step.checks.append(check);
}

} // namespace clab::lessons
