// The fidelity note of "Run both": how the step's engine run and the real python3 run of the same
// step differed, in one line of plain words, from the two summaries measured in that run. Nothing
// is estimated: each figure is read from a Summary, a ratio only when both sides measured it.
#pragma once

#include "core/experiment/summary.h"

#include <QString>

namespace clab::editor {

// "Wall time: engine 1.02 s, python3 1.10 s (the engine took 0.93× python3's). CPU: …. Speedup: …"
// `reveal` is the step's revealed figure (a prediction's `reveal:`), added when both runs measured it.
QString fidelity_note(const Summary& engine, const Summary& python, const QString& reveal = {});

} // namespace clab::editor
