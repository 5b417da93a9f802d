#include "schedule_command.h"

#include "core/sched/solver.h"
#include "sched/puzzle_lookup.h"

#include <cstdio>
#include <map>

namespace clab::cli {

namespace {

const char* kUsage =
    "usage: concurrency-lab schedule solve (--lesson ID --step N | --puzzle NAME)\n"
    "                                      [--rule gil|any|await] [--goal lost-update|deadlock|both-pass]\n"
    "                                      [--python PATH | --bytecode 3.11|3.12|3.13] [--max-states N] "
    "[--json]\n"
    "       concurrency-lab schedule list\n"
    "  Searches every schedule of the puzzle's threads (or asyncio tasks) over the real bytecode of\n"
    "  PATH (default python3; its dis output is cached) or of the shipped CPython 3.11/3.12/3.13 dumps,\n"
    "  and prints the shortest one that reaches the goal (exit 0), or why none exists (exit 1).\n"
    "  --rule: gil = switch only where CPython 3.10+ checks its eval breaker; any = before any\n"
    "  instruction (free-threaded); await = asyncio tasks (default: the puzzle's).\n";

void print(FILE* to, const std::string& text) {
    fputs(text.c_str(), to);
}

int usage(const std::string& problem) {
    if (!problem.empty()) print(stderr, "concurrency-lab schedule: " + problem + "\n");
    print(stderr, kUsage);
    return 2;
}

int list() {
    for (const sched::Puzzle& p : sched::puzzles()) {
        std::string where;
        for (const sched::Attachment& a : p.attach)
            where += (where.empty() ? "" : ", ") + a.lesson + " step " + std::to_string(a.step) + " (" +
                     sched::rule_name(a.rule) + ")";
        print(stdout, p.id + ": " + p.title + " [" + sched::goal_name(p.goal) + "] — " + where + "\n");
    }
    return 0;
}

std::string json_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + sched::json_quote(items[i]);
    return out + "]";
}

} // namespace

int schedule_command(const QStringList& arguments) {
    const QString verb = arguments.value(0);
    if (verb == QLatin1String("--help") || verb == QLatin1String("-h")) {
        print(stdout, kUsage);
        return 0;
    }
    if (verb == QLatin1String("list"))
        return arguments.size() == 1 ? list() : usage("list takes no arguments");
    if (verb != QLatin1String("solve"))
        return usage(verb.isEmpty() ? "" : "unknown command '" + verb.toStdString() + "'");

    std::map<std::string, std::string> values;
    bool json = false;
    const std::vector<std::string> valued = {"lesson", "step",   "puzzle",   "rule",
                                             "goal",   "python", "bytecode", "max-states"};
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const std::string arg = arguments[i].toStdString();
        if (arg == "--json") {
            json = true;
            continue;
        }
        bool known = false;
        for (const std::string& name : valued) {
            if (arg == "--" + name) {
                if (i + 1 >= arguments.size()) return usage("--" + name + " needs a value");
                values[name] = arguments[++i].toStdString();
                known = true;
            } else if (arg.rfind("--" + name + "=", 0) == 0) {
                values[name] = arg.substr(name.size() + 3);
                known = true;
            }
        }
        if (!known) return usage("unknown argument '" + arg + "'");
    }

    // Which puzzle.
    const sched::Puzzle* puzzle = nullptr;
    std::optional<sched::Goal> goal;
    if (values.count("goal")) {
        sched::Goal g;
        if (!sched::parse_goal(values["goal"], g))
            return usage("--goal must be lost-update, deadlock or both-pass");
        goal = g;
    }
    sched::Rule rule = sched::Rule::Gil;
    bool rule_given = false;
    if (values.count("rule")) {
        if (!sched::parse_rule(values["rule"], rule)) return usage("--rule must be gil, any or await");
        rule_given = true;
    }
    std::string lesson;
    int step = 0;
    if (values.count("puzzle")) {
        if (values.count("lesson") || values.count("step"))
            return usage("give either --puzzle or --lesson and --step");
        puzzle = sched::find_puzzle(values["puzzle"]);
        if (!puzzle)
            return usage("no puzzle '" + values["puzzle"] + "' (see: concurrency-lab schedule list)");
    } else {
        if (!values.count("lesson") || !values.count("step"))
            return usage("give --lesson and --step, or --puzzle");
        bool ok = false;
        step = QString::fromStdString(values["step"]).toInt(&ok);
        if (!ok || step < 1) return usage("--step takes a step number from 1");
        lesson = sched_ui::lesson_short_name(QString::fromStdString(values["lesson"])).toStdString();
        std::vector<const sched::Puzzle*> offered = sched::puzzles_for(lesson, step);
        std::vector<const sched::Puzzle*> matching;
        for (const sched::Puzzle* p : offered)
            if (!goal || p->goal == *goal) matching.push_back(p);
        if (matching.empty()) {
            std::string msg = "lesson " + values["lesson"] + " step " + std::to_string(step) + " offers no " +
                              (goal ? std::string(sched::goal_name(*goal)) + " " : "") + "puzzle";
            return usage(msg + " (see: concurrency-lab schedule list)");
        }
        puzzle = matching.front();
        if (matching.size() > 1 && !json) {
            std::string others;
            for (size_t i = 1; i < matching.size(); ++i)
                others += " " + matching[i]->id;
            print(stderr, "note: this step also offers (use --puzzle):" + others + "\n");
        }
        if (!rule_given)
            for (const sched::Attachment& a : puzzle->attach)
                if (a.lesson == lesson && a.step == step) rule = a.rule, rule_given = true;
    }
    if (goal && puzzle->goal != *goal)
        return usage("puzzle " + puzzle->id + "'s goal is " + sched::goal_name(puzzle->goal));
    if (!rule_given) rule = puzzle->default_rule();
    size_t max_states = 2'000'000;
    if (values.count("max-states")) {
        bool ok = false;
        max_states = size_t(QString::fromStdString(values["max-states"]).toLongLong(&ok));
        if (!ok || max_states < 1) return usage("--max-states takes a positive whole number");
    }

    // Which bytecode.
    sched::Bytecode bytecode;
    if (values.count("bytecode")) {
        if (values.count("python")) return usage("give either --python or --bytecode");
        const std::string v = values["bytecode"];
        std::string error;
        if (v.rfind("3.", 0) != 0 || !sched::shipped_bytecode(std::atoi(v.c_str() + 2), bytecode, error))
            return usage("--bytecode must be 3.11, 3.12 or 3.13");
    } else {
        bytecode = sched::load_bytecode(values.count("python") ? values["python"] : "python3");
    }
    const auto program = bytecode.programs.find(puzzle->id);
    if (program == bytecode.programs.end()) {
        print(stderr, "concurrency-lab schedule: the bytecode has no program '" + puzzle->id + "'\n");
        return 1;
    }
    const sched::Machine machine(*puzzle, program->second, bytecode.minor, rule);
    const sched::SolveResult r = sched::solve(machine, max_states);
    if (r.outcome == sched::SolveResult::Outcome::Error) {
        print(stderr, "concurrency-lab schedule: " + puzzle->id + ": " + r.error + "\n");
        return 1;
    }

    if (json) {
        std::vector<std::string> final_values;
        std::string out = "{\n  \"puzzle\": " + sched::json_quote(puzzle->id) +
                          ",\n  \"title\": " + sched::json_quote(puzzle->title);
        if (!lesson.empty())
            out += ",\n  \"lesson\": " + sched::json_quote(lesson) + ",\n  \"step\": " + std::to_string(step);
        out += ",\n  \"python\": " + sched::json_quote(bytecode.python) +
               ",\n  \"bytecode\": " + sched::json_quote(bytecode.origin) +
               ",\n  \"rule\": " + sched::json_quote(sched::rule_name(rule)) +
               ",\n  \"goal\": " + sched::json_quote(sched::goal_name(puzzle->goal)) +
               ",\n  \"outcome\": " + sched::json_quote(sched::outcome_name(r.outcome)) +
               ",\n  \"states\": " + std::to_string(r.states) + ",\n  \"schedule\": [";
        for (size_t i = 0; i < r.schedule.size(); ++i)
            out += (i ? ", " : "") + std::to_string(r.schedule[i] + 1);
        out += "],\n  \"workers\": [";
        for (size_t i = 0; i < puzzle->workers.size(); ++i)
            out += (i ? ", " : "") + sched::json_quote(puzzle->workers[i].name);
        out += "],\n  \"explanation\": " + json_list(r.explanation);
        if (r.outcome == sched::SolveResult::Outcome::Found) {
            out += ",\n  \"final\": {";
            bool first = true;
            for (const std::string& name : puzzle->shared) {
                const int g = machine.global_index(name);
                if (g < 0) continue;
                out += std::string(first ? "" : ", ") + sched::json_quote(name) + ": " +
                       sched::json_quote(machine.describe(r.final_state.globals[size_t(g)]));
                first = false;
            }
            out += "}";
        }
        print(stdout, out + "\n}\n");
    } else {
        print(stdout, puzzle->id + " (" + puzzle->title + "), goal " + sched::goal_name(puzzle->goal) +
                          ", rule " + sched::rule_name(rule) + ", bytecode: " + bytecode.origin + "\n");
        for (const std::string& line : r.explanation)
            print(stdout, "  " + line + "\n");
        if (r.outcome == sched::SolveResult::Outcome::Found) {
            std::string steps;
            for (const int w : r.schedule)
                steps += std::to_string(w + 1);
            print(stdout, "  schedule (worker per instruction): " + steps + "\n");
        }
    }
    return r.outcome == sched::SolveResult::Outcome::Found ? 0 : 1;
}

} // namespace clab::cli
