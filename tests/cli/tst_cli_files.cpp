// Files the command line reads (issue 20, items 8, 9 and 10): a lesson folder holding a FIFO, a
// symlink to /proc/kmsg or a huge file is checked without blocking; control characters from a
// lesson file never reach the terminal raw; a calibration cache that cannot be right is measured
// again, and the cache lives in a private folder.
#include "../app/lesson_samples.h"
#include "cli_process.h"
#include "core/workload/calibration.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using cli_test::Outcome;

namespace {

void write_file(const QString& path, const QByteArray& content) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

bool has_escape(const QByteArray& text) {
    return text.contains('\x1b') || text.contains('\x07');
}
} // namespace

class TestCliFiles : public QObject {
    Q_OBJECT
private slots:
    // Issue 20.8: a lesson "file" that is a FIFO or a link to /proc/kmsg blocked `lessons check`.
    void specialFilesDoNotBlockLessonsCheck() {
        QTemporaryDir dir;
        write_file(dir.filePath(QStringLiteral("04-gil.md")), lesson_samples::kGoodLesson);
        const QByteArray fifo = QFile::encodeName(dir.filePath(QStringLiteral("fifo")));
        QCOMPARE(::mkfifo(fifo.constData(), 0600), 0);
        QVERIFY(QFile::link(QString::fromLocal8Bit(fifo), dir.filePath(QStringLiteral("05-fifo.md"))));
        QVERIFY(QFile::link(QStringLiteral("/proc/kmsg"), dir.filePath(QStringLiteral("06-kmsg.md"))));
        QVERIFY(QFile::link(QStringLiteral("/dev/zero"), dir.filePath(QStringLiteral("07-zero.md"))));
        QVERIFY(
            QFile::link(QStringLiteral("/proc/self/status"), dir.filePath(QStringLiteral("08-status.md"))));
        write_file(dir.filePath(QStringLiteral("09-huge.md")), QByteArray(3 << 20, 'x'));
        const Outcome o =
            cli_test::run({QStringLiteral("lessons"), QStringLiteral("check"), dir.path()}, 20000);
        QVERIFY2(o.exited(1), o.describe());
        for (const char* name : {"06-kmsg.md", "08-status.md", "09-huge.md"})
            QVERIFY2(o.err.contains(name), o.err);
        QVERIFY2(o.err.contains("too large"), o.err);
        QVERIFY2(o.err.contains("kernel file"), o.err);
    }

    // Issue 20.9: a crafted lesson file sent escape sequences to the terminal of `lessons check`.
    void controlCharactersAreShownEscaped() {
        QTemporaryDir dir;
        QByteArray lesson(lesson_samples::kGoodLesson);
        lesson.replace("engine: threads", "engine: \x1b]0;owned\x07\x1b[2J\x1b[31mthreads");
        write_file(dir.filePath(QStringLiteral("04-gil.md")), lesson);
        write_file(dir.filePath(QStringLiteral("05-\x1b[5mblink.md")), QByteArray("---\nid: x\x1b[1m\n"));
        const Outcome o =
            cli_test::run({QStringLiteral("lessons"), QStringLiteral("check"), dir.path()}, 20000);
        QVERIFY2(o.exited(1), o.describe());
        QVERIFY2(!has_escape(o.err) && !has_escape(o.out), o.err.toPercentEncoding(" :'/\n"));
        QVERIFY2(o.err.contains("\\x1b[2J"), o.err);

        // The same for the run command's own messages.
        const Outcome run = cli_test::run(
            {QStringLiteral("run"), QStringLiteral("--engine"), QStringLiteral("\x1b[2Jthreads")}, 20000);
        QVERIFY2(run.exited(2), run.describe());
        QVERIFY2(!has_escape(run.err), run.err.toPercentEncoding(" :'/\n"));
        const Outcome lesson_run = cli_test::run({QStringLiteral("run"), QStringLiteral("--lessons"),
                                                  dir.path(), QStringLiteral("--lesson"), QStringLiteral("4"),
                                                  QStringLiteral("--step"), QStringLiteral("1")},
                                                 20000);
        QVERIFY2(lesson_run.exited(2), lesson_run.describe());
        QVERIFY2(!has_escape(lesson_run.err), lesson_run.err.toPercentEncoding(" :'/\n"));
    }

    // Issue 20.10: a cached figure of 9999 ns per iteration made every run 18x slower.
    void implausibleCalibrationIsMeasuredAgain() {
        if (QStandardPaths::findExecutable(QStringLiteral("python3")).isEmpty()) QSKIP("needs python3");
        const QByteArray identity = QByteArray::fromStdString(clab::python_identity());
        const CacheRun run = run_with_cache("clab-calibration-9 " + identity +
                                            " 9999 1400 100000 100000 6000 70000 30 450 9.6e+06 2.4e+06 "
                                            "7.6e+07 9.3e+06 2.5e+07 2.4e+06\n");
        QCOMPARE(run.fields.value(1), identity);
        const double measured = run.fields.value(2).toDouble();
        QVERIFY2(measured > 1 && measured < 9999, run.fields.value(2));
        // The folder is private now.
        QCOMPARE(run.folder_permissions &
                     (QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther |
                      QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup),
                 QFileDevice::Permissions());
    }

    // Issue 18: a cache written by another python3 (another PATH, an upgraded package) held that
    // interpreter's figures, 17.5 ns per iteration where the python3 on PATH takes 32.8, and every
    // later run took them. Its figures are plausible; only the interpreter differs.
    void aCacheOfAnotherPython3IsMeasuredAgain() {
        if (QStandardPaths::findExecutable(QStringLiteral("python3")).isEmpty()) QSKIP("needs python3");
        const QByteArray identity = QByteArray::fromStdString(clab::python_identity());
        const CacheRun run = run_with_cache("clab-calibration-9 py-0000000000000000 35 1400 100000 100000 "
                                            "6000 70000 30 450 9.6e+06 2.4e+06 7.6e+07 9.3e+06 2.5e+07 "
                                            "2.4e+06\n");
        QCOMPARE(run.fields.value(0), QByteArray("clab-calibration-9"));
        QCOMPARE(run.fields.value(1), identity);
    }

private:
    struct CacheRun {
        QFileDevice::Permissions folder_permissions; // the cache folder's, after the run
        QList<QByteArray> fields;                    // the cache file after the run
    };

    // Writes `content` as the calibration cache of a folder of its own (readable by others, as an
    // old or careless one is), runs one short CLI run with it, and reads the cache back.
    static CacheRun run_with_cache(const QByteArray& content) {
        CacheRun result;
        QTemporaryDir cache;
        const QString folder = cache.filePath(QStringLiteral("concurrency-lab"));
        [&] {
            QVERIFY(QDir().mkpath(folder));
            QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                              QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                              QFileDevice::ExeOther);
            const QString file = folder + QStringLiteral("/calibration-9");
            write_file(file, content);
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove(QStringLiteral("CLAB_PYTHON_NS_PER_ITERATION"));
            env.insert(QStringLiteral("XDG_CACHE_HOME"), cache.path());
            const Outcome o = cli_test::run(
                {QStringLiteral("run"), QStringLiteral("--iterations"), QStringLiteral("1000")}, 60000, env);
            QVERIFY2(o.exited(0), o.describe());
            QFile read(file);
            QVERIFY(read.open(QIODevice::ReadOnly));
            result.fields = read.readAll().simplified().split(' ');
        }();
        result.folder_permissions = QFileInfo(folder).permissions();
        return result;
    }
};

QTEST_GUILESS_MAIN(TestCliFiles)
#include "tst_cli_files.moc"
