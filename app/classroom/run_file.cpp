#include "run_file.h"

#include "run_json.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QtEndian>
#include <algorithm>
#include <cstring>

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
    return DecodeResult{std::nullopt, std::move(message)};
}

} // namespace

QByteArray encode_run(const RunRecord& run, const RunFileOptions& options) {
    QJsonObject root;
    root.insert(QStringLiteral("name"), run.name);
    root.insert(QStringLiteral("created"), run.created.toString(Qt::ISODateWithMs));
    root.insert(QStringLiteral("lesson"), run.lesson);
    root.insert(QStringLiteral("origin_ns"), QString::number(run.trace.origin_ns));
    root.insert(QStringLiteral("spec"), spec_to_json(run.spec));
    root.insert(QStringLiteral("summary"), summary_to_json(run.summary));
    root.insert(QStringLiteral("lanes"), lanes_to_json(run.trace.lanes));
    root.insert(QStringLiteral("bookmarks"), bookmarks_to_json(run.bookmarks));
    const QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Compact);

    QByteArray events(qsizetype(run.trace.events.size()) * kEventBytes, Qt::Uninitialized);
    for (size_t i = 0; i < run.trace.events.size(); ++i)
        put_event(events.data() + qsizetype(i) * kEventBytes, run.trace.events[i]);
    const bool compress = options.compress && !events.isEmpty();
    const QByteArray block = compress ? qCompress(events, std::clamp(options.level, 1, 9)) : events;

    QByteArray out(kRunFileHeaderBytes, '\0');
    char* h = out.data();
    std::memcpy(h, kRunFileMagic, sizeof kRunFileMagic);
    qToLittleEndian<quint32>(kRunFileVersion, h + 8);
    qToLittleEndian<quint32>(compress ? kFlagCompressed : 0u, h + 12);
    qToLittleEndian<quint32>(quint32(json.size()), h + 16);
    qToLittleEndian<quint32>(0u, h + 20); // reserved
    qToLittleEndian<quint64>(quint64(run.trace.events.size()), h + 24);
    out += json;
    QByteArray block_size(8, '\0');
    qToLittleEndian<quint64>(quint64(block.size()), block_size.data());
    out += block_size;
    out += block;
    return out;
}

DecodeResult decode_run(const QByteArray& bytes) {
    if (bytes.size() < kRunFileHeaderBytes ||
        std::memcmp(bytes.constData(), kRunFileMagic, sizeof kRunFileMagic) != 0)
        return fail(QStringLiteral("not a Concurrency Lab run file"));
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
    if (event_count > kRunFileMaxEvents) return fail(QStringLiteral("the run file claims too many events"));

    const quint64 total = quint64(bytes.size());
    quint64 pos = kRunFileHeaderBytes;
    if (json_size > total - pos || total - pos - json_size < 8)
        return fail(QStringLiteral("the run file is truncated (description block)"));
    QJsonParseError parse_error;
    const QJsonDocument doc =
        QJsonDocument::fromJson(bytes.mid(qsizetype(pos), qsizetype(json_size)), &parse_error);
    if (parse_error.error != QJsonParseError::NoError || !doc.isObject())
        return fail(QStringLiteral("the run's description is damaged (%1)").arg(parse_error.errorString()));
    pos += json_size;
    const quint64 block_size = qFromLittleEndian<quint64>(bytes.constData() + pos);
    pos += 8;
    if (block_size != total - pos)
        return fail(block_size > total - pos
                        ? QStringLiteral("the run file is truncated (event block)")
                        : QStringLiteral("the run file has trailing bytes after the events"));

    const QJsonObject root = doc.object();
    RunRecord run;
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
    if (auto e = lanes_from_json(root.value(QStringLiteral("lanes")).toArray(), run.trace.lanes))
        return fail(*e);
    const QJsonValue bookmarks = root.value(QStringLiteral("bookmarks"));
    if (!bookmarks.isUndefined() && !bookmarks.isArray())
        return fail(QStringLiteral("bookmarks must be a list"));
    if (auto e = bookmarks_from_json(bookmarks.toArray(), run.bookmarks)) return fail(*e);
    bool origin_ok = false;
    run.trace.origin_ns = root.value(QStringLiteral("origin_ns")).toString().toLongLong(&origin_ok);
    if (!origin_ok) return fail(QStringLiteral("the run file has no start time"));
    run.name = root.value(QStringLiteral("name")).toString();
    run.lesson = root.value(QStringLiteral("lesson")).toString();
    run.created = QDateTime::fromString(root.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);

    const quint64 raw_size = event_count * kEventBytes;
    QByteArray raw;
    const QByteArray block = QByteArray::fromRawData(bytes.constData() + pos, qsizetype(block_size));
    if (flags & kFlagCompressed) {
        // qCompress prefixes the uncompressed size (big-endian); check it before letting zlib
        // allocate anything, so a mutated size cannot ask for gigabytes.
        if (block.size() < 4 || qFromBigEndian<quint32>(block.constData()) != raw_size)
            return fail(QStringLiteral("the run's events are damaged (size mismatch)"));
        raw = qUncompress(block);
        if (quint64(raw.size()) != raw_size)
            return fail(QStringLiteral("the run's events are damaged (bad compression)"));
    } else {
        if (block_size != raw_size)
            return fail(QStringLiteral("the run's events are damaged (size mismatch)"));
        raw = block;
    }
    run.trace.events.resize(size_t(event_count));
    const quint32 lane_count = quint32(run.trace.lanes.size());
    for (quint64 i = 0; i < event_count; ++i) {
        Event e = get_event(raw.constData() + i * kEventBytes);
        if (e.lane >= lane_count)
            return fail(
                QStringLiteral("event %1 points at lane %2, which does not exist").arg(i).arg(e.lane));
        if (i > 0 && e.t_ns < run.trace.events[size_t(i - 1)].t_ns)
            return fail(QStringLiteral("the run's events are out of order at event %1").arg(i));
        run.trace.events[size_t(i)] = e;
    }
    return DecodeResult{std::move(run), QString()};
}

bool save_run_file(const RunRecord& run, const QString& path, QString& error, const RunFileOptions& options) {
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

DecodeResult load_run_file(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    DecodeResult result = decode_run(file.readAll());
    if (!result.run) result.error = QStringLiteral("%1: %2").arg(path, result.error);
    return result;
}

} // namespace clab::classroom
