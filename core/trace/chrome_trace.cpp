#include "chrome_trace.h"

#include "segments.h"

#include <cstdio>
#include <fstream>

namespace clab {

namespace {

void append_escaped(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    out += '"';
}

void append_us(std::string& out, int64_t ns) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.3f", double(ns) / 1000.0);
    out += buf;
}

// Point events worth a mark of their own (state changes are already the segments).
bool is_instant(EventKind kind) {
    switch (kind) {
    case EventKind::GilDropRequest:
    case EventKind::GilRelease:
    case EventKind::CpuMigrated:
    case EventKind::DeadlockDetected:
    case EventKind::LockRelease:
    case EventKind::CounterResult:
    case EventKind::TaskBegin:
    case EventKind::TaskEnd:
    case EventKind::SentinelFired:
    case EventKind::PoolBroken:
    case EventKind::TimerFire:
    case EventKind::SlowCallback:
    case EventKind::ExecutorSubmit:
    case EventKind::ExecutorDone:
    case EventKind::Marker:
    case EventKind::WorkerCrashed:
    case EventKind::GcBegin: // arg: generation | objects scanned << 8 (the segment shows its time)
    case EventKind::GcEnd:   // arg: generation | its CPU in ns << 8 (side_by_side.py's "CPU in the GC")
        return true;
    default:
        return false;
    }
}

class Writer {
public:
    explicit Writer(std::string& out)
        : out_(out) {}
    // Starts the next element of traceEvents.
    std::string& next() {
        out_ += first_ ? "\n" : ",\n";
        first_ = false;
        return out_;
    }

private:
    std::string& out_;
    bool first_ = true;
};

void metadata(Writer& w, const char* what, int pid, int64_t tid, std::string_view name, int sort_index) {
    std::string& o = w.next();
    o += "{\"ph\":\"M\",\"name\":\"";
    o += what;
    o += "\",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid) + ",\"args\":{\"name\":";
    append_escaped(o, name);
    o += "}}";
    std::string& s = w.next();
    s += std::string("{\"ph\":\"M\",\"name\":\"") +
         (what[0] == 'p' ? "process_sort_index" : "thread_sort_index") + "\",\"pid\":" + std::to_string(pid) +
         ",\"tid\":" + std::to_string(tid) + ",\"args\":{\"sort_index\":" + std::to_string(sort_index) + "}}";
}

void complete(Writer& w, int pid, uint32_t tid, const char* name, int64_t start, int64_t end, int64_t origin,
              std::string_view who) {
    std::string& o = w.next();
    o += "{\"ph\":\"X\",\"cat\":\"state\",\"name\":";
    append_escaped(o, name);
    o += ",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid) + ",\"ts\":";
    append_us(o, start - origin);
    o += ",\"dur\":";
    append_us(o, end - start);
    if (!who.empty()) {
        o += ",\"args\":{\"who\":";
        append_escaped(o, who);
        o += '}';
    }
    o += '}';
}

} // namespace

std::string to_chrome_trace_json(const Trace& trace) {
    const int64_t origin = trace.origin_ns;
    const SegmentSet segments = build_segments(trace, trace.end_ns());
    std::string out;
    out.reserve(128 * (trace.events.size() + 16));
    out += "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":\"concurrency-lab\"},\"traceEvents\":[";
    Writer w(out);

    metadata(w, "process_name", 1, 0, "Concurrency Lab run", 1);
    metadata(w, "process_name", 2, 0, "CPU cores", 2);
    auto lane_name = [&](uint32_t id) -> std::string_view {
        const LaneInfo* lane = trace.lane(id);
        return lane ? std::string_view(lane->name) : std::string_view();
    };
    for (const LaneInfo& lane : trace.lanes) {
        if (lane.kind == LaneKind::Core)
            continue; // utilisation counters live under pid 1, occupancy under pid 2
        metadata(w, "thread_name", 1, lane.id, lane.name, int(lane.id));
    }
    for (uint32_t cpu = 0; cpu < segments.by_core.size(); ++cpu)
        metadata(w, "thread_name", 2, cpu, "core " + std::to_string(cpu), int(cpu));

    for (uint32_t lane = 0; lane < segments.by_lane.size(); ++lane)
        for (const Segment& seg : segments.by_lane[lane])
            complete(w, 1, lane, seg_state_name(seg.state), seg.start_ns, seg.end_ns, origin, {});
    for (uint32_t cpu = 0; cpu < segments.by_core.size(); ++cpu)
        for (const Segment& seg : segments.by_core[cpu])
            complete(w, 2, cpu, seg_state_name(seg.state), seg.start_ns, seg.end_ns, origin,
                     lane_name(seg.who));

    for (const Event& e : trace.events) {
        if (e.kind == EventKind::CoreUtilisation) {
            std::string& o = w.next();
            o += "{\"ph\":\"C\",\"name\":";
            append_escaped(o, lane_name(e.lane));
            o += ",\"pid\":1,\"tid\":" + std::to_string(e.lane) + ",\"ts\":";
            append_us(o, e.t_ns - origin);
            char buf[48];
            snprintf(buf, sizeof buf, ",\"args\":{\"busy_percent\":%.1f}}", double(e.arg) / 10.0);
            o += buf;
            continue;
        }
        if (!is_instant(e.kind)) continue;
        std::string& o = w.next();
        o += "{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"event\",\"name\":";
        append_escaped(o, kind_name(e.kind));
        o += ",\"pid\":1,\"tid\":" + std::to_string(e.lane) + ",\"ts\":";
        append_us(o, e.t_ns - origin);
        o += ",\"args\":{\"cpu\":" + std::to_string(e.cpu) + ",\"arg\":" + std::to_string(e.arg) + "}}";
    }
    out += "\n]}\n";
    return out;
}

bool write_chrome_trace(const Trace& trace, const std::string& path, std::string* error) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) {
        if (error) *error = "cannot open " + path + " for writing";
        return false;
    }
    const std::string json = to_chrome_trace_json(trace);
    file.write(json.data(), std::streamsize(json.size()));
    file.close();
    if (!file) {
        if (error) *error = "cannot write " + path;
        return false;
    }
    return true;
}

} // namespace clab
