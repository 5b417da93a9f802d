// The timeline model ingests a run's events in batches, the way the GUI polls a live run, and ends
// up with exactly the segments of build_segments(trace): the one function that decides what is drawn.
// The traces come from real runs of the engines (small ones).
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "plots/timeline_model.h"

#include <QTest>
#include <algorithm>
#include <map>
#include <random>

using namespace clab;
using namespace clab::plots;

namespace {

Trace real_run(EngineKind engine, WorkloadKind workload, int tasks) {
    ExperimentSpec spec;
    spec.engine = engine;
    spec.workload = workload;
    spec.tasks = tasks;
    spec.iterations = 300'000;
    spec.io_ms = 20;
    spec.io_count = 3;
    spec.timeout_s = 20;
    Trace trace;
    const Summary summary = Runner::run(spec, &trace);
    if (!summary.error.empty()) qWarning("run failed: %s", summary.error.c_str());
    return trace;
}

// Batches as Recorder::drain produces them: a random number of each lane's events per poll, the lanes'
// buffers one after another in any order, each lane's events in the order they were recorded. That
// order matters where one stamp serves two events of a lane (the loop stamps a callback's lag and its
// start with one clock read): shuffling those, as this once did, drew one segment more than
// build_segments a few times in a hundred.
std::vector<std::vector<Event>> drain_like_batches(const Trace& trace, std::mt19937& rng) {
    std::map<uint32_t, std::vector<Event>> per_lane;
    for (const Event& e : trace.events)
        per_lane[e.lane].push_back(e);
    std::map<uint32_t, size_t> taken;
    std::vector<std::vector<Event>> batches;
    size_t left = trace.events.size();
    while (left > 0) {
        std::vector<std::vector<Event>> buffers;
        for (auto& [lane, events] : per_lane) {
            const size_t remaining = events.size() - taken[lane];
            if (remaining == 0) continue;
            const size_t n = std::uniform_int_distribution<size_t>(0, std::min<size_t>(remaining, 40))(rng);
            buffers.emplace_back(events.begin() + long(taken[lane]), events.begin() + long(taken[lane] + n));
            taken[lane] += n;
            left -= n;
        }
        std::shuffle(buffers.begin(), buffers.end(), rng);
        std::vector<Event> batch;
        for (const std::vector<Event>& buffer : buffers)
            batch.insert(batch.end(), buffer.begin(), buffer.end());
        batches.push_back(std::move(batch));
    }
    return batches;
}

// Time-ordered slices of random size (what Trace::pull hands out once merged).
std::vector<std::vector<Event>> sliced_batches(const Trace& trace, std::mt19937& rng) {
    std::vector<std::vector<Event>> batches;
    size_t i = 0;
    while (i < trace.events.size()) {
        const size_t n = std::uniform_int_distribution<size_t>(1, 64)(rng);
        const size_t end = std::min(trace.events.size(), i + n);
        batches.emplace_back(trace.events.begin() + long(i), trace.events.begin() + long(end));
        i = end;
    }
    return batches;
}

void compare_lane(const TimelineModel& model, const std::vector<Segment>& want, const LaneSegments& got,
                  const char* what) {
    QVERIFY2(
        got.size() == want.size(),
        qPrintable(QStringLiteral("%1: %2 segments, want %3").arg(what).arg(got.size()).arg(want.size())));
    for (size_t i = 0; i < want.size(); ++i) {
        const SegmentRecord r = got.at(i);
        QCOMPARE(r.start, model.seconds(want[i].start_ns));
        QVERIFY2(r.end == model.seconds(want[i].end_ns),
                 qPrintable(QStringLiteral("%1 segment %2 ends at %3, want %4")
                                .arg(what)
                                .arg(i)
                                .arg(r.end)
                                .arg(model.seconds(want[i].end_ns))));
        QCOMPARE(int(r.state), int(want[i].state));
        QCOMPARE(r.who, want[i].who);
    }
}

void compare_with_build_segments(const TimelineModel& model, const Trace& trace) {
    const SegmentSet want = build_segments(trace, trace.end_ns());
    size_t compared = 0;
    std::vector<Segment> running;
    for (size_t lane = 0; lane < want.by_lane.size(); ++lane) {
        const std::vector<Segment>& segs = want.by_lane[lane];
        for (const Segment& s : segs)
            if (s.state == SegState::Running) running.push_back(s);
        if (segs.empty()) continue;
        int row = model.workers().row_of(uint32_t(lane));
        const SegmentStore* store = &model.workers();
        if (row < 0) {
            row = model.loop().row_of(uint32_t(lane));
            store = &model.loop();
        }
        QVERIFY2(row >= 0, qPrintable(QStringLiteral("lane %1 has segments but no row").arg(lane)));
        compare_lane(model, segs, store->lane(size_t(row)).segments, "lane");
        if (QTest::currentTestFailed()) return;
        compared += segs.size();
    }
    for (size_t cpu = 0; cpu < want.by_core.size(); ++cpu) {
        if (want.by_core[cpu].empty()) continue;
        QVERIFY(cpu < model.cores().lane_count());
        compare_lane(model, want.by_core[cpu], model.cores().lane(cpu).segments, "core");
        if (QTest::currentTestFailed()) return;
    }
    // The GIL lane: every Running segment of every thread, in time order, held by that thread.
    std::stable_sort(running.begin(), running.end(),
                     [](const Segment& a, const Segment& b) { return a.start_ns < b.start_ns; });
    const LaneSegments& gil = model.gil().lane(0).segments;
    QCOMPARE(gil.size(), running.size());
    for (size_t i = 0; i < running.size(); ++i) {
        QCOMPARE(gil.at(i).start, model.seconds(running[i].start_ns));
        QCOMPARE(gil.at(i).who, running[i].lane);
    }
    QVERIFY(compared > 0);
}

} // namespace

class TestTimelineModel : public QObject {
    Q_OBJECT
    std::map<QString, Trace> traces_;

private slots:
    void initTestCase() {
        register_builtin_engines();
        traces_["threads"] = real_run(EngineKind::Threads, WorkloadKind::Cpu, 3);
        traces_["asyncio"] = real_run(EngineKind::Asyncio, WorkloadKind::Sleep, 4);
        traces_["processes"] = real_run(EngineKind::Processes, WorkloadKind::Cpu, 2);
        for (const auto& [name, trace] : traces_)
            QVERIFY2(!trace.events.empty(), qPrintable(name));
    }

    void batchesGiveBuildSegments_data() {
        QTest::addColumn<QString>("run");
        QTest::addColumn<bool>("drain_like");
        QTest::addColumn<int>("seed");
        for (const char* run : {"threads", "asyncio", "processes"})
            for (int seed : {1, 2, 3}) {
                QTest::addRow("%s, time slices, seed %d", run, seed) << QString(run) << false << seed;
                QTest::addRow("%s, drained per lane, seed %d", run, seed) << QString(run) << true << seed;
            }
    }
    void batchesGiveBuildSegments() {
        QFETCH(QString, run);
        QFETCH(bool, drain_like);
        QFETCH(int, seed);
        const Trace& trace = traces_.at(run);
        std::mt19937 rng{static_cast<uint32_t>(seed)};
        const auto batches = drain_like ? drain_like_batches(trace, rng) : sliced_batches(trace, rng);
        TimelineModel model;
        for (const auto& batch : batches) {
            model.ingest(batch, trace.lanes, trace.origin_ns);
            if (!batch.empty()) model.set_now(batch.back().t_ns);
        }
        model.finish(trace.end_ns());
        compare_with_build_segments(model, trace);
    }

    void loadTraceGivesBuildSegments() {
        for (const auto& [name, trace] : traces_) {
            TimelineModel model;
            model.load_trace(trace);
            compare_with_build_segments(model, trace);
            if (QTest::currentTestFailed()) QFAIL(qPrintable(name));
            QVERIFY(model.finished());
        }
    }

    // Mid-run, the still-open states are drawn up to "now".
    void openSegmentsReachNow() {
        const Trace& trace = traces_.at("threads");
        TimelineModel model;
        const size_t half = trace.events.size() / 2;
        model.ingest({trace.events.begin(), trace.events.begin() + long(half)}, trace.lanes, trace.origin_ns);
        // Later than the model's hold-back (events wait ~30 ms for stragglers of other threads).
        const int64_t now = trace.events[half - 1].t_ns + 100'000'000;
        model.set_now(now);
        int open = 0;
        for (size_t row = 0; row < model.workers().lane_count(); ++row)
            if (const auto& o = model.workers().lane(row).open) {
                ++open;
                QCOMPARE(o->end, model.seconds(now));
                QVERIFY(o->start <= o->end);
            }
        QVERIFY(open > 0);
        QCOMPARE(model.end_seconds(), model.seconds(now));
        model.finish(trace.end_ns());
        for (size_t row = 0; row < model.workers().lane_count(); ++row)
            QVERIFY(!model.workers().lane(row).open);
    }

    void viewsApplyPerEngine() {
        TimelineModel threads, asyncio, processes;
        threads.load_trace(traces_.at("threads"));
        asyncio.load_trace(traces_.at("asyncio"));
        processes.load_trace(traces_.at("processes"));
        QVERIFY(threads.has_gil());
        QVERIFY(!threads.has_loop());
        QVERIFY(threads.has_workers());
        QVERIFY(!threads.gil_waiting().empty());
        QVERIFY(asyncio.has_loop());
        QVERIFY(!asyncio.has_gil());
        QVERIFY(!asyncio.ready_length().empty());
        QVERIFY(!processes.has_loop());
        QVERIFY(processes.has_workers());
    }

    void resetForgetsEverything() {
        TimelineModel model;
        model.load_trace(traces_.at("threads"));
        const uint64_t revision = model.revision();
        model.reset();
        QVERIFY(model.revision() != revision);
        QCOMPARE(model.workers().lane_count(), size_t(0));
        QCOMPARE(model.gil().segment_count(), size_t(0));
        QVERIFY(!model.has_gil());
    }
};

QTEST_GUILESS_MAIN(TestTimelineModel)
#include "tst_timeline_model.moc"
