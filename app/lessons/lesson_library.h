// A lesson folder, loaded: every `NN-name.md` file (README.md and other files are not lessons),
// sorted by number, each either a Lesson or the messages that explain why it is not one. A broken
// file never stops the others from loading.
#pragma once

#include "lesson.h"

#include <QList>
#include <QString>
#include <optional>

namespace clab::lessons {

struct LessonFile {
    QString path;
    int number = 0;               // from the file name's NN- prefix
    std::optional<Lesson> lesson; // set when the file has no problems
    QList<LessonError> errors;
};

struct LessonLibrary {
    QString dir;
    QList<LessonFile> files;          // sorted by number, then name
    QList<LessonError> folder_errors; // the folder is missing or holds no lesson files

    QList<Lesson> lessons() const;     // the good ones, in order
    QList<LessonError> errors() const; // every problem: the folder's, then each file's
    // A lesson by short name ("gil") or number ("4"); nullptr when there is no such good lesson.
    const Lesson* find(const QString& id_or_number) const;
    // The file a lesson name or number refers to, good or broken; nullptr when none does.
    const LessonFile* find_file(const QString& id_or_number) const;
};

// True for names of lesson files: two digits, '-', a name, ".md" ("04-gil.md").
bool is_lesson_file_name(const QString& file_name);

// Loads every lesson file of `dir`, and checks what only the whole folder shows: ids and numbers
// are unique, and each file's number matches its name.
LessonLibrary load_lesson_folder(const QString& dir);

} // namespace clab::lessons
