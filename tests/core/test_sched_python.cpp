// Be the scheduler against reality: the student's python3 dumps the bytecode (cached), and the same
// functions, run for real in four threads, agree with what the solver says is possible. Skipped
// when python3 is missing.
#include "core/sched/solver.h"

#include <cstdio>
#include <cstdlib>
#include <gtest/gtest.h>
#include <string>

using namespace clab::sched;

namespace {

bool have_python() {
    return std::system("python3 -c pass >/dev/null 2>&1") == 0;
}

// Runs the puzzle's source with four threads calling add_many(1_000_000); returns the lost updates.
long long real_lost_updates(const Puzzle& p) {
    const std::string script =
        p.source + "\nimport threading\n"
                   "threads = [threading.Thread(target=add_many, args=(1_000_000,)) for _ in range(4)]\n"
                   "for t in threads: t.start()\n"
                   "for t in threads: t.join()\n"
                   "print(4_000_000 - counter)\n";
    const std::string path = testing::TempDir() + "sched_real.py";
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) return -1;
    std::fputs(script.c_str(), f);
    std::fclose(f);
    FILE* pipe = popen(("python3 " + path).c_str(), "r");
    long long lost = -1;
    if (pipe) {
        if (std::fscanf(pipe, "%lld", &lost) != 1) lost = -1;
        pclose(pipe);
    }
    std::remove(path.c_str());
    return lost;
}

} // namespace

TEST(SchedPython, Python3DumpsTheBytecodeTheSolverUses) {
    if (!have_python()) GTEST_SKIP() << "python3 not found";
    Bytecode b;
    std::string error;
    ASSERT_TRUE(python_bytecode("python3", b, error)) << error;
    ASSERT_GE(b.minor, 11);
    EXPECT_FALSE(b.programs.at("call").functions.empty());
    // A second load comes from the cache and is the same.
    Bytecode again;
    ASSERT_TRUE(python_bytecode("python3", again, error)) << error;
    EXPECT_NE(again.origin.find("cached"), std::string::npos) << again.origin;
    EXPECT_EQ(again.programs.at("call").functions.size(), b.programs.at("call").functions.size());
}

TEST(SchedPython, MissingPythonFallsBackToShippedBytecode) {
    const Bytecode b = load_bytecode("/nonexistent/python3", 12);
    EXPECT_EQ(b.minor, 12);
    EXPECT_NE(b.origin.find("shipped"), std::string::npos);
    EXPECT_NE(b.origin.find("not found"), std::string::npos) << b.origin;
}

TEST(SchedPython, RealThreadsAgreeWithTheSolver) {
    if (!have_python()) GTEST_SKIP() << "python3 not found";
    Bytecode b;
    std::string error;
    ASSERT_TRUE(python_bytecode("python3", b, error)) << error;
    for (const char* id : {"call", "inplace"}) {
        const Puzzle& p = *find_puzzle(id);
        Machine m(p, b.programs.at(id), b.minor, Rule::Gil);
        const SolveResult r = solve(m);
        const long long lost = real_lost_updates(p);
        std::printf("python %s, %s: solver says %s; 4 real threads x 1,000,000 lost %lld updates\n",
                    b.python.c_str(), id, outcome_name(r.outcome), lost);
        ASSERT_GE(lost, 0);
        if (r.outcome == SolveResult::Outcome::Found)
            EXPECT_GT(lost, 0) << id << ": the solver finds a lost update, real threads should lose some";
        else
            EXPECT_EQ(lost, 0) << id << ": the solver proves none can be lost";
    }
}
