// The run file (*.clabrun): one finished run saved to disk and reopened later. Format in
// README.md ("Run file format"). Loading never trusts the file: every size, index and name is
// checked, and a bad file gives one sentence saying what is wrong.
#pragma once

#include "run_record.h"

#include <QByteArray>
#include <QString>
#include <functional>
#include <optional>

namespace clab::classroom {

inline constexpr char kRunFileMagic[8] = {'C', 'L', 'A', 'B', 'R', 'U', 'N', '\n'};
inline constexpr quint32 kRunFileVersion = 1;
inline constexpr int kRunFileHeaderBytes = 32;
inline constexpr const char* kRunFileSuffix = "clabrun";

// What a run file may hold. A file beyond these is refused in one sentence before anything big is
// allocated: a few hand-edited bytes must not make the window allocate gigabytes or lay out a
// 200,000-character name (issue 20.7). Real runs stay far below every one of them.
inline constexpr quint64 kRunFileMaxEvents = 20'000'000;    // 480 MB of events, half the history's
inline constexpr qint64 kRunFileMaxBytes = 1'000'000'000;   // the whole file
inline constexpr quint64 kRunFileMaxDescription = 64 << 20; // the JSON block
inline constexpr int kRunFileMaxLanes = 250'000;            // 100,000 tasks, their cores and loops
inline constexpr int kRunFileMaxNameChars = 256;            // a lane's or worker's name
inline constexpr int kRunFileMaxTextChars = 4096;           // run name, lesson, bookmark label
inline constexpr int kRunFileMaxBookmarks = 10'000;
// Times: CLOCK_MONOTONIC nanoseconds, so never negative; the start below 2^62 and every event
// within a week of it keep every difference and conversion to seconds far from overflow.
inline constexpr qint64 kRunFileMaxClockNs = qint64(1) << 62;
inline constexpr qint64 kRunFileMaxSpanNs = 7LL * 24 * 3600 * 1'000'000'000;
inline constexpr qint64 kRunFileEarlyNs = 1'000'000'000; // how far before the start an event may be
// zlib cannot pack more than 1032 bytes into one: a block claiming more than that is a lie.
inline constexpr quint64 kZlibMaxRatio = 1032;

struct RunFileOptions {
    bool compress = true; // qCompress (zlib) the event block: traces shrink ~4-8x
    int level = 6;
};

QByteArray encode_run(const RunRecord& run, const RunFileOptions& options = {});

struct DecodeResult {
    std::optional<RunRecord> run;
    QString error;          // set when `run` is empty
    bool cancelled = false; // the progress callback asked to stop
};
// Called now and then while the events are decoded with the share done (0..1); returning false
// cancels the load. May be called from any thread (the one decoding).
using DecodeProgress = std::function<bool(double done)>;
DecodeResult decode_run(const QByteArray& bytes, const DecodeProgress& progress = {});

// File wrappers: atomic save (QSaveFile), and the path in the error message.
bool save_run_file(const RunRecord& run, const QString& path, QString& error,
                   const RunFileOptions& options = {});
DecodeResult load_run_file(const QString& path, const DecodeProgress& progress = {});

} // namespace clab::classroom
