#include "block_fields.h"

#include <QRegularExpression>
#include <cmath>

namespace clab::lessons {

namespace {
bool is_key(const QString& key) {
    static const QRegularExpression pattern(QStringLiteral("^[a-z][a-z0-9_]*$"));
    return pattern.match(key).hasMatch();
}

// "10_000_000" -> "10000000"; underscores only between digits, as in Python.
std::optional<QString> without_separators(const QString& text) {
    const QString trimmed = text.trimmed();
    static const QRegularExpression pattern(
        QStringLiteral("^[-+]?[0-9]+(_[0-9]+)*(\\.[0-9]+)?$|^[-+]?\\.[0-9]+$"));
    if (!pattern.match(trimmed).hasMatch()) return std::nullopt;
    QString plain = trimmed;
    plain.remove(QLatin1Char('_'));
    return plain;
}
} // namespace

QList<Field> split_fields(const QStringList& lines, int first_line, Problems& problems) {
    QList<Field> fields;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int line = first_line + int(i);
        const QString text = lines[i].trimmed();
        if (text.isEmpty()) continue;
        const qsizetype colon = text.indexOf(QLatin1Char(':'));
        const QString key = colon < 0 ? QString() : text.left(colon).trimmed();
        if (colon < 0 || !is_key(key)) {
            problems.add(line, QStringLiteral("expected 'key: value', got '%1'").arg(text.left(60)));
            continue;
        }
        fields.append({key, text.mid(colon + 1).trimmed(), line});
    }
    return fields;
}

void check_keys(const QList<Field>& fields, const QStringList& allowed, const QStringList& repeatable,
                const QString& block_name, Problems& problems) {
    QStringList seen;
    for (const Field& field : fields) {
        if (!allowed.contains(field.key)) {
            problems.add(field.line, QStringLiteral("unknown key '%1' in a %2 block (known: %3)")
                                         .arg(field.key, block_name, allowed.join(QStringLiteral(", "))));
            continue;
        }
        if (seen.contains(field.key) && !repeatable.contains(field.key))
            problems.add(field.line,
                         QStringLiteral("'%1' is given twice in this %2 block").arg(field.key, block_name));
        seen.append(field.key);
    }
}

const Field* find_field(const QList<Field>& fields, const QString& key) {
    for (const Field& field : fields)
        if (field.key == key) return &field;
    return nullptr;
}

std::optional<double> parse_number(const QString& text) {
    const auto plain = without_separators(text);
    if (!plain) return std::nullopt;
    bool ok = false;
    const double value = plain->toDouble(&ok);
    if (!ok || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::optional<qint64> parse_integer(const QString& text) {
    const auto plain = without_separators(text);
    if (!plain || plain->contains(QLatin1Char('.'))) return std::nullopt;
    bool ok = false;
    const qint64 value = plain->toLongLong(&ok);
    if (!ok) return std::nullopt;
    return value;
}

} // namespace clab::lessons
