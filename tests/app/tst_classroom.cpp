// The classroom controller on a real run: history, lesson bookmarks, the baseline update, save and
// reopen, pinning and the compare window (one time axis), replay, bookmarks, exports, and slow
// motion really stretching a run. The host is a plain QMainWindow with the real TimelineView.
#include "classroom/classroom_controller.h"
#include "classroom/compare_window.h"
#include "classroom/replay_window.h"
#include "classroom/run_record.h"
#include "classroom/slow_motion.h"
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "plots/timeline_view.h"

#include <QAction>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

using namespace clab;
using namespace clab::classroom;

namespace {

ExperimentSpec small_threads_run() {
    ExperimentSpec spec;
    spec.engine = EngineKind::Threads;
    spec.workload = WorkloadKind::Cpu;
    spec.tasks = 2;
    spec.iterations = 200'000;
    spec.timeout_s = 20;
    return spec;
}

struct Host {
    QMainWindow window;
    plots::TimelineView* lab = nullptr;
    QLabel* lesson = nullptr;
    double scale = 1.0;
    ClassroomHost host() {
        window.menuBar()->addMenu(QStringLiteral("&File"))->addAction(QStringLiteral("&Quit"));
        window.menuBar()->addMenu(QStringLiteral("&View"));
        window.menuBar()->addMenu(QStringLiteral("&Run"));
        lesson = new QLabel(QStringLiteral("lesson text"), &window);
        lab = new plots::TimelineView(&window);
        window.setCentralWidget(lab);
        window.resize(1200, 800);
        ClassroomHost h;
        h.window = &window;
        h.timeline_factory = [](QWidget* parent, const RunRecord& run) -> QWidget* {
            auto* view = new plots::TimelineView(parent);
            view->load_trace(run.trace);
            view->replot_now();
            return view;
        };
        h.lab_timeline = [this]() -> QWidget* { return lab; };
        h.set_time_scale = [this](double k) { scale = k; };
        h.step_bookmarks = [] {
            return QList<Bookmark>{
                Bookmark{0.001, 0.002, QStringLiteral("look here"), QStringLiteral("gil"), true}};
        };
        h.step_label = [] { return QStringLiteral("gil · step 2"); };
        h.lesson_widgets = {lesson};
        return h;
    }
};

} // namespace

class TestClassroom : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { register_builtin_engines(); }

    void wholeClassroomFlow() {
        Host fake;
        ClassroomController classroom(fake.host());
        classroom.install();

        // A real run lands in the history with the lesson's bookmark.
        Trace trace;
        Summary summary = Runner::run(small_threads_run(), &trace);
        QVERIFY2(summary.completed, summary.error.c_str());
        QVERIFY(trace.events.size() > 10);
        fake.lab->load_trace(trace);
        classroom.onRunFinished(summary, trace);
        QCOMPARE(classroom.history()->rowCount(), 1);
        const RunPtr first = classroom.history()->latest();
        QVERIFY(first->name.startsWith("Run 1 · threads"));
        QCOMPARE(first->lesson, QStringLiteral("gil · step 2"));
        QCOMPARE(first->bookmarks.size(), 1);
        QVERIFY(first->bookmarks.front().from_lesson);
        QCOMPARE(first->trace->events.size(), trace.events.size());

        // The baseline's speedup arrives later for the same run.
        Summary with_baseline = summary;
        with_baseline.speedup = 0.97;
        with_baseline.baseline_wall_s = summary.wall_s * 0.97;
        classroom.onSummaryUpdated(with_baseline);
        QCOMPARE(first->summary.speedup, 0.97);

        // Save, reopen: a second history entry with the same events and bookmarks.
        QTemporaryDir dir;
        QString error;
        QVERIFY(classroom.addBookmark(0.0005, QStringLiteral("instructor note")));
        QCOMPARE(first->bookmarks.size(), 2);
        QVERIFY2(classroom.saveRun(first, dir.filePath("a.clabrun"), error), qPrintable(error));
        const RunPtr reopened = classroom.openRun(dir.filePath("a.clabrun"), error);
        QVERIFY2(reopened, qPrintable(error));
        QCOMPARE(classroom.history()->rowCount(), 2);
        QCOMPARE(reopened->trace->events.size(), first->trace->events.size());
        QCOMPARE(reopened->bookmarks, first->bookmarks);
        QCOMPARE(reopened->summary.speedup, 0.97);
        QVERIFY(!classroom.openRun(dir.filePath("missing.clabrun"), error));
        QVERIFY(error.contains("cannot open"));

        // Pin both; the compare window stacks two timelines on one linked time axis.
        QCOMPARE(classroom.pinned()->pin(first), 0);
        QCOMPARE(classroom.pinSelected(), 1); // the selected run is the newest: the reopened one
        CompareWindow* compare = classroom.openCompare();
        QVERIFY(compare);
        QCOMPARE(compare->timelines().size(), 2);
        auto* a = qobject_cast<plots::TimelineView*>(compare->timelines()[0]);
        auto* b = qobject_cast<plots::TimelineView*>(compare->timelines()[1]);
        QVERIFY(a && b);
        a->set_time_range(0.0001, 0.0002);
        QCOMPARE(b->time_range().lower, 0.0001);
        QCOMPARE(b->time_range().upper, 0.0002);

        // Replay the run: stepping moves the cursor; the readout follows.
        ReplayWindow* replay = classroom.openReplay(first);
        QVERIFY(replay);
        QCOMPARE(replay->cursor().position(), size_t(0));
        // A threads run has no event loop, so no line about one (it once said "Event loop: …").
        for (const QLabel* label : replay->findChildren<QLabel*>())
            QVERIFY2(label->isHidden() || !label->text().contains(QStringLiteral("Event loop")),
                     qPrintable(label->text()));
        replay->stepForward();
        replay->stepForward();
        QCOMPARE(replay->cursor().position(), size_t(2));
        replay->stepBackward();
        QCOMPARE(replay->cursor().position(), size_t(1));
        replay->toEnd();
        QCOMPARE(replay->cursor().position(), first->trace->events.size());
        replay->addBookmarkHere(QStringLiteral("end of run"));
        QCOMPARE(first->bookmarks.size(), 3);

        // Exports of the selected run and of the lab's plots.
        QVERIFY2(classroom.exportTrace(first, dir.filePath("t.json"), error), qPrintable(error));
        QVERIFY2(classroom.exportSummaries(dir.filePath("s.csv"), error), qPrintable(error));
        QFile csv(dir.filePath("s.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 3); // header + the two pinned runs
        for (const char* name : {"p.png", "p.svg", "p.pdf"}) {
            QVERIFY2(classroom.exportPlots(dir.filePath(name), error), qPrintable(error));
            QVERIFY(QFileInfo(dir.filePath(name)).size() > 1000);
        }

        // Removing a run from the history unpins it.
        classroom.history()->remove(0);
        QCOMPARE(classroom.pinned()->rowCount(), 1);
    }

    void menusAndSlowMotionReachTheHost() {
        Host fake;
        ClassroomController classroom(fake.host());
        classroom.install();
        QStringList file;
        for (QAction* a : fake.window.menuBar()->actions().front()->menu()->actions())
            file << a->text();
        QVERIFY2(file.contains("&Save run…") && file.contains("Open &run…") && file.contains("&Export"),
                 qPrintable(file.join('|')));
        QCOMPARE(file.last(), QStringLiteral("&Quit")); // ours go before Quit
        classroom.slowMotion()->slider()->setValue(5);
        QCOMPARE(fake.scale, 5.0);
        classroom.slowMotion()->setScale(100);
        QCOMPARE(fake.scale, 20.0);
        QString error;
        QVERIFY(!classroom.exportTrace(nullptr, "/tmp/x.json", error));
        QVERIFY(error.contains("no run"));
        QVERIFY(!classroom.addBookmark(0.1, "nothing to mark yet"));
    }

    // Slow motion as the engines apply it: a sleep-bound run at 4x takes several times longer,
    // and its comparable wall time stays close to the 1x run's (ratios only, generous bounds).
    void slowMotionStretchesARun() {
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.workload = WorkloadKind::Sleep;
        spec.tasks = 2;
        spec.io_ms = 40;
        spec.io_count = 2;
        spec.timeout_s = 20;
        const Summary normal = Runner::run(spec);
        spec.time_scale = 4;
        const Summary slow = Runner::run(spec);
        QVERIFY2(normal.completed && slow.completed, (normal.error + slow.error).c_str());
        const double stretch = slow.wall_s / normal.wall_s;
        const double comparable = comparable_wall_s(slow) / normal.wall_s;
        qInfo("sleep run: %.3f s at 1x, %.3f s at 4x (stretch %.2f, comparable ratio %.2f)", normal.wall_s,
              slow.wall_s, stretch, comparable);
        QVERIFY(stretch > 2.5 && stretch < 6.0);
        QVERIFY(comparable > 0.6 && comparable < 1.5);
    }
};

QTEST_MAIN(TestClassroom)
#include "tst_classroom.moc"
