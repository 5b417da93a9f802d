// `concurrency-lab run` options and bad values (issue 20, items 2 and 5): every option, fed bad
// numbers, NaN, huge and negative values, empty text, unicode and both the "--opt value" and the
// "--opt=value" form, ends at once with usage and exit 2, or with exactly the value typed in the
// experiment (--dry-run prints it) — never a hang, a crash, or a number silently wrapped or cut.
#include "cli_process.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <cstdlib>

using cli_test::Outcome;

namespace {

// The options of `run` with a value, read from its own --help: a flag added later is fuzzed too.
QStringList value_options() {
    const Outcome help = cli_test::run({QStringLiteral("run"), QStringLiteral("--help")});
    QStringList names;
    static const QRegularExpression line(QStringLiteral("^\\s+(?:-\\w, )?--([a-z-]+) <"),
                                         QRegularExpression::MultilineOption);
    for (auto it = line.globalMatch(QString::fromUtf8(help.out)); it.hasNext();)
        names.append(it.next().captured(1));
    return names;
}

// What a careless hand or a fuzzer types. An odd count, so that alternating the two forms gives
// each value both forms across the options.
const QStringList& bad_values() {
    static const QStringList values{
        QString(),
        QStringLiteral("nan"),
        QStringLiteral("-inf"),
        QStringLiteral("1e308"),
        QStringLiteral("1e10"),
        QStringLiteral("-1"),
        QStringLiteral("0"),
        QStringLiteral("2.5"),
        QStringLiteral("99999999999"),
        QStringLiteral("-99999999999"),
        QStringLiteral("4294967297"),
        QStringLiteral("9223372036854775808"),
        QStringLiteral("12abc"),
        QStringLiteral("\uff15"),    // FULLWIDTH DIGIT FIVE
        QStringLiteral("\x1b[31m5"), // an escape sequence
    };
    return values;
}

bool has_control_bytes(const QByteArray& text) {
    for (const char c : text)
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) return true;
    return false;
}

// The number a plain decimal text means (strtod, C locale); nullopt for anything else.
std::optional<double> plain_number(const QString& text) {
    static const QRegularExpression plain(QRegularExpression::anchoredPattern(
        QStringLiteral("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")));
    if (!plain.match(text).hasMatch()) return std::nullopt;
    return std::strtod(text.toLatin1().constData(), nullptr);
}

} // namespace

class TestCliNumbers : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY2(QFile::exists(cli_test::binary()), qPrintable(cli_test::binary()));
        QVERIFY(dir_.isValid());
    }

    // The values the issue found wrapping, truncated or read as 0.
    void refusesWhatUsedToPass_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("named");
        auto row = [](const char* name, const char* flag, const char* value) {
            QTest::newRow(name) << QStringList{QString::fromLatin1(flag), QString::fromLatin1(value)}
                                << QString::fromLatin1(flag);
        };
        row("tasks 2^32+1", "--tasks", "4294967297");
        for (const char* flag :
             {"--workers", "--chunksize", "--io-count", "--cpus", "--cpu-percent", "--concurrency"})
            row(flag, flag, "99999999999");
        for (const char* flag : {"--io-ms", "--switch-interval-ms", "--time-scale", "--timeout-s"})
            row(flag, flag, "nan");
        row("empty tasks", "--tasks", "");
        row("tasks with garbage", "--tasks", "3x");
    }
    void refusesWhatUsedToPass() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, named);
        // No --dry-run: a value that slips through runs (a short run), and the test sees it.
        const Outcome o = cli_test::run(
            QStringList{QStringLiteral("run"), QStringLiteral("--iterations"), QStringLiteral("1000")} +
            arguments);
        QVERIFY2(o.exited(2), o.describe());
        QVERIFY2(o.err.left(o.err.indexOf('\n')).contains(named.toUtf8()), o.err);
        QVERIFY(o.err.contains("Usage: concurrency-lab run"));
        QVERIFY(o.out.isEmpty());
    }

    // Issue 20.2: a huge time limit overflowed the deadline and hung the run forever. Now it is
    // refused at once, and the largest one allowed runs a short experiment normally.
    void hugeTimeoutIsRefusedNotHung_data() {
        QTest::addColumn<QString>("value");
        for (const char* v : {"1e10", "99999999999", "1e308", "inf", "9223372036854775807", "86401"})
            QTest::newRow(v) << QString::fromLatin1(v);
    }
    void hugeTimeoutIsRefusedNotHung() {
        QFETCH(QString, value);
        const Outcome o = cli_test::run({QStringLiteral("run"), QStringLiteral("--workload"),
                                         QStringLiteral("sleep"), QStringLiteral("--io-ms"),
                                         QStringLiteral("10"), QStringLiteral("--timeout-s"), value},
                                        20000);
        QVERIFY2(o.exited(2), o.describe());
        QVERIFY2(o.err.contains("timeout-s"), o.err);
    }
    void longestTimeoutRuns() {
        const Outcome o =
            cli_test::run({QStringLiteral("run"), QStringLiteral("--workload"), QStringLiteral("sleep"),
                           QStringLiteral("--io-ms"), QStringLiteral("10"), QStringLiteral("--timeout-s"),
                           QStringLiteral("86400"), QStringLiteral("--json")},
                          20000);
        QVERIFY2(o.exited(0), o.describe());
        QCOMPARE(QJsonDocument::fromJson(o.out).object().value(QStringLiteral("completed")).toBool(), true);
    }

    // Issue 20.5: an empty --trace used to fail only after the whole run.
    void emptyTraceFailsBeforeTheRun() {
        const Outcome o = cli_test::run({QStringLiteral("run"), QStringLiteral("--workload"),
                                         QStringLiteral("sleep"), QStringLiteral("--io-ms"),
                                         QStringLiteral("20000"), QStringLiteral("--trace"), QString()},
                                        15000, cli_test::quick_env(), dir_.path());
        QVERIFY2(o.exited(2), o.describe());
        QVERIFY2(o.err.contains("--trace"), o.err);
        const Outcome missing = cli_test::run({QStringLiteral("run"), QStringLiteral("--trace"),
                                               dir_.filePath(QStringLiteral("no/such/t.json"))},
                                              15000, cli_test::quick_env(), dir_.path());
        QVERIFY2(missing.exited(2), missing.describe());
    }

    // `--trace -` is standard output (the summary moves to standard error), not a file named "-".
    void traceDashIsStandardOutput() {
        const Outcome o =
            cli_test::run({QStringLiteral("run"), QStringLiteral("--workload"), QStringLiteral("sleep"),
                           QStringLiteral("--io-ms"), QStringLiteral("10"), QStringLiteral("--json"),
                           QStringLiteral("--trace"), QStringLiteral("-")},
                          20000, cli_test::quick_env(), dir_.path());
        QVERIFY2(o.exited(0), o.describe());
        QVERIFY(!QFile::exists(dir_.filePath(QStringLiteral("-"))));
        QJsonParseError error{};
        const QJsonDocument trace = QJsonDocument::fromJson(o.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(trace.object().contains(QStringLiteral("traceEvents")));
        QVERIFY2(o.err.contains("\"completed\":true"), o.err);
    }

    // Every option with a value x every bad value, both forms. Six processes at a time.
    void fuzzEveryOption() {
        const QStringList options = value_options();
        QVERIFY2(options.size() >= 20, qPrintable(options.join(QLatin1Char(' '))));
        struct Case {
            QString option, value;
            QStringList arguments;
        };
        QList<Case> cases;
        int n = 0;
        for (const QString& option : options)
            for (const QString& value : bad_values()) {
                // Alternate the two forms so both meet every option and most values.
                const bool equals_form = (n++ % 2) == 1;
                QStringList args{QStringLiteral("run"), QStringLiteral("--dry-run")};
                if (equals_form)
                    args << QStringLiteral("--%1=%2").arg(option, value);
                else
                    args << QStringLiteral("--") + option << value;
                cases.append({option, value, args});
            }
        QTemporaryDir cwd; // a --trace value that is accepted must not litter the source tree
        int accepted = 0, refused = 0;
        constexpr int kParallel = 6;
        for (qsizetype first = 0; first < cases.size(); first += kParallel) {
            QList<QProcess*> running;
            QElapsedTimer timer;
            timer.start();
            for (qsizetype i = first; i < std::min(first + kParallel, cases.size()); ++i) {
                auto* p = new QProcess(this);
                p->setWorkingDirectory(cwd.path());
                cli_test::start(*p, cases[i].arguments);
                running.append(p);
            }
            for (qsizetype k = 0; k < running.size(); ++k) {
                const Case& c = cases[first + k];
                const Outcome o = cli_test::finish(*running[k], timer, 15000);
                delete running[k];
                const QByteArray what = c.arguments.join(QLatin1Char(' ')).toUtf8().toPercentEncoding(" =-") +
                                        ": " + o.describe();
                QVERIFY2(o.finished && !o.crashed, what);
                QVERIFY2(o.exit_code == 0 || o.exit_code == 2, what);
                QVERIFY2(!has_control_bytes(o.err), what);
                if (o.exit_code == 2) {
                    QVERIFY2(o.err.contains("Usage: concurrency-lab run"), what);
                    ++refused;
                    continue;
                }
                ++accepted;
                // Accepted: the experiment holds exactly what was typed.
                const QJsonObject spec = QJsonDocument::fromJson(o.out).object();
                QVERIFY2(!spec.isEmpty(), what);
                const QJsonValue field =
                    spec.value(QString(c.option).replace(QLatin1Char('-'), QLatin1Char('_')));
                if (field.isDouble()) {
                    const auto typed = plain_number(c.value);
                    QVERIFY2(typed.has_value(), "a number that is not plain decimal was accepted: " + what);
                    const double tolerance = std::max(1e-12, std::abs(*typed) * 1e-8);
                    QVERIFY2(std::abs(field.toDouble() - *typed) <= tolerance,
                             "accepted but changed to " + QByteArray::number(field.toDouble(), 'g', 17) +
                                 ": " + what);
                } else if (field.isString()) {
                    QVERIFY2(field.toString() == c.value, what);
                }
            }
        }
        qInfo("%lld invocations: %d accepted exactly, %d refused with usage", qlonglong(cases.size()),
              accepted, refused);
        QVERIFY(refused > accepted);
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestCliNumbers)
#include "tst_cli_numbers.moc"
