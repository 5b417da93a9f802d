#include "program_output.h"

#include <utility>

namespace clab {

void ProgramOutput::write(Stream stream, std::string_view bytes) {
    if (bytes.empty()) return;
    std::lock_guard lock(mutex_);
    if (!pending_.empty() && pending_.back().stream == stream)
        pending_.back().bytes.append(bytes);
    else
        pending_.push_back({stream, std::string(bytes)});
}

std::vector<ProgramOutput::Chunk> ProgramOutput::drain() {
    std::lock_guard lock(mutex_);
    return std::exchange(pending_, {});
}

} // namespace clab
