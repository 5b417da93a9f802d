// `expect:` lines: what parses, what a measured figure must be to pass, and what is refused.
#include "lessons/expectation.h"

#include <QTest>

using clab::lessons::Expectation;
using clab::lessons::parse_expectation;

class TestLessonExpectation : public QObject {
    Q_OBJECT
private slots:
    void holds_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("measured");
        QTest::addColumn<bool>("holds");
        QTest::newRow("below, yes") << "speedup < 1.3" << 1.1 << true;
        QTest::newRow("below is strict") << "speedup < 1.3" << 1.3 << false;
        QTest::newRow("above, yes") << "lost_updates > 100" << 2500.0 << true;
        QTest::newRow("above, no") << "lost_updates > 100" << 0.0 << false;
        QTest::newRow("range includes its ends") << "wall_s 1.8..2.8" << 2.8 << true;
        QTest::newRow("range, below") << "wall_s 1.8..2.8" << 1.7 << false;
        QTest::newRow("an engine's metric") << "processes.speedup > 1.5" << 1.9 << true;
        QTest::newRow("a boolean as 0/1") << "deadlock > 0" << 1.0 << true;
        QTest::newRow("underscores in numbers") << "ipc_bytes > 99_000_000" << 1e8 << true;
    }
    void holds() {
        QFETCH(QString, text);
        QFETCH(double, measured);
        QFETCH(bool, holds);
        QString error;
        const auto expectation = parse_expectation(text, error);
        QVERIFY2(expectation, qPrintable(error));
        QCOMPARE(expectation->holds(measured), holds);
    }

    void engineAndMetricAreSplit() {
        QString error;
        const auto expectation = parse_expectation(QStringLiteral("thread-pool.wall_s 1..2"), error);
        QVERIFY2(expectation, qPrintable(error));
        QCOMPARE(expectation->engine, QStringLiteral("thread-pool"));
        QCOMPARE(expectation->metric, QStringLiteral("wall_s"));
        QCOMPARE(expectation->op, Expectation::Op::Between);
        QCOMPARE(expectation->toString(), QStringLiteral("thread-pool.wall_s 1..2"));
    }

    void ratioReadsTwoRuns() {
        QString error;
        const auto expectation =
            parse_expectation(QStringLiteral("threads.cpu_s / asyncio.cpu_s > 1.5"), error);
        QVERIFY2(expectation, qPrintable(error));
        QCOMPARE(expectation->operands().size(), 2);
        QCOMPARE(expectation->operands()[1].engine, QStringLiteral("asyncio"));
        QCOMPARE(expectation->toString(), QStringLiteral("threads.cpu_s / asyncio.cpu_s > 1.5"));
        const auto cpu = [](double threads, double asyncio) {
            return [=](const QString& engine, const QString& metric) -> std::optional<double> {
                if (metric != QLatin1String("cpu_s")) return std::nullopt;
                return engine == QLatin1String("threads") ? threads : asyncio;
            };
        };
        QCOMPARE(*expectation->measure(cpu(0.9, 0.3)), 3.0);
        QVERIFY(expectation->holds(*expectation->measure(cpu(0.9, 0.3))));
        QVERIFY(!expectation->holds(*expectation->measure(cpu(0.4, 0.3))));
        QVERIFY2(!expectation->measure(cpu(0.4, 0.0)), "a ratio over zero has no value");
    }

    void ratioWithinOneRun() {
        QString error;
        const auto expectation = parse_expectation(QStringLiteral("gil_wait_s / wall_s 0.2..0.9"), error);
        QVERIFY2(expectation, qPrintable(error));
        QVERIFY(expectation->engine.isEmpty() && expectation->divisor &&
                expectation->divisor->engine.isEmpty());
        QCOMPARE(expectation->op, Expectation::Op::Between);
    }

    void refused_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown metric") << "speed < 2"
                                        << "not a number of the run's summary";
        QTest::newRow("no operator") << "speedup 2"
                                     << "expect takes";
        QTest::newRow("not a number") << "speedup < two"
                                      << "not a number";
        QTest::newRow("empty range") << "wall_s 3..2"
                                     << "min > max";
        QTest::newRow("infinity") << "wall_s < inf"
                                  << "not a number";
        QTest::newRow("unknown divisor") << "cpu_s / speed > 2"
                                         << "not a number of the run's summary";
        QTest::newRow("ratio without a divisor") << "cpu_s / > 2"
                                                 << "expect takes";
        QTest::newRow("empty") << ""
                               << "expect takes";
    }
    void refused() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        QString error;
        QVERIFY(!parse_expectation(text, error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestLessonExpectation)
#include "tst_lesson_expectation.moc"
