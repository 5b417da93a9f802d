#include "run_file.h"

#include "run_json.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QtEndian>
#include <algorithm>
#include <cstring>
#include <zlib.h>

namespace clab::classroom {

namespace {

constexpr quint32 kFlagCompressed = 1u;
constexpr int kEventBytes = 24;

void put_event(char* out, const Event& e) {
    qToLittleEndian<qint64>(e.t_ns, out);
    qToLittleEndian<quint32>(e.lane, out + 8);
    qToLittleEndian<quint16>(quint16(e.kind), out + 12);
    qToLittleEndian<quint16>(e.cpu, out + 14);
    qToLittleEndian<quint64>(e.arg, out + 16);
}

Event get_event(const char* in) {
    Event e;
    e.t_ns = qFromLittleEndian<qint64>(in);
    e.lane = qFromLittleEndian<quint32>(in + 8);
    e.kind = EventKind(qFromLittleEndian<quint16>(in + 12));
    e.cpu = qFromLittleEndian<quint16>(in + 14);
    e.arg = qFromLittleEndian<quint64>(in + 16);
    return e;
}

DecodeResult fail(QString message) {
    return DecodeResult{std::nullopt, std::move(message), false};
}

} // namespace

QByteArray encode_run(const RunRecord& run, const RunFileOptions& options) {
    QJsonObject root;
    root.insert(QStringLiteral("name"), run.name);
    root.insert(QStringLiteral("created"), run.created.toString(Qt::ISODateWithMs));
    root.insert(QStringLiteral("lesson"), run.lesson);
    root.insert(QStringLiteral("origin_ns"), QString::number(run.trace->origin_ns));
    root.insert(QStringLiteral("spec"), spec_to_json(run.spec));
    root.insert(QStringLiteral("summary"), summary_to_json(run.summary));
    root.insert(QStringLiteral("lanes"), lanes_to_json(run.trace->lanes));
    root.insert(QStringLiteral("bookmarks"), bookmarks_to_json(run.bookmarks));
    const QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Compact);

    QByteArray events(qsizetype(run.trace->events.size()) * kEventBytes, Qt::Uninitialized);
    for (size_t i = 0; i < run.trace->events.size(); ++i)
        put_event(events.data() + qsizetype(i) * kEventBytes, run.trace->events[i]);
    const bool compress = options.compress && !events.isEmpty();
    const QByteArray block = compress ? qCompress(events, std::clamp(options.level, 1, 9)) : events;

    QByteArray out(kRunFileHeaderBytes, '\0');
    char* h = out.data();
    std::memcpy(h, kRunFileMagic, sizeof kRunFileMagic);
    qToLittleEndian<quint32>(kRunFileVersion, h + 8);
    qToLittleEndian<quint32>(compress ? kFlagCompressed : 0u, h + 12);
    qToLittleEndian<quint32>(quint32(json.size()), h + 16);
    qToLittleEndian<quint32>(0u, h + 20); // reserved
    qToLittleEndian<quint64>(quint64(run.trace->events.size()), h + 24);
    out += json;
    QByteArray block_size(8, '\0');
    qToLittleEndian<quint64>(quint64(block.size()), block_size.data());
    out += block_size;
    out += block;
    return out;
}

namespace {

DecodeResult cancelled() {
    DecodeResult r{std::nullopt, QStringLiteral("loading was cancelled"), true};
    return r;
}

// The description's counts and lengths, checked against the limits in run_file.h.
std::optional<QString> check_description(const RunRecord& run) {
    if (run.trace->lanes.size() > size_t(kRunFileMaxLanes))
        return QStringLiteral("the run file lists %1 lanes (at most %2)")
            .arg(run.trace->lanes.size())
            .arg(kRunFileMaxLanes);
    auto too_long = [](const std::string& s, int chars) {
        return s.size() > size_t(chars) && QString::fromStdString(s).size() > chars;
    };
    for (const LaneInfo& lane : run.trace->lanes)
        if (too_long(lane.name, kRunFileMaxNameChars))
            return QStringLiteral("lane %1 has a name of %2 characters (at most %3)")
                .arg(lane.id)
                .arg(QString::fromStdString(lane.name).size())
                .arg(kRunFileMaxNameChars);
    if (run.summary.workers.size() > size_t(kRunFileMaxLanes))
        return QStringLiteral("the run file lists %1 workers (at most %2)")
            .arg(run.summary.workers.size())
            .arg(kRunFileMaxLanes);
    for (const WorkerStats& w : run.summary.workers)
        if (too_long(w.name, kRunFileMaxNameChars))
            return QStringLiteral("a worker has a name of %1 characters (at most %2)")
                .arg(QString::fromStdString(w.name).size())
                .arg(kRunFileMaxNameChars);
    if (too_long(run.summary.error, kRunFileMaxTextChars))
        return QStringLiteral("the run's error message is longer than %1 characters")
            .arg(kRunFileMaxTextChars);
    if (run.name.size() > kRunFileMaxTextChars || run.lesson.size() > kRunFileMaxTextChars)
        return QStringLiteral("the run's name is longer than %1 characters").arg(kRunFileMaxTextChars);
    if (run.bookmarks.size() > kRunFileMaxBookmarks)
        return QStringLiteral("the run file has %1 bookmarks (at most %2)")
            .arg(run.bookmarks.size())
            .arg(kRunFileMaxBookmarks);
    const double max_span_s = double(kRunFileMaxSpanNs) * 1e-9;
    for (const Bookmark& b : run.bookmarks) {
        if (b.label.size() > kRunFileMaxTextChars || b.lane.size() > kRunFileMaxTextChars)
            return QStringLiteral("a bookmark's label is longer than %1 characters")
                .arg(kRunFileMaxTextChars);
        if (b.t_s > max_span_s || b.to_s > max_span_s)
            return QStringLiteral("a bookmark lies more than a week after the start");
    }
    if (run.trace->origin_ns < 0 || run.trace->origin_ns > kRunFileMaxClockNs)
        return QStringLiteral("the run's start time %1 ns is not a monotonic clock reading")
            .arg(run.trace->origin_ns);
    return std::nullopt;
}

// Checks each event as it arrives (from the raw block or out of zlib), so a damaged or absurd
// block is refused at its first bad event, not after gigabytes were inflated.
class EventReader {
public:
    EventReader(Trace& trace, quint64 expected)
        : trace_(trace)
        , expected_(expected)
        , lanes_(quint32(trace.lanes.size())) {
        trace_.events.clear();
        trace_.events.reserve(size_t(std::min<quint64>(expected, 1u << 20)));
    }

    // Reads whole events from `data` (a partial one is kept for the next call). False on a bad one.
    bool feed(const char* data, size_t n) {
        if (partial_ > 0) {
            const size_t take = std::min(n, size_t(kEventBytes - partial_));
            std::memcpy(buffer_ + partial_, data, take);
            partial_ += int(take);
            data += take;
            n -= take;
            if (partial_ < kEventBytes) return true;
            partial_ = 0;
            if (!take_event(buffer_)) return false;
        }
        for (; n >= size_t(kEventBytes); data += kEventBytes, n -= kEventBytes)
            if (!take_event(data)) return false;
        std::memcpy(buffer_, data, n);
        partial_ = int(n);
        return true;
    }
    bool complete() const { return partial_ == 0 && trace_.events.size() == expected_; }
    const QString& error() const { return error_; }

private:
    bool take_event(const char* in) {
        const Event e = get_event(in);
        const quint64 i = trace_.events.size();
        if (i >= expected_) return bad(QStringLiteral("the run's events are damaged (more than announced)"));
        if (e.lane >= lanes_)
            return bad(QStringLiteral("event %1 points at lane %2, which does not exist").arg(i).arg(e.lane));
        if (kind_name(e.kind) == std::string_view("unknown"))
            return bad(QStringLiteral("event %1 is of an unknown kind (%2)").arg(i).arg(int(e.kind)));
        // Both times lie in [0, 2^62], so their difference cannot overflow. Nothing of a run
        // happens before its start (a second's slack for a clock read just before the recorder's).
        if (e.t_ns < 0 || e.t_ns > kRunFileMaxClockNs || e.t_ns - trace_.origin_ns < -kRunFileEarlyNs ||
            e.t_ns - trace_.origin_ns > kRunFileMaxSpanNs)
            return bad(QStringLiteral("event %1 has an impossible time (%2 ns, the run started at %3 ns)")
                           .arg(i)
                           .arg(e.t_ns)
                           .arg(trace_.origin_ns));
        if (i > 0 && e.t_ns < trace_.events.back().t_ns)
            return bad(QStringLiteral("the run's events are out of order at event %1").arg(i));
        trace_.events.push_back(e);
        return true;
    }
    bool bad(QString message) {
        error_ = std::move(message);
        return false;
    }

    Trace& trace_;
    const quint64 expected_;
    const quint32 lanes_;
    char buffer_[kEventBytes] = {};
    int partial_ = 0;
    QString error_;
};

struct Inflater {
    z_stream zs{};
    bool ready = false;
    Inflater() { ready = inflateInit(&zs) == Z_OK; }
    ~Inflater() {
        if (ready) inflateEnd(&zs);
    }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
};

// How often the progress callback hears from a decode.
constexpr size_t kChunkBytes = size_t(1) << 20;

std::optional<DecodeResult> read_events(const QByteArray& block, bool compressed, quint64 event_count,
                                        Trace& trace, const DecodeProgress& progress) {
    EventReader reader(trace, event_count);
    const quint64 total = quint64(block.size());
    auto report = [&](quint64 done) {
        return !progress || progress(total ? double(done) / double(total) : 1.0);
    };
    if (!compressed) {
        for (quint64 pos = 0; pos < total; pos += kChunkBytes) {
            if (!report(pos)) return cancelled();
            const size_t n = size_t(std::min<quint64>(kChunkBytes, total - pos));
            if (!reader.feed(block.constData() + pos, n)) return fail(reader.error());
        }
    } else {
        // qCompress's layout: the inflated size (big-endian, checked by the caller), then a zlib stream.
        Inflater inflater;
        if (!inflater.ready) return fail(QStringLiteral("cannot start decompressing the events"));
        z_stream& zs = inflater.zs;
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.constData() + 4));
        zs.avail_in = uInt(block.size() - 4);
        std::vector<char> out(kChunkBytes);
        for (;;) {
            if (!report(total - zs.avail_in)) return cancelled();
            zs.next_out = reinterpret_cast<Bytef*>(out.data());
            zs.avail_out = uInt(out.size());
            const int ret = inflate(&zs, Z_NO_FLUSH);
            if (ret != Z_OK && ret != Z_STREAM_END)
                return fail(QStringLiteral("the run's events are damaged (bad compression)"));
            if (!reader.feed(out.data(), out.size() - zs.avail_out)) return fail(reader.error());
            if (ret == Z_STREAM_END) break;
        }
        if (zs.avail_in != 0)
            return fail(QStringLiteral("the run's events are damaged (bytes after the end)"));
    }
    if (!reader.complete()) return fail(QStringLiteral("the run's events are damaged (size mismatch)"));
    return std::nullopt;
}

} // namespace

DecodeResult decode_run(const QByteArray& bytes, const DecodeProgress& progress) {
    if (bytes.size() < kRunFileHeaderBytes ||
        std::memcmp(bytes.constData(), kRunFileMagic, sizeof kRunFileMagic) != 0)
        return fail(QStringLiteral("not a Concurrency Lab run file"));
    if (bytes.size() > kRunFileMaxBytes)
        return fail(QStringLiteral("the run file is %1 MB, more than the %2 MB a run file may have")
                        .arg(bytes.size() >> 20)
                        .arg(kRunFileMaxBytes >> 20));
    const char* h = bytes.constData();
    const quint32 version = qFromLittleEndian<quint32>(h + 8);
    if (version != kRunFileVersion)
        return fail(QStringLiteral("run file version %1 is not supported (this build reads version %2)")
                        .arg(version)
                        .arg(kRunFileVersion));
    const quint32 flags = qFromLittleEndian<quint32>(h + 12);
    if ((flags & ~kFlagCompressed) != 0)
        return fail(QStringLiteral("the run file uses features this build does not know"));
    const quint64 json_size = qFromLittleEndian<quint32>(h + 16);
    const quint64 event_count = qFromLittleEndian<quint64>(h + 24);
    if (event_count > kRunFileMaxEvents)
        return fail(QStringLiteral("the run file claims %1 events (at most %2)")
                        .arg(event_count)
                        .arg(kRunFileMaxEvents));
    if (json_size > kRunFileMaxDescription)
        return fail(QStringLiteral("the run's description is %1 MB (at most %2 MB)")
                        .arg(json_size >> 20)
                        .arg(kRunFileMaxDescription >> 20));

    const quint64 total = quint64(bytes.size());
    quint64 pos = kRunFileHeaderBytes;
    if (json_size > total - pos || total - pos - json_size < 8)
        return fail(QStringLiteral("the run file is truncated (description block)"));
    const quint64 block_size = qFromLittleEndian<quint64>(bytes.constData() + pos + json_size);
    const quint64 events_at = pos + json_size + 8;
    if (block_size != total - events_at)
        return fail(block_size > total - events_at
                        ? QStringLiteral("the run file is truncated (event block)")
                        : QStringLiteral("the run file has trailing bytes after the events"));
    // Every event is 24 bytes; packed, zlib cannot store them in less than 1/1032 of that.
    const quint64 raw_size = event_count * kEventBytes;
    const bool compressed = (flags & kFlagCompressed) != 0;
    const QByteArray block = QByteArray::fromRawData(bytes.constData() + events_at, qsizetype(block_size));
    if (compressed) {
        if (block.size() < 4 || qFromBigEndian<quint32>(block.constData()) != raw_size)
            return fail(QStringLiteral("the run's events are damaged (size mismatch)"));
        if (raw_size / kZlibMaxRatio > block_size)
            return fail(QStringLiteral("the run file claims %1 events, more than its %2 bytes can hold")
                            .arg(event_count)
                            .arg(block_size));
    } else if (block_size != raw_size) {
        return fail(QStringLiteral("the run's events are damaged (size mismatch)"));
    }

    QJsonParseError parse_error;
    const QJsonDocument doc =
        QJsonDocument::fromJson(bytes.mid(qsizetype(pos), qsizetype(json_size)), &parse_error);
    if (parse_error.error != QJsonParseError::NoError || !doc.isObject())
        return fail(QStringLiteral("the run's description is damaged (%1)").arg(parse_error.errorString()));

    const QJsonObject root = doc.object();
    RunRecord run;
    auto trace = std::make_shared<Trace>(); // filled here, then shared read-only
    run.trace = trace;
    if (!root.value(QStringLiteral("spec")).isObject())
        return fail(QStringLiteral("the run file has no experiment"));
    if (auto e = spec_from_json(root.value(QStringLiteral("spec")).toObject(), run.spec)) return fail(*e);
    if (!root.value(QStringLiteral("summary")).isObject())
        return fail(QStringLiteral("the run file has no summary"));
    if (auto e = summary_from_json(root.value(QStringLiteral("summary")).toObject(), run.summary))
        return fail(*e);
    run.summary.spec = run.spec;
    if (!root.value(QStringLiteral("lanes")).isArray())
        return fail(QStringLiteral("the run file has no lanes"));
    if (root.value(QStringLiteral("lanes")).toArray().size() > kRunFileMaxLanes)
        return fail(QStringLiteral("the run file lists more than %1 lanes").arg(kRunFileMaxLanes));
    if (auto e = lanes_from_json(root.value(QStringLiteral("lanes")).toArray(), trace->lanes))
        return fail(*e);
    const QJsonValue bookmarks = root.value(QStringLiteral("bookmarks"));
    if (!bookmarks.isUndefined() && !bookmarks.isArray())
        return fail(QStringLiteral("bookmarks must be a list"));
    if (bookmarks.toArray().size() > kRunFileMaxBookmarks)
        return fail(QStringLiteral("the run file has more than %1 bookmarks").arg(kRunFileMaxBookmarks));
    if (auto e = bookmarks_from_json(bookmarks.toArray(), run.bookmarks)) return fail(*e);
    bool origin_ok = false;
    trace->origin_ns = root.value(QStringLiteral("origin_ns")).toString().toLongLong(&origin_ok);
    if (!origin_ok) return fail(QStringLiteral("the run file has no start time"));
    run.name = root.value(QStringLiteral("name")).toString();
    run.lesson = root.value(QStringLiteral("lesson")).toString();
    run.created = QDateTime::fromString(root.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);
    if (auto e = check_description(run)) return fail(*e);

    if (auto failed = read_events(block, compressed, event_count, *trace, progress))
        return std::move(*failed);
    return DecodeResult{std::move(run), QString()};
}

bool save_run_file(const RunRecord& run, const QString& path, QString& error, const RunFileOptions& options) {
    if (run.trace->events.size() > kRunFileMaxEvents) {
        error = QStringLiteral("this run has %1 events; a run file holds at most %2")
                    .arg(run.trace->events.size())
                    .arg(kRunFileMaxEvents);
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(encode_run(run, options));
    if (!file.commit()) {
        error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

DecodeResult load_run_file(const QString& path, const DecodeProgress& progress) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    if (!file.isSequential() && file.size() > kRunFileMaxBytes)
        return fail(QStringLiteral("%1: the file is %2 MB, more than the %3 MB a run file may have")
                        .arg(path)
                        .arg(file.size() >> 20)
                        .arg(kRunFileMaxBytes >> 20));
    // Read no more than a run file may hold (a FIFO or a device has no size to check first).
    QByteArray bytes = file.read(kRunFileMaxBytes + 1);
    DecodeResult result = decode_run(bytes, progress);
    if (!result.run) result.error = QStringLiteral("%1: %2").arg(path, result.error);
    return result;
}

} // namespace clab::classroom
