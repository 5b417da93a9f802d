// The run file (*.clabrun): one finished run saved to disk and reopened later. Format in
// README.md ("Run file format"). Loading never trusts the file: every size, index and name is
// checked, and a bad file gives one sentence saying what is wrong.
#pragma once

#include "run_record.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace clab::classroom {

inline constexpr char kRunFileMagic[8] = {'C', 'L', 'A', 'B', 'R', 'U', 'N', '\n'};
inline constexpr quint32 kRunFileVersion = 1;
inline constexpr int kRunFileHeaderBytes = 32;
inline constexpr quint64 kRunFileMaxEvents = 100'000'000; // 2.4 GB raw: refuse anything larger
inline constexpr const char* kRunFileSuffix = "clabrun";

struct RunFileOptions {
    bool compress = true; // qCompress (zlib) the event block: traces shrink ~4-8x
    int level = 6;
};

QByteArray encode_run(const RunRecord& run, const RunFileOptions& options = {});

struct DecodeResult {
    std::optional<RunRecord> run;
    QString error; // set when `run` is empty
};
DecodeResult decode_run(const QByteArray& bytes);

// File wrappers: atomic save (QSaveFile), and the path in the error message.
bool save_run_file(const RunRecord& run, const QString& path, QString& error,
                   const RunFileOptions& options = {});
DecodeResult load_run_file(const QString& path);

} // namespace clab::classroom
