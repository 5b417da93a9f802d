#include "wire.h"

#include <algorithm>

namespace clab::proc {

namespace {

constexpr uint64_t kMaxBody = uint64_t(1) << 33; // 8 GiB: anything bigger is a corrupt header

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
    // Appended in 1 MiB pieces (into the reserved room: no zeroing first), looking at `stop`
    // between them; false once it was requested.
    bool bytes(const uint8_t* data, size_t size, const StopSignal* stop = nullptr) {
        pod(uint64_t(size));
        constexpr size_t kPiece = 1 << 20;
        for (size_t at = 0; at < size; at += kPiece) {
            if (stop && stop->requested()) return false;
            const size_t n = std::min(kPiece, size - at);
            frame_.insert(frame_.end(), data + at, data + at + n);
        }
        return true;
    }
    Frame finish() {
        const uint8_t* body = frame_.data() + sizeof(FrameHeader);
        header_.length = frame_.size() - sizeof(FrameHeader);
        header_.checksum = checksum_bytes(body, header_.length);
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
    bool bytes(std::vector<uint8_t>& out) {
        uint64_t size = 0;
        if (!pod(size) || body_.size() - pos_ < size) return ok_ = false;
        out.assign(body_.begin() + std::ptrdiff_t(pos_), body_.begin() + std::ptrdiff_t(pos_ + size));
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

uint64_t checksum_bytes(const uint8_t* data, size_t size) noexcept {
    constexpr uint64_t kPrime = 0x100000001B3ULL;
    uint64_t h[4] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL, 0x9ce484222325cbf2ULL,
                     0x2325cbf29ce48422ULL};
    size_t i = 0;
    for (; i + 32 <= size; i += 32) {
        uint64_t w[4];
        std::memcpy(w, data + i, 32);
        for (int k = 0; k < 4; ++k)
            h[k] = (h[k] ^ w[k]) * kPrime;
    }
    uint64_t tail = 0;
    for (; i < size; ++i)
        tail = (tail ^ data[i]) * kPrime;
    return (h[0] ^ (h[1] << 1) ^ (h[2] << 2) ^ (h[3] << 3) ^ tail) + size;
}

bool header_ok(const FrameHeader& header) noexcept {
    return header.magic == FrameHeader::kMagic && header.length <= kMaxBody;
}

bool body_ok(const FrameHeader& header, const std::vector<uint8_t>& body) noexcept {
    return body.size() == header.length && checksum_bytes(body.data(), body.size()) == header.checksum;
}

Frame encode_prepare(const Preparation& p) {
    BodyWriter w(MsgType::Prepare, 0);
    w.pod(p);
    return w.finish();
}

Frame encode_call(const CallItem& item, const StopSignal* stop) {
    const size_t payload = item.payload ? item.payload->size() : 0;
    BodyWriter w(MsgType::Call, 0, 64 + item.tasks.size() * (16 + payload));
    w.pod(item.work_id);
    w.pod(item.params);
    w.pod(uint64_t(item.tasks.size()));
    for (const uint64_t task : item.tasks) {
        w.pod(task);
        // Every task's argument is serialised on its own, as pickle would for a list of bytes.
        if (!w.bytes(item.payload ? item.payload->data() : nullptr, payload, stop)) return {};
    }
    return w.finish();
}

Frame encode_stop() {
    return BodyWriter(MsgType::Stop, 0).finish();
}

Frame encode_events(uint16_t sender, const Event* events, size_t count) {
    BodyWriter w(MsgType::Events, sender, count * sizeof(Event) + 8);
    w.bytes(reinterpret_cast<const uint8_t*>(events), count * sizeof(Event));
    return w.finish();
}

Frame encode_took(uint16_t sender, uint64_t work_id) {
    BodyWriter w(MsgType::Took, sender);
    w.pod(work_id);
    return w.finish();
}

Frame encode_result(uint16_t sender, const ResultItem& item) {
    size_t hint = 16;
    for (const auto& r : item.results)
        hint += 24 + (r.payload ? r.payload->size() : 0);
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
    std::vector<uint8_t> bytes;
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t task = 0;
        if (!r.pod(task) || !r.bytes(bytes)) return std::nullopt;
        item.tasks.push_back(task);
        // One payload object per item is enough for the worker; the copy out of the frame is the
        // deserialising work and happened in bytes() for each task.
        if (!item.payload && !bytes.empty())
            item.payload = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
    }
    return item;
}

std::optional<ResultItem> decode_result(const FrameHeader& h, const std::vector<uint8_t>& body) {
    if (!body_ok(h, body)) return std::nullopt;
    BodyReader r(body);
    ResultItem item;
    uint64_t count = 0;
    if (!r.pod(item.work_id) || !r.pod(count) || count > body.size()) return std::nullopt;
    item.results.resize(count);
    std::vector<uint8_t> bytes;
    for (auto& result : item.results) {
        if (!r.pod(result.task) || !r.pod(result.value) || !r.bytes(bytes)) return std::nullopt;
        if (!bytes.empty()) result.payload = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
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
                body_.resize(header_.length);
                body_fill_ = 0;
                complete_if_done();
            }
            continue;
        }
        const size_t take = std::min(size, body_remaining());
        std::memcpy(body_space(), data, take);
        data += take;
        size -= take;
        commit_body(take);
    }
}

void FrameParser::commit_body(size_t size) {
    body_fill_ += size;
    complete_if_done();
}

void FrameParser::complete_if_done() {
    if (!header_pending() || body_fill_ < body_.size()) return;
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
