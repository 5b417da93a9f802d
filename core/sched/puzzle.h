// The puzzles: small Python programs from the lessons, the threads or tasks that run them, and the
// goal to reach. Defined in core/sched/data/puzzles.json (format in core/sched/README.md), which
// also says which lesson steps offer each puzzle.
#pragma once

#include "json.h"

#include <map>
#include <string>
#include <vector>

namespace clab::sched {

enum class Goal { LostUpdate, Deadlock, BothPass };
// Where a switch may happen. Gil: CPython 3.10+ with the GIL, only at eval-breaker checks;
// Any: before any instruction (free-threaded build, or the "switch anywhere" thought experiment
// that also describes pre-3.10 interpreters closely enough); Await: asyncio tasks, only where a
// task gives control back to the event loop.
enum class Rule { Gil, Any, Await };

const char* goal_name(Goal g); // "lost-update", "deadlock", "both-pass"
const char* rule_name(Rule r); // "gil", "any", "await"
bool parse_goal(const std::string& text, Goal& out);
bool parse_rule(const std::string& text, Rule& out);

struct Attachment {
    std::string lesson; // the lesson's short name (its `id:`)
    int step = 0;       // from 1
    Rule rule = Rule::Gil;
};

struct Worker {
    std::string name;     // "thread 1"
    std::string function; // the function it runs
    std::vector<Json> args;
};

struct Puzzle {
    std::string id, title;
    std::vector<Attachment> attach;
    bool tasks = false; // asyncio tasks, else threads
    Goal goal = Goal::LostUpdate;
    std::string source;
    Json globals; // name -> initial value (see the README)
    std::vector<Worker> workers;
    std::vector<std::string> shared;           // the variables the window shows first
    std::map<std::string, long long> expected; // lost-update: what an exact run ends with
    int passed_line = 0;                       // both-pass: the first line past the check

    Rule default_rule() const;
};

// Every shipped puzzle (parsed once).
const std::vector<Puzzle>& puzzles();
const Puzzle* find_puzzle(const std::string& id);
// The puzzles a lesson step offers, in file order.
std::vector<const Puzzle*> puzzles_for(const std::string& lesson, int step);

} // namespace clab::sched
