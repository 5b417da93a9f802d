#include "step_spec.h"

#include "expectation.h"
#include "lesson_library.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace clab::lessons {

namespace {
bool step_needs_baseline(const Step& step) {
    for (const QString& text : step.expects) {
        QString ignored;
        const auto expectation = parse_expectation(text, ignored);
        if (!expectation) continue;
        for (const MetricRef& operand : expectation->operands())
            if (needs_baseline(operand.metric)) return true;
    }
    return step.prediction && needs_baseline(step.prediction->reveal);
}

QString messages_of(const QList<LessonError>& errors) {
    QStringList lines;
    for (const LessonError& error : errors)
        lines.append(error.toString());
    return lines.join(QLatin1Char('\n'));
}
} // namespace

bool find_step_experiment(const QString& lessons_dir, const QString& id, int step, StepExperiment& out,
                          QString& error) {
    const QString dir = lessons_dir.isEmpty() ? default_lessons_dir() : lessons_dir;
    const LessonLibrary library = load_lesson_folder(dir);
    const LessonFile* file = library.find_file(id);
    if (!file) {
        QStringList known;
        for (const Lesson& lesson : library.lessons())
            known.append(QStringLiteral("%1 (%2)").arg(lesson.number).arg(lesson.id));
        error = library.files.isEmpty() ? messages_of(library.folder_errors)
                                        : QStringLiteral("no lesson '%1' in %2; lessons: %3")
                                              .arg(id, dir, known.join(QStringLiteral(", ")));
        return false;
    }
    if (!file->lesson) {
        error = QStringLiteral("lesson '%1' has problems:\n%2").arg(id, messages_of(file->errors));
        return false;
    }
    const Lesson& lesson = *file->lesson;
    if (step < 1 || step > lesson.steps.size()) {
        error = QStringLiteral("lesson %1 (%2) has steps 1 to %3, not %4")
                    .arg(lesson.number)
                    .arg(lesson.id)
                    .arg(lesson.steps.size())
                    .arg(step);
        return false;
    }
    const Step& found = lesson.steps[step - 1];
    out.python_snippets = found.python_snippets;
    if (!found.has_experiment && !found.python_snippets.isEmpty()) {
        out.spec = ExperimentSpec{};
        out.spec.engine = EngineKind::Python;
        out.spec.source = found.python_snippets.first().toStdString();
        out.lesson_id = lesson.id;
        out.step_title = found.title;
        return true;
    }
    if (!found.has_experiment) {
        error = QStringLiteral("step %1 of lesson %2 (\"%3\") has no experiment")
                    .arg(step)
                    .arg(lesson.id, found.title);
        return false;
    }
    out.spec = found.spec;
    out.expects = found.expects;
    out.compare = found.compare;
    out.baseline = step_needs_baseline(found);
    out.lesson_id = lesson.id;
    out.step_title = found.title;
    return true;
}

QString default_lessons_dir() {
    const QString from_env = qEnvironmentVariable("CLAB_LESSONS_DIR");
    if (!from_env.isEmpty()) return from_env;
    // An installed executable finds its lessons relative to itself, so a relocated prefix works.
    if (QCoreApplication::instance()) {
        const QString beside = QDir(QCoreApplication::applicationDirPath())
                                   .filePath(QStringLiteral("../share/concurrency-lab/lessons"));
        if (QFileInfo(beside).isDir()) return QDir::cleanPath(beside);
    }
    // A build tree runs with the lessons being edited in the source tree, not an older installed copy.
    if (QFileInfo(QStringLiteral(CLAB_SOURCE_LESSONS_DIR)).isDir())
        return QStringLiteral(CLAB_SOURCE_LESSONS_DIR);
    return QStringLiteral(CLAB_INSTALLED_LESSONS_DIR);
}

} // namespace clab::lessons
