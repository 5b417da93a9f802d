// Template part of wire.h: the blocking frame reader.
#pragma once

#include "fd_io.h"

#include <algorithm>

namespace clab::proc {

template <typename OnHeader>
bool read_frame(int fd, FrameHeader& header, std::vector<uint8_t>& body, OnHeader&& on_header) {
    if (!read_all(fd, &header, sizeof header) || !header_ok(header)) return false;
    on_header(header);
    body.resize(header.length);
    if (header.length > 0 && !read_all(fd, body.data(), body.size())) return false;
    return true;
}

// The same, ended at once by `stop` (see read_all with a StopSignal).
template <typename OnHeader>
bool read_frame(int fd, FrameHeader& header, std::vector<uint8_t>& body, const StopSignal& stop,
                OnHeader&& on_header) {
    if (!read_all(fd, &header, sizeof header, stop) || !header_ok(header)) return false;
    on_header(header);
    // Reserved, then filled a piece at a time: zeroing a fresh 100 MB buffer in one go (its first
    // touch, slow on a sandboxed machine) would not look at the stop.
    body.clear();
    body.reserve(header.length);
    constexpr size_t kWindow = kStopPiece;
    while (body.size() < header.length) {
        const size_t at = body.size();
        body.resize(at + std::min<size_t>(kWindow, header.length - at));
        if (!read_all(fd, body.data() + at, body.size() - at, stop)) return false;
    }
    return true;
}

inline bool read_frame(int fd, FrameHeader& header, std::vector<uint8_t>& body) {
    return read_frame(fd, header, body, [](const FrameHeader&) {});
}

} // namespace clab::proc
