// "Export ▸ Trace as Chrome Trace JSON": core's exporter (core/trace/chrome_trace.h) plus the
// run's bookmarks as global instant events, so the instructor's markers show up in Perfetto too.
#pragma once

#include "run_record.h"

#include <string>

namespace clab::classroom {

// The Chrome-trace JSON of the run, bookmarks included.
std::string chrome_trace_with_bookmarks(const RunRecord& run);
bool export_chrome_trace(const RunRecord& run, const QString& path, QString& error);

} // namespace clab::classroom
