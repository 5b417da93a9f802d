// Breadth-first search over schedules: every reachable state of a puzzle under a switch rule,
// each visited once (states are hashed), so the first state that reaches the goal gives a
// shortest schedule, and an exhausted search is a proof that no schedule reaches it.
#pragma once

#include "machine.h"

#include <string>
#include <vector>

namespace clab::sched {

struct SolveResult {
    enum class Outcome { Found, Impossible, BoundReached, Error };
    Outcome outcome = Outcome::Error;
    std::vector<int> schedule; // worker index per instruction, from the initial state (Found)
    size_t states = 0;         // distinct states visited
    size_t transitions = 0;
    std::string error;
    std::vector<std::string> explanation; // sentences, for the window and the CLI
    State final_state;                    // Found: the goal state
};

const char* outcome_name(SolveResult::Outcome o); // "found", "impossible", "bound-reached", "error"

// Explores at most `max_states` states.
SolveResult solve(const Machine& machine, size_t max_states = 2'000'000);

// Replays `schedule` from the initial state. False (and `error`, naming the step) when a step is
// not allowed or fails.
bool replay(const Machine& machine, const std::vector<int>& schedule, State& out, std::string& error);

// Describes a schedule in runs: "thread 1 runs 9 instructions, up to CALL 0 (line 12); ...".
std::vector<std::string> describe_schedule(const Machine& machine, const std::vector<int>& schedule);

} // namespace clab::sched
