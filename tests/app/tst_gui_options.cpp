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
        QCOMPARE(options.screenshot_size, QSize(1600, 1000)); // the screenshots' usual size
        QCOMPARE(parse_gui_options(
                     {"concurrency-lab", "--screenshot", "a.png", "--screenshot-size", "1920x1080"}, options),
                 -1);
        QCOMPARE(options.screenshot_size, QSize(1920, 1080));
    }
    void badFlags_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("unknown flag") << QStringList{"concurrency-lab", "--frobnicate"};
        QTest::newRow("step zero") << QStringList{"concurrency-lab", "--step", "0"};
        QTest::newRow("step not a number") << QStringList{"concurrency-lab", "--step", "two"};
        QTest::newRow("stray argument") << QStringList{"concurrency-lab", "stray"};
        QTest::newRow("size not WxH") << QStringList{"concurrency-lab", "--screenshot-size", "1920"};
        QTest::newRow("size too small") << QStringList{"concurrency-lab", "--screenshot-size", "20x10"};
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
