// The tracer's wire format (core/python/tracer/clab_tracer/__init__.py writes it): a stream of
// records, each a 16-byte little-endian header <kind u16, payload length u16, native thread id u32,
// time.monotonic_ns() i64> and its payload. One stream per traced process (one socket connection).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clab::py {

enum class RecordKind : uint16_t {
    Hello = 1,        // <pid i32, ppid i32, main tid u32, flusher tid u32, version u32, switch ns u32,
                      //  gil u8, start method u8> name\0version\0executable
    ThreadStart = 2,  // name
    ThreadEnd = 3,    // name
    WaitBegin = 4,    // <object u64, object kind u8>
    WaitEnd = 5,      // <object u64>
    Object = 6,       // <object u64, object kind u8> description
    SpawnBegin = 7,   // parent side of Process.start: <method u8> name
    SpawnEnd = 8,     // <child pid i32>
    ProcRun = 9,      // child side: the process's target is about to run; name
    ProcExit = 10,    // <exit code i32> (-1000: unknown, at interpreter exit)
    TaskNew = 11,     // <task u64> name
    StepBegin = 12,   // <task u64>
    StepEnd = 13,     // <task u64, outcome u8>
    SelectBegin = 14, // <loop u64, timeout ns i64 (-1 block), ready u32, timers u32>
    SelectEnd = 15, // <loop u64, events u32, how long ago the earliest timer fell due ns i64 (<= 0: not due)>
    Note = 16,      // text
    LoopNew = 17,   // <loop u64>
    BlockBegin = 18, // a blocking call of the standard library: <what u8 (BlockKind), timeout ns i64>
    BlockEnd = 19,   // <what u8, 0 i64>
};

// What a BlockBegin waits for.
enum class BlockKind : uint8_t { Sleep = 0 };

// How a traced process came to be (Hello's start method).
enum class Origin : uint8_t { Main = 0, Fork = 1, Spawn = 2, Forkserver = 3, OsFork = 4, Helper = 5 };
const char* origin_name(Origin origin) noexcept;

struct Record {
    RecordKind kind{};
    uint32_t tid = 0;
    int64_t t_ns = 0;
    std::string_view payload;

    // Little-endian fields of the payload at byte `at`; 0 when the payload is too short.
    uint64_t u64(size_t at) const noexcept;
    int64_t i64(size_t at) const noexcept { return int64_t(u64(at)); }
    uint32_t u32(size_t at) const noexcept;
    int32_t i32(size_t at) const noexcept { return int32_t(u32(at)); }
    uint8_t u8(size_t at) const noexcept;
    // The text after the fixed fields (from byte `at`).
    std::string_view text(size_t at) const noexcept;
};

// Reassembles records from the bytes of one stream, whatever the chunking.
class RecordStream {
public:
    void append(const char* data, size_t size) { buffer_.append(data, size); }
    // The next complete record, or false. The payload stays valid until the next append/next call.
    bool next(Record& out);
    size_t pending_bytes() const { return buffer_.size() - read_; }

private:
    std::string buffer_;
    size_t read_ = 0;
};

// Hello's fields.
struct Hello {
    int32_t pid = 0, ppid = 0;
    uint32_t main_tid = 0, flusher_tid = 0;
    std::string version; // "3.11.7"
    std::string executable;
    std::string name;
    double switch_interval_s = 0;
    bool gil = true;
    Origin origin = Origin::Main;
};
Hello parse_hello(const Record& record);

} // namespace clab::py
