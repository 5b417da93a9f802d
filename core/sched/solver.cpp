#include "solver.h"

#include <set>
#include <unordered_map>

namespace clab::sched {

const char* outcome_name(SolveResult::Outcome o) {
    switch (o) {
    case SolveResult::Outcome::Found:
        return "found";
    case SolveResult::Outcome::Impossible:
        return "impossible";
    case SolveResult::Outcome::BoundReached:
        return "bound-reached";
    case SolveResult::Outcome::Error:
        return "error";
    }
    return "?";
}

bool replay(const Machine& m, const std::vector<int>& schedule, State& out, std::string& error) {
    out = m.initial();
    for (size_t i = 0; i < schedule.size(); ++i) {
        const int w = schedule[i];
        if (w < 0 || w >= int(out.workers.size())) {
            error = "step " + std::to_string(i + 1) + ": there is no worker " + std::to_string(w + 1);
            return false;
        }
        std::string why;
        if (!m.step(out, w, why)) {
            error = "step " + std::to_string(i + 1) + ": " + why;
            return false;
        }
    }
    return true;
}

std::vector<std::string> describe_schedule(const Machine& m, const std::vector<int>& schedule) {
    std::vector<std::string> out;
    State s = m.initial();
    size_t i = 0;
    while (i < schedule.size()) {
        const int w = schedule[i];
        size_t n = 0;
        const Instruction* last = nullptr;
        std::string fn;
        while (i < schedule.size() && schedule[i] == w) {
            last = m.next_instruction(s, w);
            fn = m.program().functions[size_t(s.workers[size_t(w)].frames.back().function)].name;
            std::string error;
            if (!m.step(s, w, error)) return out;
            ++n, ++i;
        }
        std::string line = m.puzzle().workers[size_t(w)].name + " runs " + std::to_string(n) +
                           " instruction" + (n == 1 ? "" : "s") + ", the last " +
                           (last ? m.describe(*last) : "?") + " in " + fn + "()";
        if (last && last->line > 0) line += " (line " + std::to_string(last->line) + ")";
        if (m.done(s, w))
            line += " and finishes";
        else if (!m.runnable(s, w))
            line += ", then " + m.blocked_reason(s, w);
        out.push_back(line);
    }
    return out;
}

namespace {

struct Node {
    State state;
    int parent = -1;
    int worker = -1;
};

// What the search saw, for the words of a proof.
struct Observations {
    size_t others_ran_during_read = 0;        // a worker ran while another held an unwritten read
    size_t writes_during_read = 0;            // ... and wrote that variable
    std::set<std::pair<int, int>> lock_order; // (held, then taken)
    int max_passed_unfinished = 0;
};

void observe(const Machine& m, const State& before, const State& after, int w, Observations& o) {
    for (size_t other = 0; other < before.workers.size(); ++other) {
        if (int(other) == w) continue;
        const uint32_t pending = before.workers[other].unwritten_reads;
        if (!pending) continue;
        ++o.others_ran_during_read;
        for (size_t g = 0; g < before.globals.size(); ++g)
            if (before.globals[g] != after.globals[g]) ++o.writes_during_read;
    }
    for (size_t taken = 0; taken < after.lock_owner.size(); ++taken) {
        if (after.lock_owner[taken] != w || before.lock_owner[taken] == w) continue;
        for (size_t held = 0; held < before.lock_owner.size(); ++held)
            if (held != taken && before.lock_owner[held] == w) o.lock_order.insert({int(held), int(taken)});
    }
    int passed_unfinished = 0;
    for (size_t x = 0; x < after.workers.size(); ++x) {
        if (!after.workers[x].passed || m.done(after, int(x))) continue;
        ++passed_unfinished;
    }
    o.max_passed_unfinished = std::max(o.max_passed_unfinished, passed_unfinished);
}

std::string rule_words(const Machine& m) {
    const std::string version = "3." + std::to_string(m.minor());
    switch (m.rule()) {
    case Rule::Gil:
        return "with the GIL on " + version;
    case Rule::Any:
        return "switching before any instruction (free-threaded " + version + ")";
    case Rule::Await:
        return "as asyncio tasks on " + version;
    }
    return {};
}

// The read-to-write windows of the shared variables, and the switch points inside them.
std::string window_words(const Machine& m) {
    std::string out;
    for (const Function& fn : m.program().functions) {
        for (size_t i = 0; i < fn.code.size(); ++i) {
            const Instruction& read = fn.code[i];
            if (read.opname != "LOAD_GLOBAL") continue;
            const std::string var = read.argval.as_string();
            bool shared = false;
            for (const std::string& s : m.puzzle().shared)
                shared |= s == var;
            if (!shared) continue;
            for (size_t j = i + 1; j < fn.code.size(); ++j) {
                const Instruction& ins = fn.code[j];
                if (ins.opname == "STORE_GLOBAL" && ins.argval.as_string() == var) {
                    std::string points;
                    for (size_t k = i + 1; k < j; ++k)
                        if (m.may_check_eval_breaker(fn.code[k]))
                            points += (points.empty() ? "" : ", ") + m.describe(fn.code[k]);
                    out += "In " + fn.name + "(), " + var + " is read by " + m.describe(read) + " (offset " +
                           std::to_string(read.offset) + ") and written back by " + m.describe(ins) +
                           " (offset " + std::to_string(ins.offset) + "); " +
                           (points.empty() ? "no instruction between them checks the eval breaker."
                                           : "between them, " + points + " can check the eval breaker.") +
                           " ";
                    break;
                }
                if (ins.opname.find("JUMP") != std::string::npos ||
                    ins.opname.find("RETURN") != std::string::npos)
                    break;
            }
        }
    }
    if (!out.empty()) out.pop_back();
    return out;
}

void explain_impossible(const Machine& m, SolveResult& r, const Observations& o) {
    auto& e = r.explanation;
    const std::string head = rule_words(m) + ", no schedule reaches the goal: all " +
                             std::to_string(r.states) + " reachable states were explored.";
    e.push_back(head);
    switch (m.puzzle().goal) {
    case Goal::LostUpdate:
        if (m.rule() == Rule::Gil && o.others_ran_during_read == 0) {
            e.push_back(
                "A thread is only switched out where CPython checks its eval breaker, and in no reachable "
                "state does another thread run while one holds a value of a shared variable it has read "
                "but not yet written back.");
            if (const std::string w = window_words(m); !w.empty()) e.push_back(w);
            e.push_back(
                "So every read-modify-write happens in one piece here: not because it is atomic, but "
                "because no switch point falls inside it. Another Python version or one more call inside "
                "the window changes that.");
        } else if (o.writes_during_read == 0) {
            e.push_back("Other threads do run while one holds a read value (" +
                        std::to_string(o.others_ran_during_read) +
                        " such steps), but none of them can write the variable before it is written back: "
                        "they wait for the lock.");
        } else {
            e.push_back(
                "Writes do happen in between, but every schedule still ends with the expected values.");
        }
        break;
    case Goal::Deadlock: {
        std::string order;
        for (const auto& [held, taken] : o.lock_order)
            order += (order.empty() ? "" : ", ") + m.lock_names()[size_t(held)] + " then " +
                     m.lock_names()[size_t(taken)];
        if (!order.empty())
            e.push_back(
                "Whenever a thread held one lock and took another, it was in this order: " + order +
                ". A deadlock needs a cycle, one thread taking the locks the other way round, and none "
                "does: whoever holds the first lock can always get the second.");
        else
            e.push_back("No thread ever holds one lock while taking another, so no waiting cycle can form.");
        break;
    }
    case Goal::BothPass:
        e.push_back(
            "At most " + std::to_string(o.max_passed_unfinished) + " task was past the check at any time" +
            (m.lock_names().empty() ? std::string(".")
                                    : ": a task checks and acts while holding " + m.lock_names().front() +
                                          ", so the other one waits at `async with " +
                                          m.lock_names().front() + "` until the first is done with both."));
        break;
    }
}

} // namespace

SolveResult solve(const Machine& m, size_t max_states) {
    SolveResult r;
    if (!m.error().empty()) {
        r.error = m.error();
        return r;
    }
    std::vector<Node> nodes;
    std::unordered_map<std::string, int> seen;
    Observations obs;
    nodes.push_back({m.initial(), -1, -1});
    seen.emplace(nodes[0].state.key(), 0);
    auto finish_found = [&](int index) {
        r.outcome = SolveResult::Outcome::Found;
        r.final_state = nodes[size_t(index)].state;
        for (int i = index; nodes[size_t(i)].parent >= 0; i = nodes[size_t(i)].parent)
            r.schedule.insert(r.schedule.begin(), nodes[size_t(i)].worker);
        r.states = nodes.size();
        r.explanation.push_back(rule_words(m) + ", a schedule of " + std::to_string(r.schedule.size()) +
                                " instructions reaches the goal (the shortest; " + std::to_string(r.states) +
                                " states explored):");
        for (const std::string& line : describe_schedule(m, r.schedule))
            r.explanation.push_back(line);
        r.explanation.push_back("Goal: " + m.goal_text(r.final_state) + ".");
        if (!m.all_done(r.final_state) && m.puzzle().goal != Goal::Deadlock) {
            // Let every worker finish (first allowed worker each time) so the end values show it.
            State end = r.final_state;
            std::string error;
            for (int guard = 0; guard < 100'000 && !m.all_done(end); ++guard) {
                const std::vector<int> c = m.choices(end);
                if (c.empty() || !m.step(end, c.front(), error)) break;
            }
            std::string values;
            for (const std::string& name : m.puzzle().shared)
                if (const int g = m.global_index(name); g >= 0)
                    values +=
                        (values.empty() ? "" : ", ") + name + " = " + m.describe(end.globals[size_t(g)]);
            if (m.all_done(end) && !values.empty())
                r.explanation.push_back("Run to the end: " + values + ".");
        }
    };
    if (m.goal_reached(nodes[0].state)) {
        finish_found(0);
        return r;
    }
    for (size_t head = 0; head < nodes.size(); ++head) {
        for (const int w : m.choices(nodes[head].state)) {
            State next = nodes[head].state;
            std::string error;
            if (!m.step(next, w, error)) {
                r.error = m.puzzle().workers[size_t(w)].name + ": " + error;
                r.states = nodes.size();
                return r;
            }
            ++r.transitions;
            observe(m, nodes[head].state, next, w, obs);
            std::string key = next.key();
            if (seen.count(key)) continue;
            if (nodes.size() >= max_states) {
                r.outcome = SolveResult::Outcome::BoundReached;
                r.states = nodes.size();
                r.explanation.push_back("Bound reached: " + std::to_string(max_states) +
                                        " states explored without reaching the goal, and more remain. This "
                                        "proves nothing either way.");
                return r;
            }
            seen.emplace(std::move(key), int(nodes.size()));
            nodes.push_back({std::move(next), int(head), w});
            if (m.goal_reached(nodes.back().state)) {
                finish_found(int(nodes.size() - 1));
                return r;
            }
        }
    }
    r.outcome = SolveResult::Outcome::Impossible;
    r.states = nodes.size();
    explain_impossible(m, r, obs);
    return r;
}

} // namespace clab::sched
