// A run's program output as it comes (ProgramOutput, RunContext::output): the python engine hands
// each piece to the Runner while the program still runs, in order, and nothing is left behind.
#include "core/experiment/program_output.h"
#include "core/experiment/runner.h"
#include "core/python/interpreter.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <thread>
#include <unistd.h>

using namespace clab;

TEST(ProgramOutput, KeepsTheOrderAndJoinsWritesToOneStream) {
    ProgramOutput output;
    output.write(ProgramOutput::Stream::Out, "a");
    output.write(ProgramOutput::Stream::Out, "b");
    output.write(ProgramOutput::Stream::Err, "oops");
    output.write(ProgramOutput::Stream::Out, "");
    output.write(ProgramOutput::Stream::Out, "c");
    const auto chunks = output.drain();
    ASSERT_EQ(chunks.size(), 3u);
    EXPECT_EQ(chunks[0].stream, ProgramOutput::Stream::Out);
    EXPECT_EQ(chunks[0].bytes, "ab");
    EXPECT_EQ(chunks[1].stream, ProgramOutput::Stream::Err);
    EXPECT_EQ(chunks[1].bytes, "oops");
    EXPECT_EQ(chunks[2].bytes, "c");
    EXPECT_TRUE(output.drain().empty()); // drained once
}

TEST(ProgramOutput, ThePythonEngineSendsOutputWhileTheProgramRuns) {
    if (!py::find_interpreter("", nullptr)) GTEST_SKIP() << "no python3 here";
    char dir[] = "/tmp/clab-test-output-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string go = std::string(dir) + "/go";
    // It prints, then waits for a file the test writes only once it has seen that line.
    ExperimentSpec spec;
    spec.engine = EngineKind::Python;
    spec.timeout_s = 60;
    spec.source = "import os, sys, time\n"
                  "print('first')\n"
                  "print('warning', file=sys.stderr)\n"
                  "deadline = time.monotonic() + 30\n"
                  "while not os.path.exists('" +
                  go +
                  "') and time.monotonic() < deadline:\n"
                  "    time.sleep(0.01)\n"
                  "print('second')\n";
    Runner runner;
    ASSERT_TRUE(runner.start(spec)) << runner.error();
    std::string out, err;
    const auto collect = [&] {
        for (const ProgramOutput::Chunk& c : runner.output().drain())
            (c.stream == ProgramOutput::Stream::Out ? out : err) += c.bytes;
    };
    for (int i = 0; i < 2000 && (out.find("first") == std::string::npos || err.empty()); ++i) {
        collect();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(out, "first\n");
    EXPECT_EQ(err, "warning\n");
    EXPECT_TRUE(runner.running()); // seen before the program ended
    std::ofstream(go) << "go";
    const Summary& summary = runner.wait();
    collect();
    EXPECT_EQ(out, "first\nsecond\n");
    EXPECT_EQ(out, summary.program_stdout); // the live copy is the whole output
    EXPECT_EQ(err, summary.program_stderr);
    EXPECT_EQ(summary.exit_code, 0);
    unlink(go.c_str());
    rmdir(dir);
}
