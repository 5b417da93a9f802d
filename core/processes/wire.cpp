#include "wire.h"

#include <algorithm>

namespace clab::proc {

namespace {

constexpr uint64_t kMaxBody = uint64_t(1) << 33; // 8 GiB: anything bigger is a corrupt header
constexpr size_t kPiece = kStopPiece;
static_assert(kPiece % 32 == 0);

// Appends plain fields and byte blobs to a frame; finish() checksums the body and fills the header.
class BodyWriter {
public:
    BodyWriter(MsgType type, uint16_t sender, size_t body_hint = 64) {
        frame_.reserve(sizeof(FrameHeader) + body_hint);
        frame_.resize(sizeof(FrameHeader));
        header_.type = uint16_t(type);
        header_.sender = sender;
    }
    template <typename T> void pod(const T& value) {
        static_assert(std::is_trivially_copyable_v<T>);
        const size_t at = frame_.size();
        frame_.resize(at + sizeof(T));
        std::memcpy(frame_.data() + at, &value, sizeof(T));
    }
    // Appended in pieces (into the reserved room: no zeroing first), looking at `stop`
    // between them; false once it was requested.
    bool bytes(const uint8_t* data, size_t size, const StopSignal* stop = nullptr) {
        pod(uint64_t(size));
        for (size_t at = 0; at < size; at += kPiece) {
            if (stop && stop->requested()) return false;
            const size_t n = std::min(kPiece, size - at);
            frame_.insert(frame_.end(), data + at, data + at + n);
        }
        return true;
    }
    // The whole frame; empty when `stop` came during the checksum.
    Frame finish(const StopSignal* stop = nullptr) {
        const uint8_t* body = frame_.data() + sizeof(FrameHeader);
        header_.length = frame_.size() - sizeof(FrameHeader);
        const std::optional<uint64_t> checksum = checksum_bytes(body, header_.length, stop);
        if (!checksum) return {};
        header_.checksum = *checksum;
        std::memcpy(frame_.data(), &header_, sizeof header_);
        return std::move(frame_);
    }

private:
    Frame frame_;
    FrameHeader header_;
};

// Reads fields back in the same order; any overrun marks the body malformed.
class BodyReader {
public:
    explicit BodyReader(const std::vector<uint8_t>& body)
        : body_(body) {}
    template <typename T> bool pod(T& value) {
        if (!ok_ || body_.size() - pos_ < sizeof(T)) return ok_ = false;
        std::memcpy(&value, body_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return true;
    }
    // Copied out in pieces (into reserved room: no zeroing first), looking at `stop` between
    // them; false once it was requested.
    bool bytes(Bytes& out, const StopSignal* stop = nullptr) {
        uint64_t size = 0;
        if (!pod(size) || body_.size() - pos_ < size) return ok_ = false;
        out.clear();
        out.reserve(size);
        const uint8_t* from = body_.data() + pos_;
        for (size_t at = 0; at < size; at += kPiece) {
            if (stop && stop->requested()) return ok_ = false;
            const size_t n = std::min<size_t>(kPiece, size - at);
            out.insert(out.end(), from + at, from + at + n);
        }
        pos_ += size;
        return true;
    }
    bool ok() const { return ok_; }

private:
    const std::vector<uint8_t>& body_;
    size_t pos_ = 0;
    bool ok_ = true;
};

} // namespace

std::optional<uint64_t> checksum_bytes(const uint8_t* data, size_t size, const StopSignal* stop) noexcept {
    constexpr uint64_t kPrime = 0x100000001B3ULL;
    uint64_t h[4] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL, 0x9ce484222325cbf2ULL,
                     0x2325cbf29ce48422ULL};
    const size_t blocks_end = size - size % 32;
    for (size_t piece = 0; piece < blocks_end; piece += kPiece) {
        if (stop && stop->requested()) return std::nullopt;
        const size_t end = std::min(blocks_end, piece + kPiece);
        for (size_t i = piece; i < end; i += 32) {
            uint64_t w[4];
            std::memcpy(w, data + i, 32);
            for (int k = 0; k < 4; ++k)
                h[k] = (h[k] ^ w[k]) * kPrime;
        }
    }
    uint64_t tail = 0;
    for (size_t i = blocks_end; i < size; ++i)
        tail = (tail ^ data[i]) * kPrime;
    return (h[0] ^ (h[1] << 1) ^ (h[2] << 2) ^ (h[3] << 3) ^ tail) + size;
}

uint64_t checksum_bytes(const uint8_t* data, size_t size) noexcept {
    return *checksum_bytes(data, size, nullptr);
}

bool header_ok(const FrameHeader& header) noexcept {
    return header.magic == FrameHeader::kMagic && header.length <= kMaxBody;
}

bool body_ok(const FrameHeader& header, const std::vector<uint8_t>& body, const StopSignal* stop) noexcept {
    if (body.size() != header.length) return false;
    const std::optional<uint64_t> checksum = checksum_bytes(body.data(), body.size(), stop);
    return checksum && *checksum == header.checksum;
}

Frame encode_prepare(const Preparation& p) {
    BodyWriter w(MsgType::Prepare, 0);
    w.pod(p);
    return w.finish();
}

Frame encode_call(const CallItem& item, const StopSignal* stop) {
    const size_t payload = item.payload ? item.payload->size() : 0;
    // The exact body size: a frame that outgrew its room would be copied whole into one twice as
    // big, at its last field (a 100 MB call item took 200 MB and a copy no stop could interrupt).
    const size_t body = sizeof item.work_id + sizeof item.params + sizeof(uint64_t) +
                        item.tasks.size() * (sizeof(uint64_t) + sizeof(uint64_t) + payload);
    BodyWriter w(MsgType::Call, 0, body);
    w.pod(item.work_id);
    w.pod(item.params);
    w.pod(uint64_t(item.tasks.size()));
    for (const uint64_t task : item.tasks) {
        w.pod(task);
        // Every task's argument is serialised on its own, as pickle would for a list of bytes.
        if (!w.bytes(item.payload ? item.payload->data() : nullptr, payload, stop)) return {};
    }
    return w.finish(stop);
}

Frame encode_stop() {
    return BodyWriter(MsgType::Stop, 0).finish();
}

Frame encode_events(uint16_t sender, const Event* events, size_t count) {
    BodyWriter w(MsgType::Events, sender, count * sizeof(Event) + 8);
    w.bytes(reinterpret_cast<const uint8_t*>(events), count * sizeof(Event));
    return w.finish();
}

Frame encode_result(uint16_t sender, const ResultItem& item) {
    size_t hint = sizeof item.work_id + sizeof(uint64_t); // exact, as in encode_call
    for (const auto& r : item.results)
        hint += sizeof r.task + sizeof r.value + sizeof(uint64_t) + (r.payload ? r.payload->size() : 0);
    BodyWriter w(MsgType::Result, sender, hint);
    w.pod(item.work_id);
    w.pod(uint64_t(item.results.size()));
    for (const auto& r : item.results) {
        w.pod(r.task);
        w.pod(r.value);
        w.bytes(r.payload ? r.payload->data() : nullptr, r.payload ? r.payload->size() : 0);
    }
    return w.finish();
}

Frame encode_exiting(uint16_t sender, int64_t pid) {
    BodyWriter w(MsgType::Exiting, sender);
    w.pod(uint64_t(pid));
    return w.finish();
}

std::optional<Preparation> decode_prepare(const FrameHeader& h, const std::vector<uint8_t>& body) {
    if (!body_ok(h, body)) return std::nullopt;
    BodyReader r(body);
    Preparation p;
    if (!r.pod(p)) return std::nullopt;
    return p;
}

std::optional<CallItem> decode_call(const FrameHeader& h, const std::vector<uint8_t>& body) {
    if (!body_ok(h, body)) return std::nullopt;
    BodyReader r(body);
    CallItem item;
    uint64_t count = 0;
    if (!r.pod(item.work_id) || !r.pod(item.params) || !r.pod(count) || count > body.size())
        return std::nullopt;
    item.tasks.reserve(count);
    Bytes bytes;
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t task = 0;
        if (!r.pod(task) || !r.bytes(bytes)) return std::nullopt;
        item.tasks.push_back(task);
        // One payload object per item is enough for the worker; the copy out of the frame is the
        // deserialising work and happened in bytes() for each task.
        if (!item.payload && !bytes.empty()) item.payload = std::make_shared<const Bytes>(std::move(bytes));
    }
    return item;
}

std::optional<ResultItem> decode_result(const FrameHeader& h, const std::vector<uint8_t>& body,
                                        const StopSignal* stop) {
    if (!body_ok(h, body, stop)) return std::nullopt;
    BodyReader r(body);
    ResultItem item;
    uint64_t count = 0;
    if (!r.pod(item.work_id) || !r.pod(count) || count > body.size()) return std::nullopt;
    item.results.resize(count);
    Bytes bytes;
    for (auto& result : item.results) {
        if (!r.pod(result.task) || !r.pod(result.value) || !r.bytes(bytes, stop)) return std::nullopt;
        if (!bytes.empty()) result.payload = std::make_shared<const Bytes>(std::move(bytes));
        bytes = {};
    }
    return item;
}

std::optional<uint64_t> decode_u64(const FrameHeader& h, const std::vector<uint8_t>& body) {
    if (!body_ok(h, body)) return std::nullopt;
    BodyReader r(body);
    uint64_t value = 0;
    if (!r.pod(value)) return std::nullopt;
    return value;
}

bool decode_events(const FrameHeader& h, const std::vector<uint8_t>& body, std::vector<Event>& out) {
    if (!body_ok(h, body) || body.size() < 8) return false;
    uint64_t bytes = 0;
    std::memcpy(&bytes, body.data(), 8);
    if (bytes != body.size() - 8 || bytes % sizeof(Event) != 0) return false;
    const size_t count = bytes / sizeof(Event);
    const size_t at = out.size();
    out.resize(at + count);
    std::memcpy(out.data() + at, body.data() + 8, bytes);
    return true;
}

void FrameParser::feed(const uint8_t* data, size_t size) {
    while (size > 0 && !corrupt_) {
        if (!header_pending()) {
            const size_t take = std::min(size, sizeof(FrameHeader) - header_fill_);
            std::memcpy(reinterpret_cast<uint8_t*>(&header_) + header_fill_, data, take);
            header_fill_ += take;
            data += take;
            size -= take;
            if (header_pending()) {
                if (!header_ok(header_)) {
                    corrupt_ = true;
                    return;
                }
                // Room is reserved, not zeroed: a 100 MB body's first touch happens piece by
                // piece as its bytes arrive (body_space), where the reader can look at a stop.
                body_.clear();
                body_.reserve(header_.length);
                body_fill_ = 0;
                complete_if_done();
            }
            continue;
        }
        const size_t take = std::min(size, body_remaining());
        std::memcpy(body_space(take), data, take);
        data += take;
        size -= take;
        commit_body(take);
    }
}

uint8_t* FrameParser::body_space(size_t size) {
    const size_t want = body_fill_ + std::min(size, body_remaining());
    if (body_.size() < want) body_.resize(want);
    return body_.data() + body_fill_;
}

void FrameParser::commit_body(size_t size) {
    body_fill_ += size;
    complete_if_done();
}

void FrameParser::complete_if_done() {
    if (!header_pending() || body_fill_ < header_.length) return;
    body_.resize(header_.length);
    ready_.push_back({header_, std::move(body_)});
    body_ = {};
    body_fill_ = 0;
    header_fill_ = 0;
}

bool FrameParser::next(FrameHeader& header, std::vector<uint8_t>& body, bool& corrupt) {
    corrupt = corrupt_;
    if (ready_pos_ == ready_.size()) {
        ready_.clear();
        ready_pos_ = 0;
        return false;
    }
    header = ready_[ready_pos_].header;
    body = std::move(ready_[ready_pos_].body);
    ++ready_pos_;
    return true;
}

} // namespace clab::proc
