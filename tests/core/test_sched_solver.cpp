// Be the scheduler: the solver on the shipped bytecode of CPython 3.11, 3.12 and 3.13.
#include "core/sched/solver.h"

#include <gtest/gtest.h>

using namespace clab::sched;

namespace {

struct Fixture {
    Bytecode bytecode;
    const Puzzle* puzzle = nullptr;
    std::unique_ptr<Machine> machine;
    Fixture(const std::string& id, int minor, Rule rule) {
        std::string error;
        EXPECT_TRUE(shipped_bytecode(minor, bytecode, error)) << error;
        puzzle = find_puzzle(id);
        EXPECT_NE(puzzle, nullptr) << id;
        machine = std::make_unique<Machine>(*puzzle, bytecode.programs.at(id), minor, rule);
        EXPECT_EQ(machine->error(), "");
    }
};

long long global(const Machine& m, const State& s, const std::string& name) {
    return s.globals[size_t(m.global_index(name))].a;
}

} // namespace

TEST(SchedSolver, CallFormLosesAnUpdateUnderTheGil) {
    for (const int minor : shipped_minors()) {
        Fixture f("call", minor, Rule::Gil);
        const SolveResult r = solve(*f.machine);
        ASSERT_EQ(r.outcome, SolveResult::Outcome::Found) << "3." << minor << " " << r.error;
        EXPECT_LT(global(*f.machine, r.final_state, "counter"), 4);
        // The schedule replays to the same end.
        State replayed;
        std::string error;
        ASSERT_TRUE(replay(*f.machine, r.schedule, replayed, error)) << error;
        EXPECT_EQ(replayed, r.final_state);
        EXPECT_TRUE(f.machine->goal_reached(replayed));
    }
}

TEST(SchedSolver, InplaceLosesNothingUnderTheGilOn311) {
    Fixture f("inplace", 11, Rule::Gil);
    const SolveResult r = solve(*f.machine);
    ASSERT_EQ(r.outcome, SolveResult::Outcome::Impossible) << r.error;
    EXPECT_GT(r.states, 10u);
    ASSERT_GE(r.explanation.size(), 2u);
    EXPECT_NE(r.explanation[0].find("with the GIL on 3.11"), std::string::npos);
    EXPECT_NE(r.explanation[2].find("no instruction between them checks the eval breaker"), std::string::npos)
        << r.explanation[2];
}

TEST(SchedSolver, InplaceLosesAnUpdateWhenAnyInstructionMaySwitch) {
    for (const int minor : shipped_minors()) {
        Fixture f("inplace", minor, Rule::Any);
        const SolveResult r = solve(*f.machine);
        ASSERT_EQ(r.outcome, SolveResult::Outcome::Found) << r.error;
        EXPECT_LT(global(*f.machine, r.final_state, "counter"), 4);
    }
}

TEST(SchedSolver, TheLockMakesTheCallFormExact) {
    for (const Rule rule : {Rule::Gil, Rule::Any}) {
        Fixture f("call-lock", 11, rule);
        const SolveResult r = solve(*f.machine);
        EXPECT_EQ(r.outcome, SolveResult::Outcome::Impossible) << r.error;
    }
}

TEST(SchedSolver, OppositeLockOrderDeadlocks) {
    for (const int minor : shipped_minors()) {
        Fixture f("opposite-order", minor, Rule::Gil);
        const SolveResult r = solve(*f.machine);
        ASSERT_EQ(r.outcome, SolveResult::Outcome::Found) << r.error;
        EXPECT_TRUE(f.machine->deadlocked(r.final_state));
        EXPECT_EQ(r.final_state.lock_owner[0], 0); // each holds its first lock
        EXPECT_EQ(r.final_state.lock_owner[1], 1);
    }
}

TEST(SchedSolver, FixedLockOrderCannotDeadlock) {
    for (const int minor : shipped_minors())
        for (const Rule rule : {Rule::Gil, Rule::Any}) {
            Fixture f("fixed-order", minor, rule);
            const SolveResult r = solve(*f.machine);
            ASSERT_EQ(r.outcome, SolveResult::Outcome::Impossible) << r.error;
            EXPECT_NE(r.explanation.back().find("lock_a then lock_b"), std::string::npos)
                << r.explanation.back();
        }
}

TEST(SchedSolver, AsyncCheckThenActLetsBothTasksPass) {
    for (const int minor : shipped_minors()) {
        Fixture f("async-check", minor, Rule::Await);
        const SolveResult r = solve(*f.machine);
        ASSERT_EQ(r.outcome, SolveResult::Outcome::Found) << "3." << minor << " " << r.error;
        // Run both to the end: the stock goes negative, which proves both acted.
        State s = r.final_state;
        std::string error;
        while (!f.machine->all_done(s)) {
            const auto c = f.machine->choices(s);
            ASSERT_FALSE(c.empty());
            ASSERT_TRUE(f.machine->step(s, c.front(), error)) << error;
        }
        EXPECT_EQ(global(*f.machine, s, "stock"), -1);
    }
}

TEST(SchedSolver, AsyncioLockMakesCheckThenActSafe) {
    for (const int minor : shipped_minors()) {
        Fixture f("async-check-lock", minor, Rule::Await);
        const SolveResult r = solve(*f.machine);
        EXPECT_EQ(r.outcome, SolveResult::Outcome::Impossible) << "3." << minor << " " << r.error;
    }
}

TEST(SchedSolver, BoundReachedIsSaidAsSuch) {
    Fixture f("inplace", 11, Rule::Gil);
    const SolveResult r = solve(*f.machine, 5);
    EXPECT_EQ(r.outcome, SolveResult::Outcome::BoundReached);
    EXPECT_NE(r.explanation.front().find("Bound reached"), std::string::npos);
}

TEST(SchedSolver, UnderTheGilOnlySwitchPointsLetAnotherThreadIn) {
    Fixture f("inplace", 11, Rule::Gil);
    State s = f.machine->initial();
    std::string error;
    // RESUME checks the eval breaker: thread 2 may start right after it.
    ASSERT_TRUE(f.machine->step(s, 0, error)) << error;
    EXPECT_TRUE(f.machine->allowed(s, 1));
    // Run thread 1 to its read of counter: nobody else may run until it writes it back.
    while (f.machine->next_instruction(s, 0)->opname != "LOAD_GLOBAL" ||
           f.machine->next_instruction(s, 0)->argval.as_string() != "counter")
        ASSERT_TRUE(f.machine->step(s, 0, error)) << error;
    ASSERT_TRUE(f.machine->step(s, 0, error));
    EXPECT_FALSE(f.machine->allowed(s, 1));
    EXPECT_FALSE(f.machine->step(s, 1, error));
}

TEST(SchedSolver, StepBackThenForwardReachesTheSameState) {
    Fixture f("call", 12, Rule::Gil);
    const SolveResult r = solve(*f.machine);
    ASSERT_EQ(r.outcome, SolveResult::Outcome::Found);
    // "Back" is a replay of the schedule without its last step; forward is that step again.
    std::vector<int> shorter(r.schedule.begin(), r.schedule.end() - 1);
    State back, forward;
    std::string error;
    ASSERT_TRUE(replay(*f.machine, shorter, back, error)) << error;
    EXPECT_NE(back, r.final_state);
    forward = back;
    ASSERT_TRUE(f.machine->step(forward, r.schedule.back(), error)) << error;
    EXPECT_EQ(forward, r.final_state);
}

TEST(SchedSolver, AnythingOutsideTheSubsetIsRejectedByName) {
    Bytecode b;
    std::string error;
    ASSERT_TRUE(shipped_bytecode(11, b, error));
    Program p = b.programs.at("inplace");
    for (Instruction& ins : p.functions[0].code)
        if (ins.opname == "BINARY_OP") ins.opname = "BINARY_SUBSCR";
    Machine m(*find_puzzle("inplace"), p, 11, Rule::Any);
    const SolveResult r = solve(m);
    EXPECT_EQ(r.outcome, SolveResult::Outcome::Error);
    EXPECT_NE(r.error.find("BINARY_SUBSCR"), std::string::npos) << r.error;
}
