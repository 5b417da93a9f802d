// The `key: value` lines of a fenced data block (experiment, predict, notice, check), kept with
// their line numbers so every problem can point at the line that caused it.
#pragma once

#include "lesson.h"

#include <QList>
#include <QString>
#include <optional>

namespace clab::lessons {

struct Field {
    QString key;
    QString value;
    int line = 0;
};

// Collects problems of one file; every parse function reports through one of these.
class Problems {
public:
    explicit Problems(QString file)
        : file_(std::move(file)) {}
    void add(int line, const QString& message) { errors_.append({file_, line, message}); }
    const QList<LessonError>& errors() const { return errors_; }
    qsizetype count() const { return errors_.size(); }
    const QString& file() const { return file_; }

private:
    QString file_;
    QList<LessonError> errors_;
};

// Splits the lines of a block into fields. Blank lines are skipped; a line without "key:" is a
// problem. Keys are lower-case names (letters, digits, '_').
QList<Field> split_fields(const QStringList& lines, int first_line, Problems& problems);

// Reports keys not in `allowed`, and keys given twice unless listed in `repeatable`.
void check_keys(const QList<Field>& fields, const QStringList& allowed, const QStringList& repeatable,
                const QString& block_name, Problems& problems);

const Field* find_field(const QList<Field>& fields, const QString& key);

// Numbers as lesson files write them: "10000000", "10_000_000", "0.5". No inf, no nan.
std::optional<double> parse_number(const QString& text);
// A whole number: "10_000_000" yes, "2.5" or "1e6" no.
std::optional<qint64> parse_integer(const QString& text);

} // namespace clab::lessons
