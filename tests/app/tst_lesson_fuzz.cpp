// The parser never crashes and never stays silent: mutated copies of the real lesson files (and
// of the test sample) always give either a lesson or at least one message with a sensible line.
#include "lesson_samples.h"
#include "lessons/lesson_parser.h"

#include <QDir>
#include <QFile>
#include <QTest>
#include <random>

using namespace clab::lessons;

namespace {

constexpr int kMutations = 4000;
constexpr unsigned kSeed = 20240605; // fixed: a failure reproduces

// Bytes that mean something to the format, so mutations hit the interesting paths often.
const QList<QByteArray> kFragments{"```",
                                   "```experiment\n",
                                   "```predict\n",
                                   "```notice\n",
                                   "```check\n",
                                   "```python\n",
                                   "---\n",
                                   "## ",
                                   "## Recap\n",
                                   ":",
                                   "..",
                                   "|",
                                   "\n",
                                   "expect: ",
                                   "controls: ",
                                   "answer: ",
                                   "lane: ",
                                   "1e308",
                                   "-1",
                                   "9999999999999999999",
                                   "\xff\xfe",
                                   QByteArray("\0", 1),
                                   "\r\n",
                                   "tasks 8..1",
                                   "_"};

class Mutator {
public:
    explicit Mutator(unsigned seed)
        : random_(seed) {}

    QByteArray mutate(QByteArray text) {
        const int edits = 1 + int(pick(3));
        for (int i = 0; i < edits; ++i)
            text = edit(std::move(text));
        return text;
    }

private:
    size_t pick(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(random_); }

    QByteArray edit(QByteArray text) {
        QList<QByteArray> lines = text.split('\n');
        switch (pick(7)) {
        case 0: // flip a byte
            if (!text.isEmpty()) text[qsizetype(pick(size_t(text.size())))] = char(pick(256));
            return text;
        case 1: // delete a line
            if (!lines.isEmpty()) lines.removeAt(qsizetype(pick(size_t(lines.size()))));
            return lines.join('\n');
        case 2: { // duplicate a line
            if (lines.isEmpty()) return text;
            const qsizetype at = qsizetype(pick(size_t(lines.size())));
            lines.insert(at, lines[at]);
            return lines.join('\n');
        }
        case 3: // truncate
            return text.left(qsizetype(pick(size_t(text.size()) + 1)));
        case 4: { // swap two lines
            if (lines.size() < 2) return text;
            lines.swapItemsAt(qsizetype(pick(size_t(lines.size()))), qsizetype(pick(size_t(lines.size()))));
            return lines.join('\n');
        }
        case 5: { // insert a fragment of the format
            const QByteArray& fragment = kFragments[qsizetype(pick(size_t(kFragments.size())))];
            text.insert(qsizetype(pick(size_t(text.size()) + 1)), fragment);
            return text;
        }
        default: { // replace a value with a fragment: "tasks: 2" -> "tasks: .."
            if (lines.isEmpty()) return text;
            QByteArray& line = lines[qsizetype(pick(size_t(lines.size())))];
            const qsizetype colon = line.indexOf(':');
            if (colon >= 0)
                line = line.left(colon + 1) + ' ' + kFragments[qsizetype(pick(size_t(kFragments.size())))];
            return lines.join('\n');
        }
        }
    }

    std::mt19937 random_;
};

QList<QByteArray> seed_files() {
    QList<QByteArray> files{lesson_samples::good_lesson()};
    const QDir dir(qEnvironmentVariable("CLAB_LESSONS_DIR"));
    for (const QString& name : dir.entryList({QStringLiteral("[0-9][0-9]-*.md")}, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (file.open(QIODevice::ReadOnly)) files.append(file.readAll());
    }
    return files;
}

} // namespace

class TestLessonFuzz : public QObject {
    Q_OBJECT
private slots:
    void mutatedLessonsGiveALessonOrAMessage() {
        const QList<QByteArray> seeds = seed_files();
        qInfo("fuzzing with %lld seed files, %d mutations", qlonglong(seeds.size()), kMutations);
        Mutator mutator(kSeed);
        int lessons = 0;
        for (int i = 0; i < kMutations; ++i) {
            const QByteArray text = mutator.mutate(seeds[i % seeds.size()]);
            const ParsedLesson parsed = parse_lesson(QStringLiteral("fuzz.md"), text);
            const int line_count = int(text.count('\n')) + 2;
            if (parsed.lesson) {
                QVERIFY(parsed.errors.isEmpty());
                QVERIFY(parsed.lesson->steps.size() >= 2 && parsed.lesson->steps.size() <= 5);
                ++lessons;
                continue;
            }
            QVERIFY2(!parsed.errors.isEmpty(),
                     qPrintable(QStringLiteral("mutation %1: no lesson and no message").arg(i)));
            for (const LessonError& error : parsed.errors) {
                QVERIFY(!error.message.isEmpty());
                QVERIFY2(error.line >= 1 && error.line <= line_count,
                         qPrintable(QStringLiteral("mutation %1: line %2 of %3: %4")
                                        .arg(i)
                                        .arg(error.line)
                                        .arg(line_count)
                                        .arg(error.message)));
            }
        }
        // Some mutations are harmless (a flipped letter in the text): both outcomes must occur.
        qInfo("%d of %d mutations still parse as a lesson", lessons, kMutations);
        QVERIFY(lessons > 0);
        QVERIFY(lessons < kMutations);
    }
};

QTEST_GUILESS_MAIN(TestLessonFuzz)
#include "tst_lesson_fuzz.moc"
