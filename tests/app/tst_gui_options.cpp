// The GUI's command line: good flags fill the options, bad ones give exit code 2.
#include "cli/gui_options.h"

#include <QTest>

using clab::cli::GuiOptions;
using clab::cli::parse_gui_options;

class TestGuiOptions : public QObject {
    Q_OBJECT
private slots:
    void goodFlagsFillTheOptions() {
        GuiOptions options;
        const int rc =
            parse_gui_options({"concurrency-lab", "--lesson", "gil", "--step", "2", "--presenter"}, options);
        QCOMPARE(rc, -1);
        QCOMPARE(options.lesson, QStringLiteral("gil"));
        QCOMPARE(options.step, 2);
        QVERIFY(options.presenter);
    }
    void badFlags_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("unknown flag") << QStringList{"concurrency-lab", "--frobnicate"};
        QTest::newRow("step zero") << QStringList{"concurrency-lab", "--step", "0"};
        QTest::newRow("step not a number") << QStringList{"concurrency-lab", "--step", "two"};
        QTest::newRow("stray argument") << QStringList{"concurrency-lab", "stray"};
    }
    void badFlags() {
        QFETCH(QStringList, args);
        GuiOptions options;
        QCOMPARE(parse_gui_options(args, options), 2);
    }
    void versionExitsZero() {
        GuiOptions options;
        QCOMPARE(parse_gui_options({"concurrency-lab", "--version"}, options), 0);
    }
};

QTEST_GUILESS_MAIN(TestGuiOptions)
#include "tst_gui_options.moc"
