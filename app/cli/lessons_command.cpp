#include "lessons_command.h"

#include "lessons/lesson_library.h"
#include "lessons/step_spec.h"

#include <QDir>
#include <QFileInfo>
#include <cstdio>

namespace clab::cli {

namespace {
const char* kUsage = "usage: concurrency-lab lessons check [DIR]\n"
                     "  Validates every lesson file (NN-name.md) in DIR (default: the app's lesson folder)\n"
                     "  and prints each problem as file:line: message. Exit 0 when clean, 1 when not.\n";

void print(FILE* to, const QString& text) {
    fputs(text.toLocal8Bit().constData(), to);
}

QString plural(qsizetype n, const char* word) {
    return QStringLiteral("%1 %2%3").arg(n).arg(QLatin1String(word)).arg(n == 1 ? "" : "s");
}
} // namespace

int lessons_command(const QStringList& arguments) {
    if (arguments.value(0) == QLatin1String("--help") || arguments.value(0) == QLatin1String("-h")) {
        print(stdout, QString::fromLatin1(kUsage));
        return 0;
    }
    if (arguments.value(0) != QLatin1String("check") || arguments.size() > 2 ||
        arguments.value(1).startsWith(QLatin1Char('-'))) {
        print(stderr, QString::fromLatin1(kUsage));
        return 2;
    }
    const QString dir = arguments.size() == 2 ? arguments[1] : lessons::default_lessons_dir();
    if (!QFileInfo(dir).isDir()) {
        print(stderr, QStringLiteral("concurrency-lab lessons check: '%1' is not a folder\n").arg(dir));
        return 2;
    }
    const lessons::LessonLibrary library = lessons::load_lesson_folder(dir);
    const QList<lessons::LessonError> errors = library.errors();
    for (const lessons::LessonError& error : errors)
        print(stderr, error.toString() + QLatin1Char('\n'));
    print(stdout, QStringLiteral("%1, %2\n")
                      .arg(plural(library.files.size(), "lesson"), plural(errors.size(), "problem")));
    return errors.isEmpty() ? 0 : 1;
}

} // namespace clab::cli
