// Reads one lesson file (format: lessons/README.md) into a Lesson, or explains what is wrong with
// it. Never crashes and never throws, whatever the bytes: a broken file gives messages, not a lesson.
#pragma once

#include "lesson.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace clab::lessons {

struct ParsedLesson {
    std::optional<Lesson> lesson; // set exactly when `errors` is empty
    QList<LessonError> errors;    // in file order
};

// `file` is only used in messages and Lesson::file.
ParsedLesson parse_lesson(const QString& file, const QByteArray& content);
ParsedLesson parse_lesson_file(const QString& path);

} // namespace clab::lessons
