#include "worker_entry.h"

#include "forkserver.h"
#include "launcher.h"
#include "worker.h"

#include <cstring>

namespace clab {

int maybe_run_process_worker(int argc, char** argv) {
    if (argc >= 2 && std::strcmp(argv[1], proc::kWorkerFlag) == 0) return proc::run_spawned_worker();
    if (argc >= 2 && std::strcmp(argv[1], proc::kForkserverFlag) == 0)
        return proc::run_forkserver(proc::kFdControl);
    proc::mark_worker_mode_available();
    return -1;
}

} // namespace clab

namespace clab::proc {

int run_spawned_worker() {
    FrameHeader header;
    std::vector<uint8_t> body;
    // The parent writes the preparation right after starting us; 30 s covers a loaded machine.
    if (!read_all_timeout(kFdControl, &header, sizeof header, 30'000) || !header_ok(header) ||
        MsgType(header.type) != MsgType::Prepare)
        return 4;
    body.resize(header.length);
    if (!read_all_timeout(kFdControl, body.data(), body.size(), 30'000)) return 4;
    const std::optional<Preparation> prep = decode_prepare(header, body);
    if (!prep) return 4;
    prepare_child_process(prep->cpus);
    return run_worker(*prep);
}

} // namespace clab::proc
