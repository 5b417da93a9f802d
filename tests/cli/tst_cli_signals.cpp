// Signals and dying helpers around `concurrency-lab run` (issue 20, items 3, 4 and 11):
// Ctrl+C and SIGTERM stop the run as Stop does (partial summary, --trace written, exit 130/143);
// a slow-server child that dies mid-run cannot take the program with it through SIGPIPE; a killed
// forkserver is named as the culprit, not one of the workers it took with it.
#include "cli_process.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/resource.h>

using cli_test::Outcome;

namespace {
// A run that takes 20 s unless stopped.
// Each task sleeps this long: only a stop ends the run sooner.
constexpr int kLongSleepMs = 20'000;
QStringList long_run() {
    return {QStringLiteral("run"),        QStringLiteral("--engine"), QStringLiteral("threads"),
            QStringLiteral("--workload"), QStringLiteral("sleep"),    QStringLiteral("--tasks"),
            QStringLiteral("2"),          QStringLiteral("--io-ms"),  QString::number(kLongSleepMs)};
}
} // namespace

class TestCliSignals : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void stopSignalsEndTheRunCleanly_data() {
        QTest::addColumn<int>("signo");
        QTest::addColumn<bool>("json");
        QTest::newRow("SIGINT, table") << int(SIGINT) << false;
        QTest::newRow("SIGTERM, json") << int(SIGTERM) << true;
    }
    void stopSignalsEndTheRunCleanly() {
        QFETCH(int, signo);
        QFETCH(bool, json);
        const QString trace = dir_.filePath(QStringLiteral("trace-%1.json").arg(signo));
        QStringList args = long_run() << QStringLiteral("--trace") << trace;
        if (json) args << QStringLiteral("--json");
        QProcess process;
        QElapsedTimer timer;
        timer.start();
        cli_test::start(process, args);
        QVERIFY(process.waitForStarted());
        // The run has begun once its first worker sleeps; give it a moment to get there.
        QTest::qWait(700);
        QCOMPARE(::kill(pid_t(process.processId()), signo), 0);
        QElapsedTimer since_signal;
        since_signal.start();
        const Outcome o = cli_test::finish(process, timer, 15000);
        QVERIFY2(o.exited(128 + signo), o.describe());
        // "Stop means stop", by the order of events: the program ended long before its sleeps were
        // due (the stop's own latency is measured in tests/core/test_stop_latency.cpp).
        QVERIFY2(since_signal.elapsed() < kLongSleepMs / 2, o.describe());
        if (json) {
            const QJsonObject summary = QJsonDocument::fromJson(o.out).object();
            QCOMPARE(summary.value(QStringLiteral("cancelled")).toBool(), true);
            QCOMPARE(summary.value(QStringLiteral("completed")).toBool(), false);
        } else {
            QVERIFY2(o.out.contains("(stopped)"), o.out);
        }
        QFile file(trace);
        QVERIFY2(file.open(QIODevice::ReadOnly), "the --trace file was not written");
        QVERIFY(QJsonDocument::fromJson(file.readAll()).object().contains(QStringLiteral("traceEvents")));
    }

    // Issue 20.3: the loopback server's child dies during a net run; stopping it wrote to its pipe
    // and SIGPIPE killed the program (exit 141, nothing printed).
    void deadSlowServerIsNoSigpipe() {
        QProcess process;
        QElapsedTimer timer;
        timer.start();
        cli_test::start(process,
                        {QStringLiteral("run"), QStringLiteral("--engine"), QStringLiteral("threads"),
                         QStringLiteral("--workload"), QStringLiteral("net"), QStringLiteral("--tasks"),
                         QStringLiteral("2"), QStringLiteral("--io-ms"), QStringLiteral("3000"),
                         QStringLiteral("--json")});
        QVERIFY(process.waitForStarted());
        // The threads engine's only child process is the slow server.
        const qint64 server = cli_test::wait_for_child(process.processId(), QByteArray(), 10000);
        QVERIFY(server > 0);
        QTest::qWait(300);
        QCOMPARE(::kill(pid_t(server), SIGKILL), 0);
        const Outcome o = cli_test::finish(process, timer, 30000);
        QVERIFY2(o.finished && !o.crashed, o.describe());
        QVERIFY2(o.exit_code == 0 || o.exit_code == 1, o.describe());
        QVERIFY2(!QJsonDocument::fromJson(o.out).object().isEmpty(), "no summary printed: " + o.describe());
    }

    // Issue 20.11: killing the forkserver took the workers with it, and the message blamed a worker.
    void killedForkserverIsNamed() {
        QProcess process;
        QElapsedTimer timer;
        timer.start();
        cli_test::start(process,
                        {QStringLiteral("run"), QStringLiteral("--engine"), QStringLiteral("process-pool"),
                         QStringLiteral("--start-method"), QStringLiteral("forkserver"),
                         QStringLiteral("--workload"), QStringLiteral("sleep"), QStringLiteral("--tasks"),
                         QStringLiteral("4"), QStringLiteral("--workers"), QStringLiteral("2"),
                         QStringLiteral("--io-ms"), QStringLiteral("4000"), QStringLiteral("--json")});
        QVERIFY(process.waitForStarted());
        const qint64 forkserver = cli_test::wait_for_child(process.processId(), "__clab_forkserver__", 15000);
        QVERIFY(forkserver > 0);
        QTest::qWait(1000); // its workers are up and sleeping
        QCOMPARE(::kill(pid_t(forkserver), SIGKILL), 0);
        const Outcome o = cli_test::finish(process, timer, 30000);
        QVERIFY2(o.exited(1), o.describe());
        const QString error =
            QJsonDocument::fromJson(o.out).object().value(QStringLiteral("error")).toString();
        QVERIFY2(error.contains(QStringLiteral("forkserver")), qPrintable(error));
    }

    // Issue 20.11: with `ulimit -n 256`, many thread-per-request tasks failed with a bare "Too many
    // open files", after every other task had sat out its request. Now the first failure stops
    // the others at once and the message names the limit.
    void fdLimitIsNamedAndEndsTheRun() {
        constexpr int kRequestMs = 5000;
        QProcess process;
        process.setChildProcessModifier([] {
            const rlimit limit{256, 256};
            setrlimit(RLIMIT_NOFILE, &limit);
        });
        QElapsedTimer timer;
        timer.start();
        cli_test::start(process,
                        {QStringLiteral("run"), QStringLiteral("--engine"), QStringLiteral("threads"),
                         QStringLiteral("--workload"), QStringLiteral("net"), QStringLiteral("--tasks"),
                         QStringLiteral("400"), QStringLiteral("--io-ms"), QString::number(kRequestMs),
                         QStringLiteral("--json")});
        const Outcome o = cli_test::finish(process, timer, 60000);
        QVERIFY2(o.exited(1), o.describe());
        const QJsonObject summary = QJsonDocument::fromJson(o.out).object();
        const QString error = summary.value(QStringLiteral("error")).toString();
        QVERIFY2(error.contains(QStringLiteral("ulimit -n")) && error.contains(QStringLiteral("256")),
                 qPrintable(error));
        // By the order of events: the run ended before the connected tasks' requests were due.
        QVERIFY2(summary.value(QStringLiteral("wall_s")).toDouble() * 1e3 < kRequestMs, o.out.left(300));
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestCliSignals)
#include "tst_cli_signals.moc"
