#include "lesson_library.h"

#include "lesson_parser.h"

#include <QDir>
#include <QHash>
#include <QRegularExpression>
#include <algorithm>

namespace clab::lessons {

namespace {

const QRegularExpression& lesson_file_pattern() {
    static const QRegularExpression pattern(QStringLiteral("^([0-9]{2})-[^/]+\\.md$"));
    return pattern;
}

// The second file with an id or number already taken gets the problem and loses its lesson.
void check_unique(LessonLibrary& library) {
    QHash<QString, QString> file_of_id;
    QHash<int, QString> file_of_number;
    for (LessonFile& file : library.files) {
        if (!file.lesson) continue;
        const Lesson& lesson = *file.lesson;
        const QString name = QFileInfo(file.path).fileName();
        if (lesson.number != file.number)
            file.errors.append(
                {file.path, lesson.number_line,
                 QStringLiteral("the file name says lesson %1 but its front matter says number %2")
                     .arg(file.number)
                     .arg(lesson.number)});
        if (file_of_id.contains(lesson.id))
            file.errors.append(
                {file.path, lesson.id_line,
                 QStringLiteral("id '%1' is already used by %2").arg(lesson.id, file_of_id[lesson.id])});
        if (file_of_number.contains(lesson.number))
            file.errors.append({file.path, lesson.number_line,
                                QStringLiteral("number %1 is already used by %2")
                                    .arg(lesson.number)
                                    .arg(file_of_number[lesson.number])});
        if (!file.errors.isEmpty()) {
            file.lesson.reset();
            continue;
        }
        file_of_id.insert(lesson.id, name);
        file_of_number.insert(lesson.number, name);
    }
}

} // namespace

bool is_lesson_file_name(const QString& file_name) {
    return lesson_file_pattern().match(file_name).hasMatch();
}

QList<Lesson> LessonLibrary::lessons() const {
    QList<Lesson> good;
    for (const LessonFile& file : files)
        if (file.lesson) good.append(*file.lesson);
    return good;
}

QList<LessonError> LessonLibrary::errors() const {
    QList<LessonError> all = folder_errors;
    for (const LessonFile& file : files)
        all.append(file.errors);
    return all;
}

const LessonFile* LessonLibrary::find_file(const QString& id_or_number) const {
    bool is_number = false;
    const int number = id_or_number.toInt(&is_number);
    for (const LessonFile& file : files) {
        if (file.lesson && (is_number ? file.lesson->number == number : file.lesson->id == id_or_number))
            return &file;
    }
    // A broken file has no lesson: match its name instead ("04-gil.md" for "4" or "gil").
    for (const LessonFile& file : files) {
        const QString stem = QFileInfo(file.path).completeBaseName();
        if (is_number ? file.number == number : stem.mid(3) == id_or_number) return &file;
    }
    return nullptr;
}

const Lesson* LessonLibrary::find(const QString& id_or_number) const {
    const LessonFile* file = find_file(id_or_number);
    return file && file->lesson ? &*file->lesson : nullptr;
}

LessonLibrary load_lesson_folder(const QString& dir) {
    LessonLibrary library;
    library.dir = dir;
    const QDir folder(dir);
    if (dir.isEmpty() || !folder.exists()) {
        library.folder_errors.append({dir, 0, QStringLiteral("there is no lesson folder here")});
        return library;
    }
    const QStringList names = folder.entryList({QStringLiteral("*.md")}, QDir::Files, QDir::Name);
    for (const QString& name : names) {
        const auto match = lesson_file_pattern().match(name);
        if (!match.hasMatch()) continue;
        LessonFile file;
        file.path = folder.filePath(name);
        file.number = match.captured(1).toInt();
        ParsedLesson parsed = parse_lesson_file(file.path);
        file.lesson = std::move(parsed.lesson);
        file.errors = std::move(parsed.errors);
        library.files.append(std::move(file));
    }
    std::stable_sort(library.files.begin(), library.files.end(),
                     [](const LessonFile& a, const LessonFile& b) { return a.number < b.number; });
    if (library.files.isEmpty())
        library.folder_errors.append(
            {dir, 0, QStringLiteral("no lesson files (named like 04-gil.md) in this folder")});
    check_unique(library);
    return library;
}

} // namespace clab::lessons
