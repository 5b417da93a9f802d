// What a run's real program prints, as it comes: the engine that runs one (the python engine) writes
// its stdout and stderr here from its reader thread, and one reader (the window's poll) drains it, so
// the output pane shows each line while the program still runs, not only in the Summary at the end.
// The Summary keeps the whole output as before; this is the live copy of it.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace clab {

class ProgramOutput {
public:
    enum class Stream { Out, Err };
    struct Chunk {
        Stream stream;
        std::string bytes; // raw bytes: a UTF-8 character may be split between two chunks
    };

    // From any thread. Consecutive writes to the same stream join one chunk.
    void write(Stream stream, std::string_view bytes);
    // Everything written since the last drain, in the order it was written.
    std::vector<Chunk> drain();

private:
    std::mutex mutex_;
    std::vector<Chunk> pending_;
};

} // namespace clab
