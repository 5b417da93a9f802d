// "Export summary as CSV": one header row of metric names, one row per run, so a class can paste
// several runs into a spreadsheet and compare them. Numbers use '.' and are never localised.
#pragma once

#include "run_record.h"

#include <QList>
#include <QString>

namespace clab::classroom {

// The columns, in order (also the header row).
QStringList summary_csv_columns();
// Header plus one row per run; fields that contain a comma, quote or newline are quoted (RFC 4180).
QString summary_csv(const QList<const RunRecord*>& runs);
bool save_summary_csv(const QList<const RunRecord*>& runs, const QString& path, QString& error);

} // namespace clab::classroom
