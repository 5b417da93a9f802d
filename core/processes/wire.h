// The pipe protocol between the parent and its worker processes. Every message is a frame: a
// 24-byte header (magic, type, sender, body length, body checksum) and a body. Encoding a body
// copies every byte into the frame and checksums it; decoding verifies the checksum and copies
// the bytes out again. That is our "pickling": real work proportional to the size, like pickle
// serialising a bytes object, and the reason big messages cost time on both sides.
#pragma once

#include "bytes.h"
#include "core/experiment/spec.h"
#include "core/sync/stop_signal.h"
#include "core/trace/event.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clab::proc {

enum class MsgType : uint16_t {
    // parent -> worker
    Prepare = 1, // spawn / forkserver: what a fresh process needs before its first task
    Call = 2,    // one call item: a task or a chunk of tasks
    Stop = 3,    // no more work: exit (ProcessPoolExecutor's None sentinel)
    // worker -> parent
    Events = 10, // raw 24-byte Events stamped in the worker (lane field: 0 = "my lane")
    // 11 was Took: a pool worker gives its call-queue slot back through a token pipe now (worker.h)
    Result = 12,  // the results of one call item
    Exiting = 13, // the worker leaves cleanly (the pool stops watching its sentinel)
};

struct FrameHeader {
    uint32_t magic = kMagic;
    uint16_t type = 0;
    uint16_t sender = 0; // worker index (worker -> parent)
    uint64_t length = 0; // body bytes
    uint64_t checksum = 0;
    static constexpr uint32_t kMagic = 0x434C4142; // "CLAB"
};
static_assert(sizeof(FrameHeader) == 24);

// Large bodies are made, copied, checksummed and read in pieces of this size with a look at the
// stop between them: a Stop never waits for a 100 MB message to be pickled or unpickled. A piece of
// fresh memory costs ~2 ms to touch on a sandboxed machine (more under load); a look costs nothing.
// A multiple of 32, the checksum's block.
inline constexpr size_t kStopPiece = size_t(256) << 10;

// Fast 64-bit checksum over every byte (four independent chains, so it runs near memory speed).
uint64_t checksum_bytes(const uint8_t* data, size_t size) noexcept;
// The same in pieces (kStopPiece) with a look at `stop` (optional) between them: nullopt once requested.
std::optional<uint64_t> checksum_bytes(const uint8_t* data, size_t size, const StopSignal* stop) noexcept;

// What a task does inside a worker: the workload part of an ExperimentSpec.
struct TaskParams {
    WorkloadKind workload = WorkloadKind::Cpu;
    int64_t iterations = 0;
    uint32_t steps_per_iteration = 1; // calibrated once in the parent: children never re-measure
    double io_ms = 0;
    int32_t io_count = 0;
    int32_t cpu_percent = 100;
    double time_scale = 1.0;
    int64_t crash_task = -1; // the task whose worker kills itself with SIGKILL (tests, demos)
};

// Per-process set-up a fresh (spawned / forkserver-forked) worker receives first.
struct Preparation {
    uint32_t worker_index = 0;
    StartMethod method = StartMethod::Fork;
    int32_t cpus = 0; // pin to the first N cores; 0 = leave as is
    uint8_t pool = 0; // 1: pull call items from the shared call queue under its lock
    // CPython's interpreter around the target (calibration.h, measured with python3 in the parent;
    // a fork child has them in memory): the CPU the process has spent when python3's child runs
    // its target's first line (the worker tops its own up to it before it reports ready), and the
    // CPU python3's child spends after its last task beyond our own exit (spent before exiting).
    int64_t startup_cpu_ns = 0;
    int64_t shutdown_cpu_ns = 0;
};

struct CallItem {
    uint64_t work_id = 0;
    TaskParams params;
    std::vector<uint64_t> tasks; // task indices in this call item (a map chunk)
    // Payload workload: every task carries these bytes (shared, not copied until serialised).
    SharedBytes payload;
};

struct TaskResult {
    uint64_t task = 0;
    uint64_t value = 0;  // Cpu: the loop's accumulator; Payload: checksum of the bytes received
    SharedBytes payload; // Payload: the bytes sent back
};

struct ResultItem {
    uint64_t work_id = 0;
    std::vector<TaskResult> results;
};

// A complete frame (header + body) in one buffer, ready to write.
using Frame = std::vector<uint8_t>;

Frame encode_prepare(const Preparation&);
// `stop` (optional) abandons a large payload's copy part-way: the frame is then empty.
Frame encode_call(const CallItem&, const StopSignal* stop = nullptr);
Frame encode_stop();
Frame encode_events(uint16_t sender, const Event* events, size_t count);
Frame encode_result(uint16_t sender, const ResultItem&);
Frame encode_exiting(uint16_t sender, int64_t pid);

// Decoders verify the body against the header's checksum (part of the deserialising cost), then
// copy the fields out. nullopt / false: corrupt or malformed.
std::optional<Preparation> decode_prepare(const FrameHeader&, const std::vector<uint8_t>& body);
std::optional<CallItem> decode_call(const FrameHeader&, const std::vector<uint8_t>& body);
// `stop` (optional) abandons a large result's checksum or copy part-way (nullopt): a Stop never
// waits for a 100 MB result to be unpickled under the GIL.
std::optional<ResultItem> decode_result(const FrameHeader&, const std::vector<uint8_t>& body,
                                        const StopSignal* stop = nullptr);
std::optional<uint64_t> decode_u64(const FrameHeader&, const std::vector<uint8_t>& body); // Exiting
// Events are appended to `out` as they are (lane 0 = the sender's lane).
bool decode_events(const FrameHeader&, const std::vector<uint8_t>& body, std::vector<Event>& out);

// True when the header is well formed (magic, a sane length).
bool header_ok(const FrameHeader& header) noexcept;
bool body_ok(const FrameHeader& header, const std::vector<uint8_t>& body,
             const StopSignal* stop = nullptr) noexcept;

// Blocking read of one whole frame (not yet verified: decoding does that). false on end of
// file, error or a malformed header.
// `on_header` (optional) runs once the header arrived, before the body is read: the transfer of
// the body starts there.
template <typename OnHeader>
bool read_frame(int fd, FrameHeader& header, std::vector<uint8_t>& body, OnHeader&& on_header);
bool read_frame(int fd, FrameHeader& header, std::vector<uint8_t>& body);
// The same for the parent's end of a worker's pipe: a stop ends it at once (fd_io.h).
template <typename OnHeader>
bool read_frame(int fd, FrameHeader& header, std::vector<uint8_t>& body, const StopSignal& stop,
                OnHeader&& on_header);

// Incremental parser for a non-blocking reader. Small reads go through feed(); while a large
// body is pending the reader can read straight into it (body_space/commit_body), so a 100 MB
// result is copied once from the pipe, not again through a staging buffer.
class FrameParser {
public:
    void feed(const uint8_t* data, size_t size);
    bool header_pending() const noexcept { return header_fill_ == sizeof(FrameHeader); }
    bool partial() const noexcept { return header_fill_ > 0; } // some bytes of the next frame are in
    bool corrupt() const noexcept { return corrupt_; }
    // Bytes of the current frame's body still to come (0 when no header is in).
    size_t body_remaining() const noexcept { return header_pending() ? header_.length - body_fill_ : 0; }
    // Room for the next min(size, body_remaining()) bytes of the body, to read into and then
    // commit_body(). The body's memory is touched only here, one window at a time.
    uint8_t* body_space(size_t size);
    void commit_body(size_t size);
    // The next complete frame, if any (body unverified). Sets `corrupt` on a malformed header.
    bool next(FrameHeader& header, std::vector<uint8_t>& body, bool& corrupt);

private:
    void complete_if_done();
    struct Ready {
        FrameHeader header;
        std::vector<uint8_t> body;
    };
    std::vector<Ready> ready_;
    size_t ready_pos_ = 0;
    FrameHeader header_{};
    size_t header_fill_ = 0;
    std::vector<uint8_t> body_;
    size_t body_fill_ = 0;
    bool corrupt_ = false;
};

} // namespace clab::proc

#include "wire_read.inl"
