// The run file: a run saved and reopened is the same run; a damaged file gives a sentence, never
// a crash (truncated at every length, and thousands of seeded random mutations).
#include "classroom/run_file.h"
#include "classroom/run_json.h"
#include "core/trace/recorder.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <thread>

using namespace clab;
using namespace clab::classroom;

namespace {

// A small real trace: two threads record a few events each through the Recorder.
RunRecord sample_run() {
    Recorder recorder;
    const uint32_t main_lane = recorder.add_lane(LaneKind::Main, "MainThread");
    const uint32_t a = recorder.add_lane(LaneKind::Thread, "Thread-1", main_lane, 101);
    const uint32_t b = recorder.add_lane(LaneKind::Thread, "Thread-2 \"quoted\", ünïcode", main_lane, 102);
    auto work = [&](uint32_t lane) {
        for (int i = 0; i < 20; ++i) {
            recorder.record(lane, EventKind::GilWaitBegin);
            recorder.record(lane, EventKind::GilAcquired, 1000 + uint64_t(i));
            recorder.record(lane, EventKind::GilRelease, uint64_t(GilReleaseReason::Interval));
        }
        recorder.record(lane, EventKind::TaskEnd, lane);
    };
    std::thread ta(work, a), tb(work, b);
    ta.join();
    tb.join();
    RunRecord run;
    run.trace.pull(recorder);
    run.name = QStringLiteral("Run 1 · threads ×2");
    run.created = QDateTime::currentDateTime();
    run.lesson = QStringLiteral("gil · step 2");
    run.spec.engine = EngineKind::Threads;
    run.spec.workload = WorkloadKind::Counter;
    run.spec.tasks = 2;
    run.spec.workers = 2;
    run.spec.iterations = 123'456'789'012LL / 100;
    run.spec.switch_interval_ms = 0.5;
    run.spec.gil = GilMode::Off;
    run.spec.start_method = StartMethod::Forkserver;
    run.spec.time_scale = 4;
    run.summary.spec = run.spec;
    run.summary.completed = true;
    run.summary.wall_s = 1.25;
    run.summary.cpu_s = 2.4375;
    run.summary.events = run.trace.events.size();
    run.summary.gil_switches = 9'007'199'254'740'993ULL; // > 2^53: must survive JSON exactly
    run.summary.lost_updates = 17;
    run.summary.counter_expected = 200;
    run.summary.counter_value = 183;
    run.summary.error = "a sentence, with \"quotes\"";
    run.summary.workers.push_back(WorkerStats{a, "Thread-1", 0.5, 0.25, 0, 0, 1});
    run.bookmarks.append(Bookmark{0.010, -1, QStringLiteral("first switch"), QString(), false});
    run.bookmarks.append(Bookmark{0.020, 0.030, QStringLiteral("convoy"), QStringLiteral("gil"), true});
    return run;
}

bool same_events(const Trace& x, const Trace& y) {
    if (x.events.size() != y.events.size()) return false;
    for (size_t i = 0; i < x.events.size(); ++i) {
        const Event& p = x.events[i];
        const Event& q = y.events[i];
        if (p.t_ns != q.t_ns || p.lane != q.lane || p.kind != q.kind || p.cpu != q.cpu || p.arg != q.arg)
            return false;
    }
    return true;
}

} // namespace

class TestRunFile : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data() {
        QTest::addColumn<bool>("compress");
        QTest::newRow("compressed") << true;
        QTest::newRow("raw") << false;
    }
    void roundTrip() {
        QFETCH(bool, compress);
        const RunRecord run = sample_run();
        QVERIFY(run.trace.events.size() >= 120);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.clabrun"));
        QString error;
        QVERIFY2(save_run_file(run, path, error, RunFileOptions{compress, 6}), qPrintable(error));
        const DecodeResult loaded = load_run_file(path);
        QVERIFY2(loaded.run.has_value(), qPrintable(loaded.error));
        const RunRecord& back = *loaded.run;
        QCOMPARE(back.name, run.name);
        QCOMPARE(back.lesson, run.lesson);
        QCOMPARE(back.created, run.created);
        QCOMPARE(back.bookmarks, run.bookmarks);
        QVERIFY(same_events(back.trace, run.trace));
        QCOMPARE(back.trace.origin_ns, run.trace.origin_ns);
        QCOMPARE(back.trace.lanes.size(), run.trace.lanes.size());
        for (size_t i = 0; i < run.trace.lanes.size(); ++i) {
            QCOMPARE(back.trace.lanes[i].name, run.trace.lanes[i].name);
            QCOMPARE(back.trace.lanes[i].kind, run.trace.lanes[i].kind);
            QCOMPARE(back.trace.lanes[i].parent, run.trace.lanes[i].parent);
            QCOMPARE(back.trace.lanes[i].os_id, run.trace.lanes[i].os_id);
        }
        // Every spec and summary field: compare the JSON forms, which list them all.
        QCOMPARE(spec_to_json(back.spec), spec_to_json(run.spec));
        QCOMPARE(summary_to_json(back.summary), summary_to_json(run.summary));
        QCOMPARE(back.summary.gil_switches, 9'007'199'254'740'993ULL);
    }

    void compressionShrinksTheEvents() {
        const RunRecord run = sample_run();
        const qsizetype raw = encode_run(run, RunFileOptions{false, 6}).size();
        const qsizetype packed = encode_run(run, RunFileOptions{true, 6}).size();
        qInfo("run file: %zu events, %lld bytes raw, %lld compressed", run.trace.events.size(),
              qlonglong(raw), qlonglong(packed));
        QVERIFY(packed < raw);
    }

    void badFiles_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const QByteArray good = encode_run(sample_run(), RunFileOptions{false, 6});
        QTest::newRow("empty") << QByteArray() << "not a Concurrency Lab run file";
        QTest::newRow("text") << QByteArray("hello world, this is not a run file at all")
                              << "not a Concurrency Lab";
        QByteArray version = good;
        version[8] = 9;
        QTest::newRow("future version") << version << "version 9 is not supported";
        QTest::newRow("truncated") << good.left(good.size() - 5) << "truncated";
        QTest::newRow("trailing") << good + "xx"
                                  << "trailing bytes";
        QByteArray json = good;
        json[kRunFileHeaderBytes + 1] = '#';
        QTest::newRow("damaged json") << json << "description is damaged";
        QByteArray lane = good;
        lane[lane.size() - 24 + 8] = char(0x7f); // last event's lane id
        QTest::newRow("lane out of range") << lane << "does not exist";
    }
    void badFiles() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const DecodeResult result = decode_run(bytes);
        QVERIFY(!result.run);
        QVERIFY2(result.error.contains(expected), qPrintable(result.error));
    }

    void badSpecIsExplained() {
        RunRecord run = sample_run();
        QByteArray bytes = encode_run(run, RunFileOptions{false, 6});
        bytes.replace("\"engine\":\"threads\"", "\"engine\":\"gpu!!!!\"");
        const DecodeResult result = decode_run(bytes);
        QVERIFY(!result.run);
        QVERIFY2(result.error.contains("unknown engine 'gpu!!!!'"), qPrintable(result.error));
    }

    void missingFileIsExplained() {
        const DecodeResult result = load_run_file(QStringLiteral("/nonexistent/dir/run.clabrun"));
        QVERIFY(!result.run);
        QVERIFY(result.error.startsWith("cannot open /nonexistent/dir/run.clabrun"));
    }

    // Fuzz: every prefix, then seeded random byte mutations. Each must load or say why not.
    void fuzzTruncated_data() {
        QTest::addColumn<bool>("compress");
        QTest::newRow("compressed") << true;
        QTest::newRow("raw") << false;
    }
    void fuzzTruncated() {
        QFETCH(bool, compress);
        const QByteArray good = encode_run(sample_run(), RunFileOptions{compress, 6});
        for (qsizetype n = 0; n < good.size(); ++n) {
            const DecodeResult r = decode_run(good.left(n));
            QVERIFY2(!r.run && !r.error.isEmpty(), qPrintable(QStringLiteral("prefix %1").arg(n)));
        }
        QVERIFY(decode_run(good).run.has_value());
    }
    void fuzzMutated_data() { fuzzTruncated_data(); }
    void fuzzMutated() {
        QFETCH(bool, compress);
        const QByteArray good = encode_run(sample_run(), RunFileOptions{compress, 6});
        QRandomGenerator rng(compress ? 1234 : 5678);
        // zlib's complaint about each corrupted block is expected here: keep the log readable.
        static QtMessageHandler previous = nullptr;
        previous = qInstallMessageHandler(
            [](QtMsgType type, const QMessageLogContext& context, const QString& text) {
                if (!text.startsWith(QLatin1String("qUncompress"))) previous(type, context, text);
            });
        int loaded = 0, rejected = 0;
        for (int round = 0; round < 3000; ++round) {
            QByteArray bad = good;
            const int flips = 1 + int(rng.bounded(8));
            for (int f = 0; f < flips; ++f) {
                // Half the mutations hit the header and the description, where parsing decisions live.
                const qsizetype span = rng.bounded(2) ? qMin<qsizetype>(bad.size(), 400) : bad.size();
                bad[qsizetype(rng.bounded(quint32(span)))] = char(rng.bounded(256));
            }
            const DecodeResult r = decode_run(bad);
            if (r.run) {
                ++loaded; // the mutation hit a harmless byte (an argument, a name): still a valid run
                // What the loader lets through must be safe to draw: lanes exist, time never goes back.
                const auto& events = r.run->trace.events;
                for (size_t i = 0; i < events.size(); ++i) {
                    QVERIFY(events[i].lane < r.run->trace.lanes.size());
                    QVERIFY(i == 0 || events[i - 1].t_ns <= events[i].t_ns);
                }
            } else {
                ++rejected;
                QVERIFY(!r.error.isEmpty());
            }
        }
        qInstallMessageHandler(previous);
        qInfo("mutations: %d still valid, %d rejected with a message", loaded, rejected);
        QVERIFY(rejected > 0);
    }
};

QTEST_GUILESS_MAIN(TestRunFile)
#include "tst_run_file.moc"
