// How the classroom windows get a timeline for a finished run without depending on app/gui or
// app/plots: the host hands in a factory (attach.cpp builds it from the lab's TimelinePane).
#pragma once

#include "run_record.h"

#include <functional>

class QWidget;

namespace clab::classroom {

// Returns a new widget (child of `parent`) that shows `run`'s finished timeline.
using TimelineFactory = std::function<QWidget*(QWidget* parent, const RunRecord& run)>;

} // namespace clab::classroom
