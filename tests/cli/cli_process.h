// Running the built concurrency-lab the way a shell does, for the command-line tests: every run
// has a time limit (a hang is a failure, not a stuck test), and the outcome says whether the
// program exited or was killed by a signal.
#pragma once

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QThread>

namespace cli_test {

struct Outcome {
    bool finished = false; // ended by itself within the time limit (false: a hang, killed)
    bool crashed = false;  // ended by a signal
    int exit_code = -1;
    QByteArray out, err;
    double seconds = 0;

    bool exited(int code) const { return finished && !crashed && exit_code == code; }
    // For QVERIFY2: what happened, in one line.
    QByteArray describe() const {
        return (finished
                    ? (crashed ? QByteArray("killed by a signal") : "exit " + QByteArray::number(exit_code))
                    : QByteArray("still running after the time limit (killed)")) +
               " after " + QByteArray::number(seconds, 'f', 2) + " s; stderr: " + err.left(400);
    }
};

inline QString binary() {
    return QStringLiteral(CLAB_BINARY);
}

// A fixed Python speed, so no test waits for python3 to calibrate (and none starts it).
inline QProcessEnvironment quick_env() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CLAB_PYTHON_NS_PER_ITERATION"), QStringLiteral("35"));
    return env;
}

inline void start(QProcess& process, const QStringList& arguments,
                  const QProcessEnvironment& env = quick_env()) {
    process.setProcessEnvironment(env);
    process.start(binary(), arguments);
}

inline Outcome finish(QProcess& process, const QElapsedTimer& since, int timeout_ms) {
    Outcome o;
    o.finished = process.waitForFinished(timeout_ms);
    if (!o.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    o.seconds = double(since.elapsed()) / 1000.0;
    o.crashed = process.exitStatus() == QProcess::CrashExit;
    o.exit_code = process.exitCode();
    o.out = process.readAllStandardOutput();
    o.err = process.readAllStandardError();
    return o;
}

inline Outcome run(const QStringList& arguments, int timeout_ms = 30000,
                   const QProcessEnvironment& env = quick_env(), const QString& working_dir = {}) {
    QProcess process;
    if (!working_dir.isEmpty()) process.setWorkingDirectory(working_dir);
    QElapsedTimer timer;
    timer.start();
    start(process, arguments, env);
    return finish(process, timer, timeout_ms);
}

// The pids of `pid`'s child processes.
inline QList<qint64> children_of(qint64 pid) {
    QList<qint64> children;
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    for (const QString& task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile file(tasks.filePath(task + QStringLiteral("/children")));
        if (!file.open(QIODevice::ReadOnly)) continue;
        for (const QByteArray& field : file.readAll().split(' '))
            if (const qint64 child = field.trimmed().toLongLong(); child > 0) children.append(child);
    }
    return children;
}

inline QByteArray cmdline_of(qint64 pid) {
    QFile file(QStringLiteral("/proc/%1/cmdline").arg(pid));
    return file.open(QIODevice::ReadOnly) ? file.readAll().replace('\0', ' ') : QByteArray();
}

// Waits until `pid` has a child whose command line contains `marker` (any child when empty).
inline qint64 wait_for_child(qint64 pid, const QByteArray& marker, int timeout_ms) {
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeout_ms) {
        for (const qint64 child : children_of(pid))
            if (marker.isEmpty() || cmdline_of(child).contains(marker)) return child;
        QThread::msleep(20);
    }
    return 0;
}

} // namespace cli_test
