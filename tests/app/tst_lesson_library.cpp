// A lesson folder: sorted by number, README and stray files ignored, a broken file gives messages
// while the others load, ids and numbers are unique, the repository reloads when a file changes,
// and `run --lesson ID --step N` finds the step's experiment.
#include "lesson_samples.h"
#include "lessons/lesson_library.h"
#include "lessons/lesson_repository.h"
#include "lessons/step_spec.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace clab::lessons;
using lesson_samples::good_lesson;
using lesson_samples::with;

namespace {
QByteArray lesson_text(const char* id, int number) {
    return with("id: gil", qPrintable(QStringLiteral("id: %1").arg(QLatin1String(id))))
        .replace("number: 4", QByteArray("number: ") + QByteArray::number(number));
}

void write(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
    QFile file(dir.filePath(name));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(text), text.size());
}
} // namespace

class TestLessonLibrary : public QObject {
    Q_OBJECT
private slots:
    void loadsSortedAndSkipsOtherFiles() {
        QTemporaryDir dir;
        write(dir, "10-processes.md", lesson_text("processes", 10));
        write(dir, "04-gil.md", lesson_text("gil", 4));
        write(dir, "README.md", "# not a lesson");
        write(dir, "notes.md", "not a lesson either");
        const LessonLibrary library = load_lesson_folder(dir.path());
        QVERIFY2(library.errors().isEmpty(), qPrintable(library.errors().value(0).toString()));
        QCOMPARE(library.files.size(), 2);
        QCOMPARE(library.lessons()[0].id, QStringLiteral("gil"));
        QCOMPARE(library.lessons()[1].id, QStringLiteral("processes"));
        QVERIFY(library.find("10"));
        QCOMPARE(library.find("processes")->number, 10);
        QVERIFY(!library.find("11"));
    }

    void brokenFileDoesNotStopTheOthers() {
        QTemporaryDir dir;
        write(dir, "04-gil.md", lesson_text("gil", 4));
        write(dir, "05-switch.md", lesson_text("switch", 5).replace("tasks: 2", "tasks: lots"));
        write(dir, "06-io.md", lesson_text("io", 6));
        const LessonLibrary library = load_lesson_folder(dir.path());
        QCOMPARE(library.lessons().size(), 2);
        QCOMPARE(library.errors().size(), 1);
        QVERIFY(library.errors()[0].file.endsWith(QStringLiteral("05-switch.md")));
        QVERIFY(library.errors()[0].message.contains(QStringLiteral("whole number")));
        const LessonFile* broken = library.find_file("switch"); // found by its file name
        QVERIFY(broken && !broken->lesson);
        QVERIFY(library.find_file("5"));
    }

    void idsAndNumbersAreUniqueAndMatchTheFileName() {
        QTemporaryDir dir;
        write(dir, "04-gil.md", lesson_text("gil", 4));
        write(dir, "05-again.md", lesson_text("gil", 5));
        write(dir, "06-six.md", lesson_text("six", 7));
        const LessonLibrary library = load_lesson_folder(dir.path());
        QCOMPARE(library.lessons().size(), 1);
        const QList<LessonError> errors = library.errors();
        QCOMPARE(errors.size(), 2);
        QVERIFY(errors[0].message.contains(QStringLiteral("id 'gil' is already used by 04-gil.md")));
        QCOMPARE(errors[0].line, 2);
        QVERIFY(errors[1].message.contains(QStringLiteral("file name says lesson 6")));
        QCOMPARE(errors[1].line, 3);
    }

    void missingOrEmptyFolderIsAProblem() {
        QTemporaryDir dir;
        QCOMPARE(load_lesson_folder(dir.path()).errors().size(), 1);
        QCOMPARE(load_lesson_folder(dir.filePath("nope")).errors().size(), 1);
    }

    void repositoryReloadsWhenAFileChanges() {
        QTemporaryDir dir;
        write(dir, "04-gil.md", lesson_text("gil", 4));
        LessonRepository repository;
        repository.setDebounceInterval(50);
        QSignalSpy reloaded(&repository, &LessonRepository::reloaded);
        repository.setDirectory(dir.path());
        QCOMPARE(reloaded.count(), 1);
        QCOMPARE(repository.library().lessons().size(), 1);

        // Break the file: the repository reloads and now holds the message instead of the lesson.
        write(dir, "04-gil.md", lesson_text("gil", 4).replace("engine: threads", "engine: fibers"));
        QTRY_VERIFY_WITH_TIMEOUT(reloaded.count() >= 2 && !repository.library().errors().isEmpty(), 10000);
        QVERIFY(repository.library().lessons().isEmpty());

        // A new file appears: picked up through the folder watch.
        write(dir, "05-switch.md", lesson_text("switch", 5));
        QTRY_VERIFY_WITH_TIMEOUT(repository.library().files.size() == 2, 10000);
        QCOMPARE(repository.library().lessons().size(), 1);

        // Fixed again.
        const int before = int(reloaded.count());
        write(dir, "04-gil.md", lesson_text("gil", 4));
        QTRY_VERIFY_WITH_TIMEOUT(reloaded.count() > before && repository.library().lessons().size() == 2,
                                 10000);
    }

    void findStepExperiment() {
        QTemporaryDir dir;
        write(dir, "04-gil.md", lesson_text("gil", 4));
        StepExperiment step;
        QString error;
        QVERIFY2(find_step_experiment(dir.path(), "gil", 1, step, error), qPrintable(error));
        QCOMPARE(step.spec.engine, clab::EngineKind::Threads);
        QCOMPARE(step.spec.iterations, 10'000'000);
        QCOMPARE(step.expects.size(), 2);
        QVERIFY(step.baseline); // "speedup < 1.3"
        QCOMPARE(step.lesson_id, QStringLiteral("gil"));

        QVERIFY(find_step_experiment(dir.path(), "4", 2, step, error));
        QCOMPARE(step.compare.size(), 4);

        QVERIFY(!find_step_experiment(dir.path(), "gil", 3, step, error));
        QVERIFY2(error.contains(QStringLiteral("no experiment")), qPrintable(error));
        QVERIFY(!find_step_experiment(dir.path(), "gil", 9, step, error));
        QVERIFY2(error.contains(QStringLiteral("steps 1 to 3")), qPrintable(error));
        QVERIFY(!find_step_experiment(dir.path(), "nope", 1, step, error));
        QVERIFY2(error.contains(QStringLiteral("4 (gil)")), qPrintable(error));

        write(dir, "04-gil.md", lesson_text("gil", 4).replace("tasks: 2", "tasks: lots"));
        QVERIFY(!find_step_experiment(dir.path(), "gil", 1, step, error));
        QVERIFY2(error.contains(QStringLiteral("04-gil.md:")), qPrintable(error));
    }

    void defaultFolderFollowsTheEnvironment() {
        const QByteArray saved = qgetenv("CLAB_LESSONS_DIR");
        qputenv("CLAB_LESSONS_DIR", "/somewhere/else");
        QCOMPARE(default_lessons_dir(), QStringLiteral("/somewhere/else"));
        qunsetenv("CLAB_LESSONS_DIR");
        // A test binary runs from the build tree: the source tree's lessons.
        QCOMPARE(default_lessons_dir(), QStringLiteral(CLAB_SOURCE_LESSONS_DIR));
        qputenv("CLAB_LESSONS_DIR", saved);
    }
};

QTEST_GUILESS_MAIN(TestLessonLibrary)
#include "tst_lesson_library.moc"
