// Where the program's tracer records and output arrive: a listening Unix socket with an abstract
// name (no file to clean up; only processes of our own user may connect), one connection per
// traced process, plus the program's stdout and stderr pipes. One reader thread polls them all.
#pragma once

#include "records.h"

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace clab::py {

struct CapturedOutput {
    std::string text;     // the first `cap` bytes
    uint64_t dropped = 0; // bytes after that
};

class TracerChannel {
public:
    using OnRecord = std::function<void(int stream, const Record&)>;
    // The program's output as it is read (stream 1 stdout, 2 stderr): only what is kept (the cap).
    using OnOutput = std::function<void(int stream, std::string_view bytes)>;

    TracerChannel() = default;
    ~TracerChannel(); // stops the reader, closes every descriptor
    TracerChannel(const TracerChannel&) = delete;
    TracerChannel& operator=(const TracerChannel&) = delete;

    bool open(std::string* error);
    const std::string& name() const { return name_; } // for $CLAB_TRACE_SOCKET
    // Starts reading: records go to `on_record` (on the reader thread); output is kept up to `cap`.
    void start(int out_fd, int err_fd, size_t cap, OnRecord on_record);
    // Before start(): also hand the kept output to `on_output` as it comes (on the reader thread).
    void set_output_sink(OnOutput on_output) { on_output_ = std::move(on_output); }
    // Waits until every stream has ended (the processes are gone) or `deadline_ns`, then stops.
    void finish(int64_t deadline_ns);
    CapturedOutput out() const;
    CapturedOutput err() const;
    uint64_t bytes() const { return bytes_.load(); }

private:
    void loop();

    std::string name_;
    int listen_fd_ = -1;
    int out_fd_ = -1, err_fd_ = -1;
    size_t cap_ = 0;
    OnRecord on_record_;
    OnOutput on_output_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int64_t> finish_by_{0}; // 0: run on; else stop once everything ended or at this time
    std::atomic<uint64_t> bytes_{0};
    mutable std::mutex mutex_;
    CapturedOutput out_, err_;
};

} // namespace clab::py
