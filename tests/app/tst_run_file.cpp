// The run file: a run saved and reopened is the same run; a damaged file gives a sentence, never
// a crash (truncated at every length, and thousands of seeded random mutations); an absurd one
// (10^8 declared events, a 200,000-character name, times at the ends of int64) is refused in a
// line without allocating what it claims (issue 20.7); a load can be cancelled.
#include "classroom/replay_cursor.h"
#include "classroom/run_file.h"
#include "classroom/run_json.h"
#include "core/trace/recorder.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <functional>
#include <limits>
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
    edit_trace(run).pull(recorder);
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
    run.summary.events = run.trace->events.size();
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

// The bytes of `run` with the header's event count (and, compressed, the block's size prefix)
// replaced, and the event block replaced by `raw` events packed the same way as a real file.
QByteArray with_events(const RunRecord& run, const QByteArray& raw, quint64 declared, bool compress) {
    RunRecord shell = run;
    edit_trace(shell).events.clear();
    QByteArray bytes = encode_run(shell, RunFileOptions{false, 6});
    QByteArray block = compress ? qCompress(raw, 1) : raw;
    if (compress) qToBigEndian<quint32>(quint32(declared * 24), block.data()); // the size zlib is told
    bytes.chop(8);                                                             // the empty block's size
    qToLittleEndian<quint64>(declared, bytes.data() + 24);
    if (compress) qToLittleEndian<quint32>(1u, bytes.data() + 12);
    QByteArray size(8, '\0');
    qToLittleEndian<quint64>(quint64(block.size()), size.data());
    return bytes + size + block;
}

QByteArray with_description(const RunRecord& run, const std::function<void(QJsonObject&)>& edit) {
    QByteArray bytes = encode_run(run, RunFileOptions{false, 6});
    const quint32 json_size = qFromLittleEndian<quint32>(bytes.constData() + 16);
    QJsonObject root = QJsonDocument::fromJson(bytes.mid(kRunFileHeaderBytes, json_size)).object();
    edit(root);
    const QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Compact);
    QByteArray out = bytes.left(kRunFileHeaderBytes) + json + bytes.mid(kRunFileHeaderBytes + json_size);
    qToLittleEndian<quint32>(quint32(json.size()), out.data() + 16);
    return out;
}

// What the replay window does with a loaded run: none of it may overflow (UBSan watches).
void exercise(const RunRecord& run, QRandomGenerator& rng) {
    ReplayCursor cursor(run.trace);
    for (double t : {-1e300, -1.0, 0.0, 1e-9, cursor.duration_s() / 2, cursor.duration_s(), 1e300,
                     std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(), rng.generateDouble() * 1e12}) {
        cursor.seek_seconds(t);
        QVERIFY(cursor.time_ns() >= cursor.start_ns() && cursor.time_ns() <= cursor.end_ns());
        (void)cursor.time_s();
        (void)cursor.describe_current();
        (void)cursor.gil_holders();
    }
    cursor.seek_start();
    for (int i = 0; i < 50 && cursor.step_forward(); ++i) {
    }
    (void)at_normal_speed(run);
    (void)comparable_wall_s(run.summary);
}

// CLAB_FUZZ_SCALE=N runs the fuzzers N times longer (the sanitizer runs use 20): the default
// is the short deterministic version of `make test`.
int rounds_scale() {
    bool ok = false;
    const int n = qEnvironmentVariableIntValue("CLAB_FUZZ_SCALE", &ok);
    return ok && n > 0 ? n : 1;
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
        QVERIFY(run.trace->events.size() >= 120);
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
        QVERIFY(same_events(*back.trace, *run.trace));
        QCOMPARE(back.trace->origin_ns, run.trace->origin_ns);
        QCOMPARE(back.trace->lanes.size(), run.trace->lanes.size());
        for (size_t i = 0; i < run.trace->lanes.size(); ++i) {
            QCOMPARE(back.trace->lanes[i].name, run.trace->lanes[i].name);
            QCOMPARE(back.trace->lanes[i].kind, run.trace->lanes[i].kind);
            QCOMPARE(back.trace->lanes[i].parent, run.trace->lanes[i].parent);
            QCOMPARE(back.trace->lanes[i].os_id, run.trace->lanes[i].os_id);
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
        qInfo("run file: %zu events, %lld bytes raw, %lld compressed", run.trace->events.size(),
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

    // Issue 20.7: 2.3 MB declaring 10^8 zero events froze the window for 75 s at 9.2 GB.
    void absurdEventCountsAreRefusedAtOnce_data() {
        QTest::addColumn<bool>("compress");
        QTest::addColumn<quint64>("declared");
        QTest::addColumn<int>("zeros");
        QTest::addColumn<QString>("expected");
        QTest::newRow("10^8 declared") << true << quint64(100'000'000) << 100'000 << "at most 20000000";
        QTest::newRow("more than zlib can pack") << true << quint64(19'000'000) << 1000 << "more than its";
        // Refused at the first event (kind 0 does not exist, time 0 lies long before the start).
        QTest::newRow("zero events, packed") << true << quint64(1'000'000) << 1'000'000 << "event 0 ";
        QTest::newRow("zero events, raw") << false << quint64(100'000) << 100'000 << "event 0 ";
        QTest::newRow("fewer than declared") << false << quint64(100'000) << 1000 << "size mismatch";
    }
    void absurdEventCountsAreRefusedAtOnce() {
        QFETCH(bool, compress);
        QFETCH(quint64, declared);
        QFETCH(int, zeros);
        QFETCH(QString, expected);
        const QByteArray bytes =
            with_events(sample_run(), QByteArray(qsizetype(zeros) * 24, '\0'), declared, compress);
        const DecodeResult result = decode_run(bytes);
        QVERIFY(!result.run);
        QVERIFY2(result.error.contains(expected), qPrintable(result.error));
        QVERIFY(!result.error.contains('\n')); // one line
    }

    void absurdDescriptionsAreRefused_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("200,000-character lane name") << "lane name"
                                                     << "name of 200000 characters";
        QTest::newRow("origin at INT64_MAX") << "origin max"
                                             << "not a monotonic clock reading";
        QTest::newRow("origin negative") << "origin min"
                                         << "not a monotonic clock reading";
        QTest::newRow("huge run name") << "run name"
                                       << "longer than";
        QTest::newRow("bookmark a century later") << "bookmark"
                                                  << "more than a week";
    }
    void absurdDescriptionsAreRefused() {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        const QByteArray bytes = with_description(sample_run(), [&](QJsonObject& root) {
            if (field == "lane name") {
                QJsonArray lanes = root.value("lanes").toArray();
                QJsonObject lane = lanes[1].toObject();
                lane.insert("name", QString(200'000, QLatin1Char('x')));
                lanes[1] = lane;
                root.insert("lanes", lanes);
            } else if (field == "origin max") {
                root.insert("origin_ns", QString::number(std::numeric_limits<qint64>::max()));
            } else if (field == "origin min") {
                root.insert("origin_ns", QString::number(std::numeric_limits<qint64>::min()));
            } else if (field == "run name") {
                root.insert("name", QString(100'000, QLatin1Char('n')));
            } else if (field == "bookmark") {
                QJsonArray marks = root.value("bookmarks").toArray();
                QJsonObject mark = marks[0].toObject();
                mark.insert("t_s", 3.2e9);
                marks[0] = mark;
                root.insert("bookmarks", marks);
            }
        });
        const DecodeResult result = decode_run(bytes);
        QVERIFY(!result.run);
        QVERIFY2(result.error.contains(expected), qPrintable(result.error));
    }

    void eventTimesAtTheEndsOfInt64AreRefused_data() {
        QTest::addColumn<qint64>("t_ns");
        QTest::newRow("INT64_MIN") << std::numeric_limits<qint64>::min();
        QTest::newRow("INT64_MAX") << std::numeric_limits<qint64>::max();
        QTest::newRow("-1") << qint64(-1);
        QTest::newRow("a year later") << qint64(0); // filled in below: origin + a year
    }
    void eventTimesAtTheEndsOfInt64AreRefused() {
        QFETCH(qint64, t_ns);
        RunRecord run = sample_run();
        if (t_ns == 0) t_ns = run.trace->origin_ns + 365LL * 24 * 3600 * 1'000'000'000;
        Trace& trace = edit_trace(run);
        trace.events.front().t_ns = t_ns;
        std::stable_sort(trace.events.begin(), trace.events.end(),
                         [](const Event& a, const Event& b) { return a.t_ns < b.t_ns; });
        const DecodeResult result = decode_run(encode_run(run, RunFileOptions{true, 6}));
        QVERIFY(!result.run);
        QVERIFY2(result.error.contains("impossible time"), qPrintable(result.error));
    }

    void aLoadCanBeCancelledAndReportsProgress() {
        // 300,000 real-looking events (a few MB): the decoder reports progress chunk by chunk and
        // stops at the first "no".
        RunRecord run = sample_run();
        const std::vector<Event> few = run.trace->events;
        Trace& trace = edit_trace(run);
        trace.events.clear();
        // Each copy starts after the previous one ends: the sample's span is a recorded time, more
        // than a millisecond on a slow (sanitized, loaded) machine.
        const int64_t span = few.back().t_ns - few.front().t_ns + 1;
        for (int round = 0; trace.events.size() < 300'000; ++round)
            for (Event e : few) {
                e.t_ns += int64_t(round) * span;
                trace.events.push_back(e);
            }
        const QByteArray bytes = encode_run(run, RunFileOptions{false, 6});
        QList<double> seen;
        const DecodeResult whole = decode_run(bytes, [&](double done) {
            seen.append(done);
            return true;
        });
        QVERIFY2(whole.run.has_value(), qPrintable(whole.error));
        QCOMPARE(whole.run->trace->events.size(), run.trace->events.size());
        QVERIFY(seen.size() >= 3);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        int calls = 0;
        const DecodeResult stopped = decode_run(bytes, [&](double) { return ++calls < 2; });
        QVERIFY(!stopped.run);
        QVERIFY(stopped.cancelled);
        QCOMPARE(calls, 2);
    }

    // A structured fuzzer: header counts, description fields and event times set to extreme and
    // random values. Each file loads or is refused in a line, and what loads is safe to replay.
    void fuzzFields() {
        const RunRecord good = sample_run();
        QRandomGenerator rng(2026);
        const QList<qint64> extremes = {std::numeric_limits<qint64>::min(),
                                        std::numeric_limits<qint64>::max(),
                                        -1,
                                        0,
                                        1,
                                        kRunFileMaxClockNs,
                                        kRunFileMaxClockNs + 1};
        auto any_int = [&]() -> qint64 {
            return rng.bounded(2) ? extremes[rng.bounded(int(extremes.size()))] : qint64(rng.generate64());
        };
        // A value of any JSON type, most of them wrong where they land.
        auto any_json = [&]() -> QJsonValue {
            const double numbers[] = {1e308, -1e308, 9.3e18, -9.3e18, 4294967296.0, -1, 0.5, 1e-320, 65536};
            switch (rng.bounded(6)) {
            case 0:
                return numbers[rng.bounded(9)];
            case 1:
                return QString::number(any_int());
            case 2:
                return QJsonValue(QJsonValue::Null);
            case 3:
                return bool(rng.bounded(2));
            case 4:
                return QJsonArray{1, "x"};
            default:
                return QJsonObject{{"t_s", 1}};
            }
        };
        int loaded = 0, rejected = 0;
        for (int round = 0; round < 1500 * rounds_scale(); ++round) {
            RunRecord run = good;
            const bool compress = rng.bounded(2);
            QByteArray bytes;
            switch (rng.bounded(7)) {
            case 0: // an event time
                edit_trace(run).events[rng.bounded(int(run.trace->events.size()))].t_ns =
                    rng.bounded(2) ? any_int() : run.trace->origin_ns + qint64(rng.bounded(1'000'000'000));
                bytes = encode_run(run, RunFileOptions{compress, 6});
                break;
            case 1: // the start time
                edit_trace(run).origin_ns = any_int();
                bytes = encode_run(run, RunFileOptions{compress, 6});
                break;
            case 2: { // the header's counts
                bytes = encode_run(run, RunFileOptions{compress, 6});
                const int at = rng.bounded(2) ? 24 : 16;
                if (at == 24)
                    qToLittleEndian<quint64>(quint64(any_int()), bytes.data() + 24);
                else
                    qToLittleEndian<quint32>(quint32(rng.generate()), bytes.data() + 16);
                break;
            }
            case 3: // an event's lane, kind or cpu
            {
                Event& e = edit_trace(run).events[rng.bounded(int(run.trace->events.size()))];
                e.lane = rng.bounded(2) ? rng.generate() : quint32(rng.bounded(5));
                e.kind = EventKind(rng.bounded(2) ? quint16(rng.generate()) : quint16(rng.bounded(64)));
                e.cpu = quint16(rng.generate());
                bytes = encode_run(run, RunFileOptions{compress, 6});
                break;
            }
            case 4: // bookmarks and names
                run.bookmarks.append(Bookmark{rng.generateDouble() * std::pow(10.0, rng.bounded(20)), -1,
                                              QString(rng.bounded(6000), QLatin1Char('b')), QString(),
                                              false});
                run.name = QString(rng.bounded(6000), QLatin1Char('n'));
                bytes = encode_run(run, RunFileOptions{compress, 6});
                break;
            case 5: // any value of the description, top level or inside a lane or bookmark
                bytes = with_description(run, [&](QJsonObject& root) {
                    const QStringList keys = root.keys();
                    const QString key = keys[rng.bounded(int(keys.size()))];
                    QJsonValue value = root.value(key);
                    if (value.isArray() && !value.toArray().isEmpty() && rng.bounded(4)) {
                        QJsonArray array = value.toArray();
                        const int at = rng.bounded(int(array.size()));
                        QJsonObject item = array.at(at).toObject();
                        const QStringList fields = item.keys();
                        if (!fields.isEmpty())
                            item.insert(fields[rng.bounded(int(fields.size()))], any_json());
                        array.replace(at, item);
                        value = array;
                    } else if (value.isObject() && rng.bounded(4)) {
                        QJsonObject o = value.toObject();
                        const QStringList fields = o.keys();
                        if (!fields.isEmpty()) o.insert(fields[rng.bounded(int(fields.size()))], any_json());
                        value = o;
                    } else {
                        value = any_json();
                    }
                    root.insert(key, value);
                });
                break;
            default: // the spec and summary numbers
                bytes = with_description(run, [&](QJsonObject& root) {
                    for (const char* part : {"spec", "summary"}) {
                        QJsonObject o = root.value(part).toObject();
                        const QStringList keys = o.keys();
                        const QString key = keys[rng.bounded(int(keys.size()))];
                        const double values[] = {1e308, -1e308, 9.3e18, -9.3e18, 0, -1, 1e-320};
                        o.insert(key, values[rng.bounded(7)]);
                        root.insert(part, o);
                    }
                });
                break;
            }
            const DecodeResult r = decode_run(bytes);
            if (r.run) {
                ++loaded;
                exercise(*r.run, rng);
            } else {
                ++rejected;
                QVERIFY(!r.error.isEmpty());
                QVERIFY(!r.error.contains('\n'));
            }
        }
        qInfo("field fuzz: %d loaded, %d refused with a message", loaded, rejected);
        QVERIFY(loaded > 0 && rejected > 0);
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
        for (int round = 0; round < 3000 * rounds_scale(); ++round) {
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
                exercise(*r.run, rng);
                // What the loader lets through must be safe to draw: lanes exist, time never goes back.
                const auto& events = r.run->trace->events;
                for (size_t i = 0; i < events.size(); ++i) {
                    QVERIFY(events[i].lane < r.run->trace->lanes.size());
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
