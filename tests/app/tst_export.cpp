// Exports: plots as PNG / SVG / PDF (a lone QCustomPlot and a stacked widget), the trace as
// Chrome Trace JSON with the bookmarks in it, the summary as CSV.
#include "classroom/plot_export.h"
#include "classroom/summary_csv.h"
#include "classroom/trace_export.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>
#include <qcustomplot.h>

using namespace clab;
using namespace clab::classroom;

namespace {
QCustomPlot* make_plot(QWidget* parent, int points) {
    auto* plot = new QCustomPlot(parent);
    QVector<double> x, y;
    for (int i = 0; i < points; ++i) {
        x << i;
        y << (i % 7);
    }
    plot->addGraph()->setData(x, y);
    plot->xAxis->setLabel(QStringLiteral("time (s)"));
    plot->rescaleAxes();
    return plot;
}

QByteArray read_all(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

RunRecord small_run() {
    RunRecord run;
    run.name = QStringLiteral("Run 1, \"quoted\"");
    Trace& trace = edit_trace(run);
    trace.origin_ns = 1'000'000'000;
    trace.lanes.push_back(LaneInfo{0, LaneKind::Main, "MainThread", kNoLane, 1});
    trace.lanes.push_back(LaneInfo{1, LaneKind::Thread, "Thread-1", 0, 2});
    Event a{1'000'100'000, 1, EventKind::GilWaitBegin, 0, 0};
    Event b{1'000'200'000, 1, EventKind::GilAcquired, 0, 100'000};
    Event c{1'000'900'000, 1, EventKind::WorkerExit, 0, 0};
    trace.append({a, b, c});
    run.spec.engine = EngineKind::Threads;
    run.spec.tasks = 1;
    run.summary.spec = run.spec;
    run.summary.completed = true;
    run.summary.wall_s = 0.0009;
    run.summary.gil_switches = 1;
    run.summary.error = "line one,\nline two";
    run.bookmarks.append(Bookmark{0.0002, -1, QStringLiteral("GIL taken"), {}, false});
    run.bookmarks.append(Bookmark{0.0003, 0.0008, QStringLiteral("the slice"), QStringLiteral("gil"), true});
    return run;
}
} // namespace

class TestExport : public QObject {
    Q_OBJECT
private slots:
    void plotFormats_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("magic");
        QTest::newRow("png") << "plot.png" << QByteArray("\x89PNG");
        QTest::newRow("svg") << "plot.svg" << QByteArray("<?xml");
        QTest::newRow("pdf") << "plot.pdf" << QByteArray("%PDF");
    }
    void plotFormats() {
        QFETCH(QString, file);
        QFETCH(QByteArray, magic);
        QTemporaryDir dir;
        const QString path = dir.filePath(file);
        // A stacked widget: a title label and two plots, like the timeline.
        QWidget stack;
        auto* layout = new QVBoxLayout(&stack);
        layout->addWidget(new QLabel(QStringLiteral("Workers"), &stack));
        layout->addWidget(make_plot(&stack, 200));
        layout->addWidget(make_plot(&stack, 50));
        stack.resize(800, 500);
        QString error;
        QVERIFY2(export_plots(&stack, path, error, PlotExportOptions{QSize(800, 500), 1.0, "test"}),
                 qPrintable(error));
        const QByteArray bytes = read_all(path);
        QVERIFY(bytes.startsWith(magic));
        if (file.endsWith(".png")) {
            QImage image;
            QVERIFY(image.loadFromData(bytes, "PNG"));
            // The plots, and under them a caption strip naming the run.
            QCOMPARE(image.width(), 800);
            QVERIFY(image.height() > 500 && image.height() < 560);
        }
        if (file.endsWith(".svg")) {
            // Vector output: the graphs are paths, not one embedded bitmap.
            QVERIFY(bytes.contains("<svg"));
            QVERIFY(bytes.count("<path") + bytes.count("<polyline") >= 2);
            QVERIFY(bytes.contains("test — Concurrency Lab")); // the caption names the run
        }
    }

    void lonePlotAtTwiceTheSize() {
        QTemporaryDir dir;
        std::unique_ptr<QCustomPlot> plot(make_plot(nullptr, 100));
        plot->resize(400, 300);
        QString error;
        const QString path = dir.filePath("lone.png");
        QVERIFY2(export_plots(plot.get(), path, error, PlotExportOptions{QSize(), 2.0, {}}),
                 qPrintable(error));
        QImage image(path);
        QCOMPARE(image.width(), 800);
        QVERIFY(image.height() > 600); // with the caption under it
    }

    void badPlotPathsAreExplained() {
        QWidget w;
        w.resize(100, 100);
        QString error;
        QVERIFY(!export_plots(&w, QStringLiteral("/tmp/plot.bmp"), error));
        QVERIFY2(error.contains(".png, .svg or .pdf"), qPrintable(error));
        QVERIFY(!export_plots(&w, QStringLiteral("/nonexistent/dir/plot.png"), error));
        QVERIFY2(error.contains("cannot write"), qPrintable(error));
        QVERIFY(!export_plots(nullptr, QStringLiteral("/tmp/x.png"), error));
    }

    void chromeTraceCarriesBookmarks() {
        const RunRecord run = small_run();
        QTemporaryDir dir;
        const QString path = dir.filePath("trace.json");
        QString error;
        QVERIFY2(export_chrome_trace(run, path, error), qPrintable(error));
        QJsonParseError parse;
        const QJsonDocument doc = QJsonDocument::fromJson(read_all(path), &parse);
        QVERIFY2(parse.error == QJsonParseError::NoError, qPrintable(parse.errorString()));
        const QJsonArray events = doc.object().value("traceEvents").toArray();
        QVERIFY(events.size() > 2);
        int instants = 0, ranges = 0, segments = 0;
        for (const QJsonValue& v : events) {
            const QJsonObject e = v.toObject();
            if (e.value("name") == "GIL taken" && e.value("ph") == "i") {
                ++instants;
                QCOMPARE(e.value("ts").toDouble(), 200.0); // µs from the run's start
            }
            if (e.value("name") == "the slice" && e.value("ph") == "X") {
                ++ranges;
                QCOMPARE(e.value("dur").toDouble(), 500.0);
            }
            if (e.value("ph") == "X" && e.value("cat") == "state") ++segments;
        }
        QCOMPARE(instants, 1);
        QCOMPARE(ranges, 1);
        QVERIFY(segments >= 1); // core's exporter still wrote the lane states
    }

    void chromeTraceOfAnEmptyRunStaysValid() {
        RunRecord run;
        run.bookmarks.append(Bookmark{0.5, -1, QStringLiteral("only a marker"), {}, false});
        const std::string json = chrome_trace_with_bookmarks(run);
        QJsonParseError parse;
        QJsonDocument::fromJson(QByteArray::fromStdString(json), &parse);
        QVERIFY2(parse.error == QJsonParseError::NoError,
                 qPrintable(parse.errorString() + QString::fromStdString(json)));
    }

    void summaryCsv() {
        const RunRecord run = small_run();
        RunRecord slow = small_run();
        slow.name = QStringLiteral("slow");
        slow.spec.time_scale = 10;
        slow.summary.spec = slow.spec;
        slow.summary.wall_s = 0.009;
        const QString csv = summary_csv({&run, &slow});
        const QStringList lines = csv.split('\n');
        QCOMPARE(lines.first(), summary_csv_columns().join(','));
        QVERIFY(lines.first().startsWith("name,engine,workload,tasks,workers"));
        // RFC 4180 quoting of the name and of a multi-line error.
        QVERIFY2(csv.contains("\"Run 1, \"\"quoted\"\"\",threads"), qPrintable(csv));
        QVERIFY(csv.contains("\"line one,\nline two\""));
        // Slow motion divided out in wall_s_unscaled: 0.009 s at 10x is 0.0009 s.
        const int wall = int(summary_csv_columns().indexOf("wall_s_unscaled"));
        const QStringList slow_row = lines.filter(QRegularExpression("^slow,")).first().split(',');
        QCOMPARE(slow_row[wall].toDouble(), 0.0009);
        QTemporaryDir dir;
        QString error;
        QVERIFY(save_summary_csv({&run}, dir.filePath("s.csv"), error));
        QVERIFY(read_all(dir.filePath("s.csv")).startsWith("name,"));
        QVERIFY(!save_summary_csv({&run}, "/nonexistent/s.csv", error));
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
