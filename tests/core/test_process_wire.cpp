// The pipe protocol: frames round-trip, corruption is detected, and the incremental parser finds
// frames however the bytes are split across reads.
#include "core/processes/wire.h"

#include <gtest/gtest.h>

using namespace clab;
using namespace clab::proc;

namespace {

std::pair<FrameHeader, std::vector<uint8_t>> split(const Frame& frame) {
    FrameHeader header;
    std::memcpy(&header, frame.data(), sizeof header);
    return {header, std::vector<uint8_t>(frame.begin() + sizeof header, frame.end())};
}

CallItem sample_call(size_t payload_bytes) {
    CallItem item;
    item.work_id = 42;
    item.params.workload = WorkloadKind::Payload;
    item.params.iterations = 7;
    item.tasks = {3, 4, 5};
    auto bytes = std::make_shared<Bytes>(payload_bytes);
    for (size_t i = 0; i < bytes->size(); ++i)
        (*bytes)[i] = uint8_t(i * 31 + 7);
    item.payload = bytes;
    return item;
}

} // namespace

TEST(ProcessWire, ACallItemRoundTripsWithEveryByte) {
    const CallItem item = sample_call(100'000);
    const Frame frame = encode_call(item);
    EXPECT_GT(frame.size(), 3 * 100'000u) << "each task's argument is serialised";
    auto [header, body] = split(frame);
    ASSERT_TRUE(header_ok(header));
    EXPECT_EQ(MsgType(header.type), MsgType::Call);
    const auto decoded = decode_call(header, body);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->work_id, 42u);
    EXPECT_EQ(decoded->tasks, item.tasks);
    EXPECT_EQ(decoded->params.iterations, 7);
    ASSERT_TRUE(decoded->payload);
    EXPECT_EQ(*decoded->payload, *item.payload);
}

// A spawned or forkserver child learns CPython's start-up and exit CPU from its preparation only.
TEST(ProcessWire, APreparationRoundTripsWithTheInterpretersCosts) {
    Preparation prep;
    prep.worker_index = 5;
    prep.method = StartMethod::Forkserver;
    prep.cpus = 1;
    prep.pool = 1;
    prep.startup_cpu_ns = 43'812'345;
    prep.shutdown_cpu_ns = 2'987'654;
    auto [header, body] = split(encode_prepare(prep));
    ASSERT_TRUE(header_ok(header));
    EXPECT_EQ(MsgType(header.type), MsgType::Prepare);
    const auto decoded = decode_prepare(header, body);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->worker_index, 5u);
    EXPECT_EQ(decoded->method, StartMethod::Forkserver);
    EXPECT_EQ(decoded->cpus, 1);
    EXPECT_EQ(decoded->pool, 1);
    EXPECT_EQ(decoded->startup_cpu_ns, 43'812'345);
    EXPECT_EQ(decoded->shutdown_cpu_ns, 2'987'654);
    body[body.size() - 1] ^= 0x01;
    EXPECT_FALSE(decode_prepare(header, body)) << "a changed byte is caught";
}

TEST(ProcessWire, AFlippedBitIsCaught) {
    const Frame frame = encode_call(sample_call(4096));
    auto [header, body] = split(frame);
    body[body.size() / 2] ^= 0x10;
    EXPECT_FALSE(decode_call(header, body));
    FrameHeader bad = header;
    bad.magic = 0;
    EXPECT_FALSE(header_ok(bad));
}

TEST(ProcessWire, ResultsAndEventsRoundTrip) {
    ResultItem result;
    result.work_id = 9;
    result.results.resize(2);
    result.results[0].task = 1;
    result.results[0].value = 111;
    result.results[1].task = 2;
    result.results[1].value = 222;
    result.results[1].payload = std::make_shared<const Bytes>(Bytes{1, 2, 3});
    auto [rh, rb] = split(encode_result(5, result));
    EXPECT_EQ(rh.sender, 5);
    const auto back = decode_result(rh, rb);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->results.size(), 2u);
    EXPECT_EQ(back->results[0].value, 111u);
    EXPECT_FALSE(back->results[0].payload);
    ASSERT_TRUE(back->results[1].payload);
    EXPECT_EQ(*back->results[1].payload, (Bytes{1, 2, 3}));

    std::vector<Event> events(3);
    for (size_t i = 0; i < events.size(); ++i) {
        events[i].t_ns = int64_t(1000 + i);
        events[i].kind = EventKind::TaskBegin;
        events[i].arg = i;
    }
    auto [eh, eb] = split(encode_events(1, events.data(), events.size()));
    std::vector<Event> out;
    ASSERT_TRUE(decode_events(eh, eb, out));
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].t_ns, 1002);
    EXPECT_EQ(out[2].arg, 2u);
}

TEST(ProcessWire, TheParserFindsFramesHoweverTheBytesAreSplit) {
    std::vector<uint8_t> stream;
    std::vector<Frame> frames = {encode_exiting(1, 77), encode_call(sample_call(70'000)), encode_stop(),
                                 encode_exiting(2, 1234)};
    for (const auto& f : frames)
        stream.insert(stream.end(), f.begin(), f.end());
    for (const size_t step : {size_t(1), size_t(7), size_t(4096), stream.size()}) {
        FrameParser parser;
        std::vector<std::pair<FrameHeader, std::vector<uint8_t>>> got;
        for (size_t at = 0; at < stream.size(); at += step) {
            const size_t n = std::min(step, stream.size() - at);
            // Large bodies may also be read straight into the parser's buffer.
            if (parser.body_remaining() >= n && step > 1) {
                std::memcpy(parser.body_space(n), stream.data() + at, n);
                parser.commit_body(n);
            } else {
                parser.feed(stream.data() + at, n);
            }
            FrameHeader h;
            std::vector<uint8_t> b;
            bool corrupt = false;
            while (parser.next(h, b, corrupt))
                got.emplace_back(h, std::move(b));
            ASSERT_FALSE(corrupt);
        }
        ASSERT_EQ(got.size(), frames.size()) << "step " << step;
        EXPECT_EQ(decode_u64(got[0].first, got[0].second), 77u);
        EXPECT_TRUE(decode_call(got[1].first, got[1].second));
        EXPECT_EQ(MsgType(got[2].first.type), MsgType::Stop);
        EXPECT_EQ(decode_u64(got[3].first, got[3].second), 1234u);
        EXPECT_FALSE(parser.partial());
    }
}

TEST(ProcessWire, GarbageMarksTheStreamCorrupt) {
    FrameParser parser;
    const std::vector<uint8_t> junk(64, 0xAB);
    parser.feed(junk.data(), junk.size());
    EXPECT_TRUE(parser.corrupt());
}

// A frame is made in the room reserved for it at the start: had it outgrown that room, its last
// field would copy the whole frame into one twice as big (a 100 MB call item then took 200 MB, and
// a stop waited ~150 ms for a copy it could not interrupt).
TEST(ProcessWire, FramesAreBuiltInExactlyTheRoomReservedForThem) {
    for (const size_t bytes : {size_t(0), size_t(1), size_t(100'000)}) {
        const Frame call = encode_call(sample_call(bytes));
        EXPECT_EQ(call.capacity(), call.size()) << "call item with " << bytes << " bytes per task";
        ResultItem result;
        result.work_id = 9;
        for (uint64_t task : {1u, 2u})
            result.results.push_back({task, task * 10, sample_call(bytes).payload});
        const Frame answer = encode_result(3, result);
        EXPECT_EQ(answer.capacity(), answer.size()) << "result with " << bytes << " bytes per task";
    }
}
