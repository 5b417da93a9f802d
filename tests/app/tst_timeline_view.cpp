// The stacked timeline widget: which views appear for which engine, the legend, highlights and
// bookmarks, tooltips, the presenter theme, and a real run streamed live into it.
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "core/python/interpreter.h"
#include "plots/legend_swatch.h"
#include "plots/segment_plottable.h"
#include "plots/timeline_view.h"

#include <QElapsedTimer>
#include <QScrollBar>
#include <QTest>
#include <QWheelEvent>
#include <map>

using namespace clab;
using namespace clab::plots;
using View = TimelineView::View;

namespace {
ExperimentSpec spec_for(EngineKind engine, WorkloadKind workload, int tasks) {
    ExperimentSpec spec;
    spec.engine = engine;
    spec.workload = workload;
    spec.tasks = tasks;
    spec.iterations = 400'000;
    spec.io_ms = 20;
    spec.io_count = 3;
    spec.timeout_s = 20;
    return spec;
}

Trace real_run(const ExperimentSpec& spec) {
    Trace trace;
    Runner::run(spec, &trace);
    return trace;
}

int legend_items(const TimelineView& view) {
    int n = 0;
    for (int i = 0; i < view.plot()->plotLayout()->elementCount(); ++i)
        if (auto* legend = qobject_cast<QCPLegend*>(view.plot()->plotLayout()->elementAt(i)))
            for (int j = 0; j < legend->itemCount(); ++j)
                n += legend->item(j) ? 1 : 0;
    return n;
}
} // namespace

class TestTimelineView : public QObject {
    Q_OBJECT
    std::map<QString, Trace> traces_;

private slots:
    void initTestCase() {
        register_builtin_engines();
        traces_["threads"] = real_run(spec_for(EngineKind::Threads, WorkloadKind::Cpu, 2));
        traces_["asyncio"] = real_run(spec_for(EngineKind::Asyncio, WorkloadKind::Sleep, 3));
        traces_["processes"] = real_run(spec_for(EngineKind::Processes, WorkloadKind::Cpu, 2));
    }

    void emptyViewShowsNothingButAHint() {
        TimelineView view;
        view.resize(800, 500);
        view.replot_now();
        QVERIFY(!view.is_view_shown(View::Workers));
        QVERIFY(view.describe_at(QPoint(400, 250)).isEmpty());
    }

    void viewsPerEngine_data() {
        QTest::addColumn<QString>("run");
        QTest::addColumn<bool>("gil");
        QTest::addColumn<bool>("loop");
        QTest::newRow("threads: GIL, no loop") << "threads" << true << false;
        QTest::newRow("asyncio: loop, no GIL") << "asyncio" << false << true;
        QTest::newRow("processes: neither") << "processes" << false << false;
    }
    void viewsPerEngine() {
        QFETCH(QString, run);
        QFETCH(bool, gil);
        QFETCH(bool, loop);
        TimelineView view;
        view.resize(1200, 800);
        view.load_trace(traces_.at(run));
        view.replot_now();
        QVERIFY(view.is_view_shown(View::Workers));
        QCOMPARE(view.is_view_shown(View::Gil), gil);
        QCOMPARE(view.is_view_shown(View::Loop), loop);
        QCOMPARE(view.is_view_shown(View::Cores), view.model().has_cores());
        QCOMPARE(view.highlight_lane(QStringLiteral("GIL")), gil);
        QVERIFY(legend_items(view) >= 2);
        // The whole run is in view after loading.
        QVERIFY(view.time_range().upper >= view.model().end_seconds());
    }

    // Hovering a segment says in plain words what began it: "Thread-2 got the GIL after waiting
    // 4.98 ms", never an event kind with a raw argument.
    // More lanes than fit a label's height each: a window of them, every one named, a scroll bar
    // beside them, and the wheel over their names scrolls (never 41 lanes squeezed to 4 px each
    // with every third one named).
    void manyLanesScrollInsteadOfSqueeze() {
        ExperimentSpec spec = spec_for(EngineKind::Asyncio, WorkloadKind::Sleep, 40);
        spec.io_ms = 1;
        spec.io_count = 1;
        TimelineView view;
        view.resize(900, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.load_trace(real_run(spec));
        view.replot_now();
        QCPAxisRect* workers = view.axis_rect(View::Workers);
        QVERIFY(workers);
        QCPAxis* y = workers->axis(QCPAxis::atLeft);
        const double shown = y->range().size();
        QVERIFY2(shown < 40 && shown >= 1, qPrintable(QString::number(shown)));
        QVERIFY(workers->height() / shown >= 12);
        QScrollBar* bar = nullptr;
        for (QScrollBar* b : view.plot()->findChildren<QScrollBar*>())
            if (b->isVisible()) bar = b;
        QVERIFY(bar);
        QCOMPARE(bar->maximum(), 41 - int(std::lround(shown))); // main() and 40 tasks
        const double first = y->range().lower;
        const QCPRange time = view.time_range();
        const QPointF names(workers->rect().left() - 20, workers->rect().center().y());
        QWheelEvent wheel(names, view.plot()->mapToGlobal(names), QPoint(), QPoint(0, -120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(view.plot(), &wheel);
        view.replot_now();
        QVERIFY2(y->range().lower > first, qPrintable(QString::number(y->range().lower)));
        QCOMPARE(bar->value(), int(std::lround(y->range().lower + 0.5)));
        // The time axis did not zoom.
        QCOMPARE(view.time_range().lower, time.lower);
        QCOMPARE(view.time_range().upper, time.upper);
        // Pointing a lesson at a lane out of view scrolls to it.
        QVERIFY(view.highlight_lane(QStringLiteral("Task-38")));
        view.replot_now();
        QVERIFY(y->range().contains(37));
    }

    void tooltipsSpeakPlainWords() {
        TimelineView view;
        view.resize(1200, 800);
        view.load_trace(traces_.at("threads"));
        view.replot_now();
        QCPAxisRect* rect = view.axis_rect(View::Workers);
        QVERIFY(rect);
        const SegmentStore& workers = view.model().workers();
        int got_gil = 0;
        for (size_t row = 0; row < workers.lane_count(); ++row)
            for (size_t i = 0; i < workers.lane(row).segments.size() && i < 200; ++i) {
                const SegmentRecord s = workers.lane(row).segments.at(i);
                const double x = rect->axis(QCPAxis::atBottom)->coordToPixel((s.start + s.end) / 2);
                const double y = rect->axis(QCPAxis::atLeft)->coordToPixel(double(row));
                const QString text = view.describe_at(QPoint(int(x), int(y)));
                QVERIFY2(!text.contains(QStringLiteral("arg ")) && !text.contains(QStringLiteral("event:")),
                         qPrintable(text));
                got_gil += text.contains(QStringLiteral(" got the GIL after waiting ")) ||
                           text.contains(QStringLiteral(" took the GIL at once"));
            }
        QVERIFY(got_gil > 0);
    }

    // A real interpreter's run: states inferred from kernel samples say so, in the legend and in
    // the tooltip, with the sampler's rate; a recorded wait names the object waited on.
    void sampledStatesSayTheyAreInferred() {
        if (!py::find_interpreter("", nullptr)) QSKIP("no python3 here");
        ExperimentSpec spec;
        spec.engine = EngineKind::Python;
        spec.timeout_s = 30;
        spec.source = "import threading, time\n"
                      "lock = threading.Lock()\n"
                      "def spin():\n"
                      "    end = time.monotonic() + 0.4\n"
                      "    while time.monotonic() < end: pass\n"
                      "    with lock: time.sleep(0.05)\n"
                      "ts = [threading.Thread(target=spin) for _ in range(2)]\n"
                      "for t in ts: t.start()\n"
                      "for t in ts: t.join()\n";
        Trace trace;
        const Summary summary = Runner::run(spec, &trace);
        QVERIFY2(summary.completed, summary.error.c_str());
        TimelineView view;
        view.resize(1200, 800);
        view.load_trace(trace);
        view.set_python_details(summary.sample_hz, summary.waited_objects);
        view.replot_now();
        // In few words in the legend (the whole sentence left it one column, half the pane high);
        // the tooltip of a sampled bar says it whole (below).
        const QString note = QStringLiteral("inferred from 1 kHz samples");
        bool in_legend = false;
        for (int i = 0; i < view.plot()->plotLayout()->elementCount(); ++i)
            if (auto* legend = qobject_cast<QCPLegend*>(view.plot()->plotLayout()->elementAt(i)))
                for (int j = 0; j < legend->itemCount(); ++j)
                    if (auto* item = qobject_cast<LegendSwatch*>(legend->item(j)))
                        in_legend |= item->text().contains(note);
        QVERIFY(in_legend);
        QCPAxisRect* rect = view.axis_rect(View::Workers);
        QVERIFY(rect);
        const SegmentStore& workers = view.model().workers();
        int sampled = 0, named = 0;
        for (size_t row = 0; row < workers.lane_count(); ++row)
            for (size_t i = 0; i < workers.lane(row).segments.size() && i < 300; ++i) {
                const SegmentRecord s = workers.lane(row).segments.at(i);
                const double x = rect->axis(QCPAxis::atBottom)->coordToPixel((s.start + s.end) / 2);
                const double y = rect->axis(QCPAxis::atLeft)->coordToPixel(double(row));
                const QString text = view.describe_at(QPoint(int(x), int(y)));
                sampled +=
                    text.contains(QStringLiteral("inferred from kernel thread states sampled at 1 kHz"));
                named += text.contains(QStringLiteral("waits on Lock created at snippet.py:2"));
            }
        QVERIFY(sampled > 0);
        QVERIFY(named > 0);
    }

    // Hovering a worker lane names the lane and the state.
    void tooltipNamesLaneAndState() {
        TimelineView view;
        view.resize(1200, 800);
        view.load_trace(traces_.at("threads"));
        view.replot_now();
        QCPAxisRect* rect = view.axis_rect(View::Workers);
        QVERIFY(rect);
        const SegmentStore& workers = view.model().workers();
        bool described = false;
        for (size_t row = 0; row < workers.lane_count() && !described; ++row) {
            const LaneSegments& segs = workers.lane(row).segments;
            if (segs.empty()) continue;
            const SegmentRecord s = segs.at(segs.size() / 2);
            const double x = rect->axis(QCPAxis::atBottom)->coordToPixel((s.start + s.end) / 2);
            const double y = rect->axis(QCPAxis::atLeft)->coordToPixel(double(row));
            const QString text = view.describe_at(QPoint(int(x), int(y)));
            QVERIFY2(text.contains(QString::fromStdString(workers.lane(row).name)), qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("from ")), qPrintable(text));
            described = true;
        }
        QVERIFY(described);
    }

    void zoomPanAndMarks() {
        TimelineView view;
        view.resize(1200, 800);
        view.load_trace(traces_.at("threads"));
        view.replot_now();
        view.set_time_range(0.01, 0.02);
        QCOMPARE(view.time_range().lower, 0.01);
        // Every stacked rect shares the one time axis.
        for (View v : {View::Workers, View::Cores, View::Gil})
            if (QCPAxisRect* rect = view.axis_rect(v))
                QCOMPARE(rect->axis(QCPAxis::atBottom)->range().upper, 0.02);
        view.highlight_time_range(0.0, 0.2);
        view.add_bookmark(0.015, QStringLiteral("look here"));
        view.set_time_cursor(0.012);
        view.replot_now();
        QVERIFY(view.plot()->itemCount() > 0);
        view.clear_highlights();
        view.clear_bookmarks();
        view.clear_time_cursor();
        view.zoom_to_fit();
        QCOMPARE(view.time_range().lower, 0.0);
        QVERIFY(!view.highlight_lane(QStringLiteral("no such lane")));
    }

    // A lesson notice is a long bookmark label: it is elided to the room it has, sits above the lanes
    // (not over them), and the tooltip gives the whole text.
    void longBookmarkLabelIsElidedAboveTheLanes() {
        TimelineView view;
        view.resize(700, 600);
        view.show(); // the plot gets its size (and the label its room) once shown
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.load_trace(traces_.at("threads"));
        const QString notice =
            QStringLiteral("Zoom into the first tenth of a second of the GIL lane: the holder "
                           "changes again and again, and at every moment exactly one thread "
                           "holds it.");
        view.add_bookmark(0.0, notice);
        view.replot_now();
        QCPItemText* label = nullptr;
        for (int i = 0; i < view.plot()->itemCount(); ++i)
            if (auto* text = qobject_cast<QCPItemText*>(view.plot()->item(i))) label = text;
        QVERIFY(label);
        QVERIFY(label->text().endsWith(QChar(0x2026)));
        QVERIFY(label->text().size() < notice.size());
        const QRectF box =
            QRectF(label->topLeft->pixelPosition(), label->bottomRight->pixelPosition()).normalized();
        QCPAxisRect* lanes = view.axis_rect(View::Workers);
        QVERIFY(box.right() <= lanes->right() + 1);
        QVERIFY(box.bottom() <= lanes->top() + 1);
        QCOMPARE(view.describe_at(box.center().toPoint()), notice.toHtmlEscaped());
        // A short label is left whole.
        view.clear_bookmarks();
        view.add_bookmark(0.0, QStringLiteral("look here"));
        view.replot_now();
        for (int i = 0; i < view.plot()->itemCount(); ++i)
            if (auto* text = qobject_cast<QCPItemText*>(view.plot()->item(i)))
                QCOMPARE(text->text(), QStringLiteral("look here"));
    }

    void presenterThemeSwitchesAtRunTime() {
        TimelineView view;
        view.resize(1200, 800);
        view.load_trace(traces_.at("threads"));
        view.replot_now();
        const double desk =
            view.axis_rect(View::Workers)->axis(QCPAxis::atLeft)->tickLabelFont().pointSizeF();
        view.set_presenter(true);
        QVERIFY(view.presenter());
        QVERIFY(view.is_view_shown(View::Gil));
        const double big = view.axis_rect(View::Workers)->axis(QCPAxis::atLeft)->tickLabelFont().pointSizeF();
        QVERIFY(big > desk * 1.3);
        view.set_presenter(false);
        QVERIFY(!view.presenter());
    }

    // A real run streamed as the GUI does it: poll the recorder, ingest, set_now; at the end the view
    // holds exactly the run's segments.
    void liveRunStreamsIn() {
        Runner runner;
        ExperimentSpec spec = spec_for(EngineKind::Threads, WorkloadKind::Cpu, 2);
        spec.iterations = 2'000'000;
        QVERIFY(runner.start(spec));
        TimelineView view;
        view.resize(1200, 800);
        view.show();
        Trace polled;
        QElapsedTimer clock;
        clock.start();
        int polls = 0;
        while (!runner.finished() && clock.elapsed() < 30'000) {
            std::vector<Event> batch;
            runner.recorder().drain(batch);
            view.ingest(batch, runner.recorder().lanes(), runner.recorder().origin_ns());
            view.set_now(now_ns());
            QTest::qWait(20);
            ++polls;
        }
        QVERIFY(runner.finished());
        runner.wait();
        std::vector<Event> rest;
        runner.recorder().drain(rest);
        view.ingest(rest, runner.recorder().lanes(), runner.recorder().origin_ns());
        const Trace& trace = runner.trace();
        view.finish(trace.end_ns());
        view.replot_now();
        QVERIFY(polls > 0);
        QVERIFY(view.is_view_shown(View::Gil));
        const SegmentSet want = build_segments(trace, trace.end_ns());
        size_t want_count = 0;
        for (const auto& lane : want.by_lane)
            want_count += lane.size();
        QCOMPARE(view.model().workers().segment_count() + view.model().loop().segment_count(), want_count);
    }
};

QTEST_MAIN(TestTimelineView)
#include "tst_timeline_view.moc"
