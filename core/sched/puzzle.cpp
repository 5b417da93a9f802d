#include "puzzle.h"

#include "embedded_data.h"

#include <cstdio>

namespace clab::sched {

const char* goal_name(Goal g) {
    switch (g) {
    case Goal::LostUpdate:
        return "lost-update";
    case Goal::Deadlock:
        return "deadlock";
    case Goal::BothPass:
        return "both-pass";
    }
    return "?";
}

const char* rule_name(Rule r) {
    switch (r) {
    case Rule::Gil:
        return "gil";
    case Rule::Any:
        return "any";
    case Rule::Await:
        return "await";
    }
    return "?";
}

bool parse_goal(const std::string& text, Goal& out) {
    for (const Goal g : {Goal::LostUpdate, Goal::Deadlock, Goal::BothPass})
        if (text == goal_name(g)) return out = g, true;
    return false;
}

bool parse_rule(const std::string& text, Rule& out) {
    for (const Rule r : {Rule::Gil, Rule::Any, Rule::Await})
        if (text == rule_name(r)) return out = r, true;
    return false;
}

Rule Puzzle::default_rule() const {
    if (tasks) return Rule::Await;
    return attach.empty() ? Rule::Gil : attach.front().rule;
}

namespace {

std::vector<Puzzle> parse_all() {
    Json root;
    std::string error;
    std::vector<Puzzle> out;
    if (!parse_json(embedded::puzzles_json, root, error)) {
        std::fprintf(stderr, "concurrency-lab: the shipped puzzles do not parse: %s\n", error.c_str());
        return out;
    }
    for (const Json& p : root["puzzles"].array) {
        Puzzle z;
        z.id = p["id"].as_string();
        z.title = p["title"].as_string();
        for (const Json& a : p["attach"].array) {
            Attachment at;
            at.lesson = a["lesson"].as_string();
            at.step = int(a["step"].as_int());
            parse_rule(a["rule"].as_string("gil"), at.rule);
            z.attach.push_back(at);
        }
        z.tasks = p["kind"].as_string() == "tasks";
        parse_goal(p["goal"].as_string(), z.goal);
        z.source = p["source"].as_string();
        z.globals = p["globals"];
        for (const Json& w : p["workers"].array)
            z.workers.push_back({w["name"].as_string(), w["function"].as_string(), w["args"].array});
        for (const Json& s : p["shared"].array)
            z.shared.push_back(s.as_string());
        for (const auto& [name, value] : p["expected"].object)
            z.expected[name] = value.as_int();
        z.passed_line = int(p["passed_line"].as_int());
        out.push_back(std::move(z));
    }
    return out;
}

} // namespace

const std::vector<Puzzle>& puzzles() {
    static const std::vector<Puzzle> all = parse_all();
    return all;
}

const Puzzle* find_puzzle(const std::string& id) {
    for (const Puzzle& p : puzzles())
        if (p.id == id) return &p;
    return nullptr;
}

std::vector<const Puzzle*> puzzles_for(const std::string& lesson, int step) {
    std::vector<const Puzzle*> out;
    for (const Puzzle& p : puzzles())
        for (const Attachment& a : p.attach)
            if (a.lesson == lesson && a.step == step) {
                out.push_back(&p);
                break;
            }
    return out;
}

} // namespace clab::sched
