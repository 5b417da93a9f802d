#include "records.h"

#include <cstring>

namespace clab::py {

namespace {
constexpr size_t kHeader = 16;
}

const char* origin_name(Origin origin) noexcept {
    switch (origin) {
    case Origin::Main:
        return "main";
    case Origin::Fork:
        return "fork";
    case Origin::Spawn:
        return "spawn";
    case Origin::Forkserver:
        return "forkserver";
    case Origin::OsFork:
        return "os.fork";
    case Origin::Helper:
        return "helper";
    }
    return "?";
}

uint64_t Record::u64(size_t at) const noexcept {
    if (at + 8 > payload.size()) return 0;
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | uint8_t(payload[at + size_t(i)]);
    return v;
}

uint32_t Record::u32(size_t at) const noexcept {
    if (at + 4 > payload.size()) return 0;
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | uint8_t(payload[at + size_t(i)]);
    return v;
}

uint8_t Record::u8(size_t at) const noexcept {
    return at < payload.size() ? uint8_t(payload[at]) : 0;
}

std::string_view Record::text(size_t at) const noexcept {
    return at < payload.size() ? payload.substr(at) : std::string_view();
}

bool RecordStream::next(Record& out) {
    // Drop what earlier calls consumed once it is worth the copy.
    if (read_ > 0 && read_ >= buffer_.size() / 2) {
        buffer_.erase(0, read_);
        read_ = 0;
    }
    if (buffer_.size() - read_ < kHeader) return false;
    const auto* h = reinterpret_cast<const unsigned char*>(buffer_.data() + read_);
    const size_t length = size_t(h[2]) | size_t(h[3]) << 8;
    if (buffer_.size() - read_ < kHeader + length) return false;
    Record r;
    r.kind = RecordKind(uint16_t(h[0]) | uint16_t(h[1]) << 8);
    r.tid = uint32_t(h[4]) | uint32_t(h[5]) << 8 | uint32_t(h[6]) << 16 | uint32_t(h[7]) << 24;
    uint64_t t = 0;
    for (int i = 7; i >= 0; --i)
        t = (t << 8) | h[8 + i];
    r.t_ns = int64_t(t);
    r.payload = std::string_view(buffer_.data() + read_ + kHeader, length);
    read_ += kHeader + length;
    out = r;
    return true;
}

Hello parse_hello(const Record& r) {
    Hello h;
    h.pid = r.i32(0);
    h.ppid = r.i32(4);
    h.main_tid = r.u32(8);
    h.flusher_tid = r.u32(12);
    const uint32_t v = r.u32(16);
    h.version =
        std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xFF) + "." + std::to_string(v & 0xFF);
    h.switch_interval_s = double(r.u32(20)) * 1e-9;
    h.gil = r.u8(24) != 0;
    h.origin = Origin(r.u8(25));
    const std::string_view rest = r.text(26);
    const size_t a = rest.find('\0');
    h.name = std::string(rest.substr(0, a));
    if (a != std::string_view::npos) {
        const size_t b = rest.find('\0', a + 1);
        if (b != std::string_view::npos) h.executable = std::string(rest.substr(b + 1));
    }
    return h;
}

} // namespace clab::py
