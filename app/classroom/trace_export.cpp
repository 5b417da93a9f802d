#include "trace_export.h"

#include "core/trace/chrome_trace.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace clab::classroom {

std::string chrome_trace_with_bookmarks(const RunRecord& run) {
    std::string json = to_chrome_trace_json(*run.trace);
    if (run.bookmarks.isEmpty()) return json;
    // Splice the markers in right after the opening bracket of "traceEvents" rather than parsing
    // and re-serialising what can be a few hundred megabytes of JSON.
    static const std::string key = "\"traceEvents\"";
    const size_t key_at = json.find(key);
    const size_t bracket =
        key_at == std::string::npos ? std::string::npos : json.find('[', key_at + key.size());
    if (bracket == std::string::npos) return json;
    std::string markers;
    for (const Bookmark& b : run.bookmarks) {
        QJsonObject e;
        e.insert(QStringLiteral("name"), b.label.isEmpty() ? QStringLiteral("bookmark") : b.label);
        e.insert(QStringLiteral("cat"),
                 b.from_lesson ? QStringLiteral("lesson") : QStringLiteral("bookmark"));
        e.insert(QStringLiteral("pid"), 1);
        e.insert(QStringLiteral("tid"), 0);
        e.insert(QStringLiteral("ts"), b.t_s * 1e6);
        if (b.to_s >= b.t_s) { // a range: a complete event on the main lane
            e.insert(QStringLiteral("ph"), QStringLiteral("X"));
            e.insert(QStringLiteral("dur"), (b.to_s - b.t_s) * 1e6);
        } else {
            e.insert(QStringLiteral("ph"), QStringLiteral("i"));
            e.insert(QStringLiteral("s"), QStringLiteral("g"));
        }
        markers += QJsonDocument(e).toJson(QJsonDocument::Compact).toStdString();
        markers += ',';
    }
    // An empty event list must not end up with a trailing comma.
    const size_t next = json.find_first_not_of(" \n\r\t", bracket + 1);
    if (next != std::string::npos && json[next] == ']') markers.pop_back();
    json.insert(bracket + 1, markers);
    return json;
}

bool export_chrome_trace(const RunRecord& run, const QString& path, QString& error) {
    QSaveFile file(path);
    const std::string json = chrome_trace_with_bookmarks(run);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(json.data(), qint64(json.size())) != qint64(json.size()) || !file.commit()) {
        error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace clab::classroom
