#include "lesson_parser.h"

#include "block_fields.h"
#include "exercise_block.h"
#include "experiment_block.h"
#include "regular_file.h"
#include "step_blocks.h"

#include <QRegularExpression>

namespace clab::lessons {

namespace {

constexpr qint64 kLargestFile = 1 << 20; // a lesson is a few KB; anything this big is a mistake
constexpr int kMinSteps = 2;
constexpr int kMaxSteps = 5;
constexpr int kMaxChecks = 3;

// A fenced block as found in the file, read once the whole step is known.
struct Block {
    QString kind; // experiment, predict, notice, check
    int line = 0; // the opening fence
    QStringList lines;
};

struct StepDraft {
    Step step;
    QList<Block> blocks;
};

bool is_data_block(const QString& info) {
    return info == QLatin1String("experiment") || info == QLatin1String("predict") ||
           info == QLatin1String("notice") || info == QLatin1String("check") ||
           info == QLatin1String("exercise");
}

// The file's lines without line ends ("\r\n" too).
QStringList split_lines(const QByteArray& content) {
    QStringList lines = QString::fromUtf8(content).split(QLatin1Char('\n'));
    for (QString& line : lines)
        if (line.endsWith(QLatin1Char('\r'))) line.chop(1);
    if (!lines.isEmpty() && lines.last().isEmpty()) lines.removeLast(); // the final newline
    return lines;
}

// Reads `id`, `number`, `title`, `summary` between the first two "---" lines. Returns the index of
// the first body line, or -1 when the front matter is missing or not closed (nothing else can be read).
qsizetype read_front_matter(const QStringList& lines, Lesson& lesson, Problems& problems) {
    qsizetype open = 0;
    while (open < lines.size() && lines[open].trimmed().isEmpty())
        ++open;
    if (open >= lines.size() || lines[open].trimmed() != QLatin1String("---")) {
        problems.add(
            lines.isEmpty() ? 1 : int(std::min(open, lines.size() - 1)) + 1,
            QStringLiteral("a lesson file starts with front matter: a '---' line, then id, number, title "
                           "and summary, then another '---' line"));
        return -1;
    }
    qsizetype close = open + 1;
    while (close < lines.size() && lines[close].trimmed() != QLatin1String("---"))
        ++close;
    if (close >= lines.size()) {
        problems.add(int(open) + 1,
                     QStringLiteral("the front matter opened here is never closed with a '---' line"));
        return -1;
    }
    const QList<Field> fields = split_fields(lines.mid(open + 1, close - open - 1), int(open) + 2, problems);
    const QStringList keys{QStringLiteral("id"), QStringLiteral("number"), QStringLiteral("title"),
                           QStringLiteral("summary")};
    check_keys(fields, keys, {}, QStringLiteral("front matter"), problems);
    for (const QString& key : keys) {
        const Field* field = find_field(fields, key);
        if (!field || field->value.isEmpty())
            problems.add(field ? field->line : int(open) + 1,
                         QStringLiteral("the front matter needs a non-empty '%1:'").arg(key));
    }
    if (const Field* id = find_field(fields, QStringLiteral("id")); id && !id->value.isEmpty()) {
        static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9-]*$"));
        if (!pattern.match(id->value).hasMatch())
            problems.add(id->line,
                         QStringLiteral("id is lower-case letters, digits and '-' (like 'gil'), got '%1'")
                             .arg(id->value.left(40)));
        lesson.id = id->value;
        lesson.id_line = id->line;
    }
    if (const Field* number = find_field(fields, QStringLiteral("number"));
        number && !number->value.isEmpty()) {
        const auto value = parse_integer(number->value);
        if (!value || *value < 1 || *value > 99)
            problems.add(number->line, QStringLiteral("number must be a whole number from 1 to 99, got '%1'")
                                           .arg(number->value.left(20)));
        else
            lesson.number = int(*value);
        lesson.number_line = number->line;
    }
    if (const Field* title = find_field(fields, QStringLiteral("title"))) lesson.title = title->value;
    if (const Field* summary = find_field(fields, QStringLiteral("summary"))) lesson.summary = summary->value;
    return close + 1;
}

// The opening line of a fence: up to three spaces, three or more backticks, an info string.
struct Fence {
    int ticks = 0;
    QString info;
};
std::optional<Fence> opening_fence(const QString& line) {
    static const QRegularExpression pattern(QStringLiteral("^ {0,3}(`{3,})\\s*([^`\\s]*)[^`]*$"));
    const auto match = pattern.match(line);
    if (!match.hasMatch()) return std::nullopt;
    return Fence{int(match.capturedLength(1)), match.captured(2).toLower()};
}
bool closes_fence(const QString& line, int ticks) {
    static const QRegularExpression pattern(QStringLiteral("^ {0,3}(`{3,})\\s*$"));
    const auto match = pattern.match(line);
    return match.hasMatch() && match.capturedLength(1) >= ticks;
}

// Splits the body into steps: `## ` headings, text, python snippets and data blocks.
QList<StepDraft> read_body(const QStringList& lines, qsizetype first, Lesson& lesson, Problems& problems) {
    QList<StepDraft> drafts;
    QStringList intro;
    std::optional<Fence> fence;
    int fence_line = 0;
    QStringList fenced;

    const auto text_of_current = [&]() -> QStringList* { return drafts.isEmpty() ? &intro : nullptr; };
    const auto append_text = [&](const QString& text) {
        if (QStringList* into = text_of_current())
            into->append(text);
        else
            drafts.last().step.markdown += text + QLatin1Char('\n');
    };

    for (qsizetype i = first; i < lines.size(); ++i) {
        const QString& line = lines[i];
        const int number = int(i) + 1;
        if (fence) {
            if (!closes_fence(line, fence->ticks)) {
                fenced.append(line);
                continue;
            }
            if (is_data_block(fence->info)) {
                if (drafts.isEmpty())
                    problems.add(fence_line,
                                 QStringLiteral("a %1 block must be inside a step (after a '## ' heading)")
                                     .arg(fence->info));
                else
                    drafts.last().blocks.append({fence->info, fence_line, fenced});
            } else {
                if (fence->info == QLatin1String("python")) {
                    if (drafts.isEmpty())
                        problems.add(
                            fence_line,
                            QStringLiteral("a python snippet must be inside a step (after a '## ' heading)"));
                    else {
                        drafts.last().step.python_snippets.append(fenced.join(QLatin1Char('\n')) +
                                                                  QLatin1Char('\n'));
                        drafts.last().step.python_lines.append(fence_line);
                    }
                }
                append_text(lines[fence_line - 1]);
                for (const QString& code : std::as_const(fenced))
                    append_text(code);
                append_text(line);
            }
            fence.reset();
            fenced.clear();
            continue;
        }
        if (const auto opening = opening_fence(line)) {
            fence = opening;
            fence_line = number;
            continue;
        }
        if (line.startsWith(QLatin1String("## ")) || line.trimmed() == QLatin1String("##")) {
            StepDraft draft;
            draft.step.title = line.mid(2).trimmed();
            draft.step.line = number;
            draft.step.is_recap = draft.step.title.compare(QLatin1String("Recap"), Qt::CaseInsensitive) == 0;
            if (draft.step.title.isEmpty())
                problems.add(number, QStringLiteral("a step heading needs a title"));
            drafts.append(draft);
            continue;
        }
        append_text(line);
    }
    if (fence)
        problems.add(fence_line,
                     QStringLiteral("the ```%1 block opened here is never closed").arg(fence->info.left(20)));
    lesson.intro = intro.join(QLatin1Char('\n')).trimmed();
    return drafts;
}

QList<Field> fields_of(const Block& block, Problems& problems) {
    return split_fields(block.lines, block.line + 1, problems);
}

// Reads a step's blocks, experiment first: predictions and notices are checked against it.
void read_blocks(StepDraft& draft, Problems& problems) {
    Step& step = draft.step;
    for (const Block& block : std::as_const(draft.blocks)) {
        if (block.kind != QLatin1String("experiment")) continue;
        if (step.has_experiment) {
            problems.add(block.line, QStringLiteral("a step has at most one experiment block"));
            continue;
        }
        if (step.is_recap) problems.add(block.line, QStringLiteral("the Recap step has no experiment"));
        step.has_experiment = true;
        read_experiment(fields_of(block, problems), block.line, step, problems);
    }
    for (const Block& block : std::as_const(draft.blocks)) {
        if (block.kind == QLatin1String("predict"))
            read_prediction(fields_of(block, problems), block.line, step, problems);
        else if (block.kind == QLatin1String("notice"))
            read_notice(fields_of(block, problems), block.line, step, problems);
        else if (block.kind == QLatin1String("check"))
            read_check(fields_of(block, problems), block.line, step, problems);
        else if (block.kind == QLatin1String("exercise"))
            read_exercise(block.lines, block.line, step, problems); // fields, then code
    }
}

void check_steps(const QList<Step>& steps, int fallback_line, Problems& problems) {
    if (steps.size() < kMinSteps || steps.size() > kMaxSteps)
        problems.add(steps.isEmpty() ? fallback_line : steps.first().line,
                     QStringLiteral(
                         "a lesson has %1 to %2 steps ('## ' headings, the Recap included); this one has %3")
                         .arg(kMinSteps)
                         .arg(kMaxSteps)
                         .arg(steps.size()));
    if (steps.isEmpty()) return;
    for (qsizetype i = 0; i + 1 < steps.size(); ++i)
        if (steps[i].is_recap) problems.add(steps[i].line, QStringLiteral("the Recap must be the last step"));
    const Step& last = steps.last();
    if (!last.is_recap) {
        problems.add(last.line,
                     QStringLiteral("a lesson ends with a '## Recap' step holding its check questions"));
    } else if (last.checks.isEmpty() || last.checks.size() > kMaxChecks) {
        problems.add(last.line, QStringLiteral("the Recap holds 1 to %1 check questions; this one has %2")
                                    .arg(kMaxChecks)
                                    .arg(last.checks.size()));
    }
}

} // namespace

ParsedLesson parse_lesson(const QString& file, const QByteArray& content) {
    Problems problems(file);
    ParsedLesson result;
    if (content.size() > kLargestFile) {
        problems.add(1, QStringLiteral("the file is too large for a lesson (%1 bytes)").arg(content.size()));
        result.errors = problems.errors();
        return result;
    }
    Lesson lesson;
    lesson.file = file;
    const QStringList lines = split_lines(content);
    const qsizetype body = read_front_matter(lines, lesson, problems);
    if (body >= 0) {
        QList<StepDraft> drafts = read_body(lines, body, lesson, problems);
        for (StepDraft& draft : drafts) {
            read_blocks(draft, problems);
            lesson.steps.append(draft.step);
        }
        check_steps(lesson.steps, int(body), problems);
    }
    result.errors = problems.errors();
    std::stable_sort(result.errors.begin(), result.errors.end(),
                     [](const LessonError& a, const LessonError& b) { return a.line < b.line; });
    if (result.errors.isEmpty()) result.lesson = lesson;
    return result;
}

ParsedLesson parse_lesson_file(const QString& path) {
    QString error;
    const std::optional<QByteArray> content = read_regular_file(path, kLargestFile, &error);
    if (!content) {
        ParsedLesson result;
        result.errors.append({path, 0, error});
        return result;
    }
    return parse_lesson(path, *content);
}

} // namespace clab::lessons
