// A small interpreter for the bytecode subset the puzzles use, stepped one instruction at a time
// by a scheduler (the student, or the solver). It never runs arbitrary code: values are integers,
// None, functions of the puzzle, range iterators, threading/asyncio locks and asyncio.sleep; any
// other instruction or object stops with a message naming it. Each instruction does what CPython
// 3.11/3.12/3.13 does for these programs (stack effects, NULL/self call conventions, jumps), and
// reports whether CPython checks its eval breaker there, i.e. whether a thread switch can happen.
#pragma once

#include "bytecode.h"
#include "puzzle.h"

#include <cstdint>
#include <string>
#include <vector>

namespace clab::sched {

struct Value {
    enum class Kind : uint8_t {
        Null, // CPython's NULL on the value stack (call conventions)
        None,
        Bool,
        Int,
        Float,     // only passed along (time.sleep's argument); `a` holds the bits
        Function,  // a = index in the Program
        Builtin,   // a = Builtin
        Module,    // a = ModuleId
        Lock,      // a = lock index
        LockExit,  // a bound __exit__ / __aexit__ of lock a
        Range,     // range(a)
        RangeIter, // a = next, b = stop
        Awaitable, // a = AwaitKind, b = lock index or progress
    };
    enum Builtin : int64_t { BuiltinRange, BuiltinTimeSleep, BuiltinAsyncioSleep };
    enum ModuleId : int64_t { ModuleTime, ModuleAsyncio };
    enum AwaitKind : int64_t { AwaitSleep, AwaitAcquire, AwaitAExit };

    Kind kind = Kind::Null;
    int64_t a = 0, b = 0;

    bool operator==(const Value&) const = default;
};

struct Frame {
    int function = 0; // index in the Program
    int pc = 0;       // index of the next instruction
    std::vector<Value> locals;
    std::vector<Value> stack;
    bool operator==(const Frame&) const = default;
};

struct WorkerState {
    std::vector<Frame> frames; // innermost last; empty when done
    bool breaker = true;       // the last instruction checked CPython's eval breaker (or none ran yet)
    bool yielded = true;       // the last instruction gave control back to the event loop (or none ran yet)
    int waiting_lock = -1;     // a task parked in asyncio.Lock.acquire
    bool passed = false;       // both-pass: reached the line past the check
    uint32_t unwritten_reads = 0; // bit per shared variable: read, not yet written back
    bool operator==(const WorkerState&) const = default;
};

struct State {
    std::vector<WorkerState> workers;
    std::vector<Value> globals;
    std::vector<int> lock_owner; // worker index, -1 free
    int current = -1;            // the worker that ran last (holds the GIL / runs on the loop)
    bool operator==(const State&) const = default;
    std::string key() const; // compact bytes that identify the state, for hashing
};

class Machine {
public:
    Machine(const Puzzle& puzzle, const Program& program, int minor, Rule rule);
    // Empty when the puzzle can be run; else why not.
    const std::string& error() const { return error_; }

    const Puzzle& puzzle() const { return puzzle_; }
    const Program& program() const { return program_; }
    int minor() const { return minor_; }
    Rule rule() const { return rule_; }
    const std::vector<std::string>& global_names() const { return global_names_; }
    const std::vector<std::string>& lock_names() const { return lock_names_; }
    int global_index(const std::string& name) const;

    State initial() const;
    bool done(const State& s, int w) const { return s.workers[size_t(w)].frames.empty(); }
    bool all_done(const State& s) const;
    // Not done and not waiting for a lock someone holds.
    bool runnable(const State& s, int w) const;
    // Why a worker cannot run now, for the window ("waits for lock_a, held by thread 2"); empty if it can.
    std::string blocked_reason(const State& s, int w) const;
    // Runnable, and the rule lets the scheduler give it the next instruction: it is the current worker,
    // or the current worker stands at a switch point (or cannot run).
    bool allowed(const State& s, int w) const;
    // Whether the worker's last instruction left it at a switch point under the rule.
    bool at_switch_point(const State& s, int w) const;
    std::vector<int> choices(const State& s) const;
    // Executes worker w's next instruction. False, with `error`, for anything outside the subset.
    bool step(State& s, int w, std::string& error) const;

    bool deadlocked(const State& s) const;
    bool goal_reached(const State& s) const;
    // One line on the goal: "counter = 3, 4 expected: an update was lost", "deadlock: ..." ...
    std::string goal_text(const State& s) const;

    const Instruction* next_instruction(const State& s, int w) const;
    // Whether executing `ins` can end with an eval-breaker check (a static over-approximation for
    // CALL: only calls into C check; calls of Python functions check at the callee's RESUME).
    bool may_check_eval_breaker(const Instruction& ins) const;
    std::string describe(const Value& v) const;
    std::string describe(const Instruction& ins) const; // "LOAD_GLOBAL counter"

private:
    bool call(State& s, int w, Frame& f, const Instruction& ins, std::string& error) const;
    bool send(State& s, int w, Frame& f, const Instruction& ins, std::string& error) const;
    int shared_bit(int global) const;

    const Puzzle& puzzle_;
    const Program& program_;
    int minor_;
    Rule rule_;
    std::string error_;
    std::vector<std::string> global_names_;
    std::vector<Value> initial_globals_;
    std::vector<std::string> lock_names_;
    std::vector<bool> lock_async_;
    std::vector<int> shared_globals_; // global indexes of puzzle.shared
    std::vector<int> entry_;          // function index per worker
    std::vector<std::vector<Value>> entry_args_;
};

} // namespace clab::sched
